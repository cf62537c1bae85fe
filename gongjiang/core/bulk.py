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
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models

T = TypeVar("T")

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


@contextlib.contextmanager
def checked_per_statement() -> Iterator[None]:
    """Inside a transaction, on PostgreSQL: foreign keys checked at the end of each statement instead of
    all at commit (``SET CONSTRAINTS ALL IMMEDIATE``), so a large write's checks happen batch by batch
    while :func:`ahead` makes the next batch, not at a commit with nothing left to overlap. The same
    checks either way. Set back to deferred (Django's constraints are ``INITIALLY DEFERRED``) on the
    way out; after an error, the savepoint or transaction being rolled back restores it."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("checked_per_statement needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


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


def row_converter(model: type[models.Model], fields: Sequence[str]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """What :func:`insert_rows` does to each row before the database sees it (JSON to text, dates to
    text on SQLite), as a function, for rows made ahead of the insert (``prepared=True``)."""
    meta = model._meta
    converters = [(i, conv) for i, name in enumerate(fields) if (conv := _converter(_concrete(meta.get_field(name))))]
    if not converters:
        return lambda row: row

    def convert(row: Sequence[Any]) -> Sequence[Any]:
        values = list(row)
        for i, conv in converters:
            if values[i] is not None:
                values[i] = conv(values[i])
        return values

    return convert


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, prepared: bool = False
) -> int:
    """Insert ``rows`` into ``model``'s table in one statement stream; returns the count. With
    ``prepared``, the rows have been through :func:`row_converter` already."""
    meta = model._meta
    columns = [_concrete(meta.get_field(name)) for name in fields]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns if f.column)
    table = connection.ops.quote_name(meta.db_table)
    convert = row_converter(model, fields)
    values = rows if prepared else map(convert, rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the driver's own COPY: its errors wrapped as Django's (IntegrityError, ...) as a query's are
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
                    count += 1
        else:
            batch = list(values)
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", batch)  # noqa: S608
            count = len(batch)
    return count


def ahead(items: Iterable[T], depth: int = 2, *, thread: bool | None = None) -> Iterator[T]:
    """The items of ``items``, made in a background thread up to ``depth`` ahead of the caller, on
    PostgreSQL: while this process waits for the server to store one batch, the next is being made.
    On SQLite the items are made in line (SQLite works in this process: there is no wait to fill);
    ``thread`` says which, instead of the database.

    ``items`` must not touch the database: a thread has its own connection, outside the caller's
    transaction. An exception in ``items`` is raised here; leaving the loop early stops the thread.
    """
    if not (connection.vendor == "postgresql" if thread is None else thread):
        yield from items
        return
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def give(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not give("item", item):
                    return
            give("end", None)
        except BaseException as exc:  # raised again in the caller's thread
            give("error", exc)

    maker = threading.Thread(target=make, name="bulk-ahead", daemon=True)
    maker.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        maker.join()
