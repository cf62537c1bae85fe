"""Writes that bypass the model signals announce the rows they are about to change.

The statistics keep their rollups current by watching the rows their indicators count
(``pre_save`` and ``pre_delete``). A ``QuerySet.update()`` or ``bulk_update()`` sends no signal,
so the code that writes that way calls :func:`announce` first, inside the same transaction,
with the rows as they stand (``pks``) or with the instances already carrying their new values
(``instances``), and the listeners record what those rows counted before the write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.dispatch import Signal

# sender: the model class; pks: the ids of the rows about to change; instances: the changed objects
rows_changing = Signal()


def announce(model: type[models.Model], *, pks: Iterable[Any] = (), instances: Iterable[models.Model] = ()) -> None:
    """Tell the listeners that these rows of ``model`` are about to be written."""
    rows_changing.send(sender=model, pks=list(pks), instances=list(instances))
