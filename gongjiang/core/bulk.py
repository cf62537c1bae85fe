"""The database's own bulk path for large writes: COPY on PostgreSQL, executemany on SQLite.

Rows are plain tuples in the order of ``fields``; values are converted once per field
kind (dates, times, JSON), not through the ORM's per-object machinery. No model
``save()`` runs and no signal fires, so callers write their own audit rows.

:func:`allocate_ids` reserves primary keys first, so a caller can write rows with their ids
and the rows that point at them (links, audit rows) without reading the ids back.
"""

import contextlib
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models

# json.dumps(v, ensure_ascii=False) builds an encoder on every call; this one is built once
_json_text = json.JSONEncoder(ensure_ascii=False).encode


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.JSONField):
        return _json_text
    if connection.vendor == "postgresql":
        return None  # psycopg adapts dates and aware datetimes itself
    if type(field) is models.DateField:
        return str  # what the SQLite backend's adapt_datefield_value does with a date: its ISO text
    if isinstance(field, models.DateField):  # DateTimeField
        # an import stamps every row with the same "now" and has few distinct dates: convert each once
        return functools.lru_cache(maxsize=65536)(lambda v: field.get_db_prep_save(v, connection))
    return None


def _concrete(field: object) -> models.Field:
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{field} is not a concrete column")
    return field


@contextlib.contextmanager
def large_write(cache_mib: int = 64) -> Iterator[None]:
    """Around a write of many rows: on SQLite, a page cache of ``cache_mib`` for this connection
    (the default 2 MB makes every index of a growing table spill and reread pages), set back
    afterwards. Nothing else changes: every index is kept up to date row by row."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(cache_mib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve ``count`` new primary keys of ``model``'s table, for rows inserted with explicit ids.

    PostgreSQL: ``nextval`` of the id's sequence, ``count`` times in one query (never reused,
    like any id the database hands out). SQLite: the table's AUTOINCREMENT high-water mark in
    ``sqlite_sequence`` is raised by ``count``; that write takes the database's write lock, which
    the caller's transaction (required) holds until it ends, so no other connection can take the
    same ids, and a rollback returns them.
    """
    if count <= 0:
        return []
    meta = model._meta
    column = _concrete(meta.pk).column or "id"  # _concrete refuses a field without a column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("allocate_ids needs a transaction on SQLite")
        table = connection.ops.quote_name(meta.db_table)
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        known = cursor.fetchone()
        cursor.execute(f"SELECT max({connection.ops.quote_name(column)}) FROM {table}")  # noqa: S608
        top = max(known[0] if known else 0, cursor.fetchone()[0] or 0)
        if known:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [top + count, meta.db_table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [meta.db_table, top + count])
    return list(range(top + 1, top + count + 1))


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
