from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationsConfig(AppConfig):
    name = "gongjiang.innovations"
    label = "innovations"
    verbose_name = _("Workers' innovations")
