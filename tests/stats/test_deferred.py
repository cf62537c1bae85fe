"""A build that ends in a full fill defers the watchers (``stats.fill.deferred``): nothing is marked
while it writes, the rollups come out as a recount says, and a build that leaves without the full fill
gets it on the way out."""

import pytest

from gongjiang.stats import fill
from gongjiang.stats.models import Count, Dirty, FillState, Pending

from .recount import mismatches
from .world import build, correct


class Failed(Exception):
    pass


def _count_fills(monkeypatch) -> list:
    calls = []
    real = fill.update_stats

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(fill, "update_stats", counted)
    return calls


def _marks() -> tuple[list, int]:
    return sorted(Dirty.objects.values_list("indicator", "anchor")), Pending.objects.count()


def test_deferred_writes_mark_nothing_and_are_filled_on_leaving(org, policy):
    before = _marks()  # what the fixtures' own writes marked
    with fill.deferred():
        build(org, seed=3, size=3)
        correct(org, seed=3, size=3)  # corrections too: updates, deletions, team members removed
        assert _marks() == before
        assert not Count.objects.exists()
    # the block wrote and no full fill followed: the fill ran on the way out
    assert Count.objects.exists()
    assert mismatches() == {}
    assert not Dirty.objects.exists()
    assert fill.update_stats() and mismatches() == {}  # a periodic fill after it changes nothing


def test_a_build_that_ends_in_a_full_fill_is_not_filled_again(org, policy, monkeypatch):
    calls = _count_fills(monkeypatch)
    with fill.deferred():
        build(org, seed=4, size=2)
        fill.update_stats()  # a periodic fill inside is no full fill: nothing was marked for it
        fill.update_stats(since=fill.EPOCH)
    assert calls == [{}, {"since": fill.EPOCH}]
    assert mismatches() == {}


def test_a_write_after_the_full_fill_is_filled_on_leaving(org, policy, monkeypatch):
    calls = _count_fills(monkeypatch)
    with fill.deferred():
        build(org, seed=5, size=2)
        fill.update_stats(since=fill.EPOCH)
        correct(org, seed=5, size=2)
    assert calls == [{"since": fill.EPOCH}, {"since": fill.EPOCH}]
    assert mismatches() == {}


def test_a_failed_build_fills_nothing(org, policy, monkeypatch):
    calls = _count_fills(monkeypatch)
    with pytest.raises(Failed), fill.deferred():
        build(org, seed=6, size=1)
        raise Failed
    assert calls == []
    assert not FillState.objects.exists()


def test_outside_a_deferred_block_the_watchers_mark(org, policy):
    with fill.deferred():
        pass  # nothing written: nothing filled
    assert not FillState.objects.exists()
    Dirty.objects.all().delete()
    build(org, seed=7, size=1)
    assert Dirty.objects.exists()
