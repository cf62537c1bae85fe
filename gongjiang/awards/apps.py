from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "gongjiang.awards"
    label = "awards"
    verbose_name = _("Awards and ledger")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects to the competitions' "final" signal)
