from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongjiang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.apps import apps
        from django.contrib import admin
        from django.core.signals import request_finished

        from . import display, gcfreeze
        from .forms import AdminLockoutAuthenticationForm

        # Every model's ``get_<field>_display`` reads a label dict built once (core.display, issue 17).
        display.install(apps.get_models())

        # The operations admin's log-in goes through the same lock-out as the site's.
        admin.site.login_form = AdminLockoutAuthenticationForm

        # A warm process's objects frozen out of the collector's full passes (core.gcfreeze).
        request_finished.connect(gcfreeze.after_request, dispatch_uid="gongjiang.core.gcfreeze")
