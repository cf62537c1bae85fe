from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollegesConfig(AppConfig):
    name = "gongjiang.colleges"
    label = "colleges"
    verbose_name = _("Craftsman colleges")
