from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gongjiang.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from gongjiang.core.validators import set_province_source

        from .regions import province_codes

        set_province_source(province_codes)
