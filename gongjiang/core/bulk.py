"""The database's own bulk path for large writes: COPY on PostgreSQL, executemany on SQLite.

Rows are plain tuples in the order of ``fields``; values are converted once per field
kind (dates, times, JSON), not through the ORM's per-object machinery. No model
``save()`` runs and no signal fires, so callers write their own audit rows.
"""

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if connection.vendor == "postgresql":
        return None  # psycopg adapts dates and aware datetimes itself
    if isinstance(field, models.DateField):  # DateTimeField too
        # an import stamps every row with the same "now" and has few distinct dates: convert each once
        return functools.lru_cache(maxsize=65536)(lambda v: field.get_db_prep_save(v, connection))
    return None


def _concrete(field: object) -> models.Field:
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{field} is not a concrete column")
    return field


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` into ``model``'s table in one statement stream; returns the count."""
    meta = model._meta
    columns = [_concrete(meta.get_field(name)) for name in fields]
    converters = [(i, conv) for i, f in enumerate(columns) if (conv := _converter(f)) is not None]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns if f.column)
    table = connection.ops.quote_name(meta.db_table)

    def prepared() -> Iterable[Sequence[Any]]:
        for row in rows:
            if not converters:
                yield row
                continue
            values = list(row)
            for i, conv in converters:
                if values[i] is not None:
                    values[i] = conv(values[i])
            yield values

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared():
                    copy.write_row(row)
                    count += 1
        else:
            batch = list(prepared())
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", batch)  # noqa: S608
            count = len(batch)
    return count
