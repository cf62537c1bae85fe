"""Signals for the parts built on competitions (they may not be imported from here)."""

from django.dispatch import Signal

# Sent inside the transaction that makes a competition's results final (kwargs: competition, actor).
results_final = Signal()
