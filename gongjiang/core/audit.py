"""Audit rows for every change to business data.

Services call :func:`snapshot` before and after a change and :func:`record` inside
the same ``transaction.atomic`` block, so the history can never disagree with the data.
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

from .models import AuditAction, AuditEntry, User

Snapshot = dict[str, Any]
HELD_BATCH = 1000
_held: ContextVar[list[AuditEntry] | None] = ContextVar("audit_held", default=None)


def display_value(obj: models.Model, field_name: str) -> Any:
    """A language-neutral value: choice keys (labelled when read), related names, ISO dates."""
    field = obj._meta.get_field(field_name)
    if isinstance(field, models.ManyToManyField):
        return sorted(str(o) for o in getattr(obj, field_name).all())
    value = getattr(obj, field_name)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(field, models.JSONField):
        return value  # already plain data; its model says how to show it (``audit_value``)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> Snapshot:
    return {name: display_value(obj, name) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def entry(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    union_id: int | None = None,
    note: str = "",
) -> AuditEntry | None:
    """Build (unsaved) the audit row for one change; ``None`` when nothing changed."""
    changes = diff(before or {}, after or {})
    if action == AuditAction.UPDATE and not changes:
        return None
    return AuditEntry(
        actor=actor,
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        union_id=union_id,
        changes=changes,
        note=note[:200],
    )


def record(**kwargs: Any) -> AuditEntry | None:
    """Write one audit row (see :func:`entry`); call inside the change's transaction. Inside
    :func:`held` the row is written with the block's others (its ``pk`` is unset until then)."""
    row = entry(**kwargs)
    if row is None:
        return row
    rows = _held.get()
    if rows is None:
        row.save()
        return row
    rows.append(row)
    if len(rows) >= HELD_BATCH:
        _write(rows)
    return row


def _write(rows: list[AuditEntry]) -> None:
    AuditEntry.objects.bulk_create(rows, batch_size=HELD_BATCH)
    rows.clear()


@contextmanager
def held() -> Iterator[None]:
    """Inside the block :func:`record` keeps its rows and writes them a thousand to a statement, the rest
    as the block ends: the same rows in the same order, for a build that runs many services in one
    transaction (the demo's history). Use it only inside a transaction that a failure anywhere in the
    block rolls back (nothing in the block catches a service's error): a block that raises writes none
    of the rows it still holds, as its transaction is being rolled back."""
    rows: list[AuditEntry] = []
    token = _held.set(rows)
    try:
        yield
    finally:
        _held.reset(token)
    _write(rows)  # only when the block did not raise


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
