from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongjiang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib import admin

        from .forms import AdminLockoutAuthenticationForm

        # The operations admin's log-in goes through the same lock-out as the site's.
        admin.site.login_form = AdminLockoutAuthenticationForm
