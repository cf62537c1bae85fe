"""``core.bulk.ahead`` (batches made in a thread while the database stores the one before) and
``core.bulk.checked_per_statement`` (foreign keys checked per statement inside a large write)."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from gongjiang.core import bulk
from gongjiang.people.models import Worker


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "bulk-ahead"]


@pytest.mark.parametrize("thread", [True, False])
def test_items_arrive_in_order_and_the_thread_ends(thread):
    assert list(bulk.ahead(iter(range(50)), depth=2, thread=thread)) == list(range(50))
    assert not _threads()


def test_items_are_made_while_the_caller_works():
    made: list[float] = []

    def items():
        for n in range(3):
            made.append(time.monotonic())
            yield n

    got = []
    for item in bulk.ahead(items(), depth=2, thread=True):
        if item == 0:
            time.sleep(0.2)  # the caller storing the first batch
            assert len(made) == 3  # the next two were made meanwhile
        got.append(item)
    assert got == [0, 1, 2]


def test_an_error_while_making_reaches_the_caller():
    def items():
        yield 1
        raise ValueError("bad row")

    got: list[int] = []
    with pytest.raises(ValueError, match="bad row"):
        got.extend(bulk.ahead(items(), thread=True))
    assert got == [1]
    assert not _threads()


def test_leaving_early_stops_the_thread():
    made = []

    def items():
        for n in range(1000):
            made.append(n)
            yield n

    for item in bulk.ahead(items(), depth=1, thread=True):
        if item == 2:
            break
    assert not _threads()
    assert len(made) < 10  # it stopped, not ran to the end


def test_sqlite_makes_items_in_line():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    seen = []

    def items():
        seen.append(threading.current_thread())
        yield 1

    assert list(bulk.ahead(items())) == [1]
    assert seen == [threading.current_thread()]


@pytest.mark.django_db
def test_checked_per_statement_raises_at_the_statement_and_defers_again_after():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite checks foreign keys at commit in Django's settings")
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(), bulk.checked_per_statement():
            bulk.insert_rows(Worker.occupations.through, ("worker", "occupation"), [(10**12, 10**12)])
        with transaction.atomic():  # after the block, a bad key waits for the commit again
            sid = transaction.savepoint()
            bulk.insert_rows(Worker.occupations.through, ("worker", "occupation"), [(10**12, 10**12)])
            transaction.savepoint_rollback(sid)
