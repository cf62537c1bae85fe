"""The two helpers of a bulk build (the demo's history): audit rows held and written in bulk, and
nested atomic blocks without savepoints."""

import pytest
from django.db import connection, transaction

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, AuditEntry
from gongjiang.core.seeding import without_savepoints


def _record(org, n):
    return audit.record(actor=org.users.prov, action=AuditAction.CREATE, obj=org.province, after={"n": n})


def test_held_audit_rows_are_written_in_order_as_the_block_ends(org, django_assert_num_queries):
    before = AuditEntry.objects.count()
    with audit.held():
        with django_assert_num_queries(0):
            for n in range(3):
                _record(org, n)
        assert AuditEntry.objects.count() == before
    rows = AuditEntry.objects.order_by("pk")[before:]
    assert [row.changes["n"] for row in rows] == [[None, 0], [None, 1], [None, 2]]
    _record(org, 3)  # outside the block: written at once
    assert AuditEntry.objects.count() == before + 4


def test_a_held_block_that_raises_writes_nothing(org):
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError), audit.held():
        _record(org, 0)
        raise ValueError
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_without_savepoints_is_for_the_inside_of_a_transaction():
    with pytest.raises(RuntimeError), without_savepoints():
        pass


def test_without_savepoints_nested_blocks_open_none_and_a_failure_fails_the_whole(org):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's backend opens its (in-process) savepoints whatever the features say")
    with transaction.atomic():  # the build's transaction (inside the test's own)
        with without_savepoints():
            with transaction.atomic():
                assert connection.savepoint_ids[-1] is None
            with pytest.raises(ValueError), transaction.atomic():
                raise ValueError
            assert connection.needs_rollback  # no partial rollback: the transaction is lost
        assert connection.features.uses_savepoints
    assert not connection.needs_rollback  # the build's block rolled back whole; the test's goes on
