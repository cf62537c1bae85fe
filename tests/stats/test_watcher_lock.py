"""The watcher takes its indicator's shared lock (the fill waits for it) in the round trip that marks."""

import pytest
from django.db import connection, transaction

from gongjiang.stats import changes, registry
from gongjiang.stats.models import Dirty
from gongjiang.stats.sql import lock_key


@pytest.mark.django_db
def test_marking_holds_the_indicators_shared_lock_until_the_writer_commits(django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    indicator = next(iter(registry.indicators()))
    with transaction.atomic():
        with django_assert_num_queries(1):  # the lock and the insert; nothing was dirty, no snapshot asked
            changes.mark(indicator, [10**9, 10**9 + 1], snapshot=False)
        assert set(Dirty.objects.filter(indicator=indicator.code).values_list("anchor", flat=True)) >= {
            10**9,
            10**9 + 1,
        }
        key = lock_key(indicator.code)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND ((classid::bigint << 32) | objid::bigint) = %s",
                [key],
            )
            assert [row[0] for row in cursor.fetchall()] == ["ShareLock"]
