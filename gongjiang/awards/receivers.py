"""Final results lead to proposals in the same transaction that makes them final."""

from typing import Any

from django.dispatch import receiver

from gongjiang.competitions.signals import results_final

from . import services


@receiver(results_final, dispatch_uid="awards.propose_for_competition")
def propose(sender: Any, competition: Any, **kwargs: Any) -> None:
    services.propose_for_competition(competition)
