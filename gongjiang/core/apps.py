from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongjiang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.apps import apps
        from django.contrib import admin

        from . import display
        from .forms import AdminLockoutAuthenticationForm

        # Every model's ``get_<field>_display`` reads a label dict built once (core.display, issue 17).
        display.install(apps.get_models())

        # The operations admin's log-in goes through the same lock-out as the site's.
        admin.site.login_form = AdminLockoutAuthenticationForm
