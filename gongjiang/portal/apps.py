from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top of the house: the home page with every app's to-dos, and the demo seed over every app."""

    name = "gongjiang.portal"
    label = "portal"
    verbose_name = _("Portal")
