"""A warm process freezes its objects out of the collector's full passes (core.gcfreeze)."""

import itertools

import pytest

from gongjiang.core import gcfreeze


@pytest.fixture
def frozen(monkeypatch):
    """The freezes asked for, counted instead of done (a real freeze would pin the test run's objects)."""
    calls = []
    monkeypatch.setattr(gcfreeze, "freeze", lambda: calls.append(True))
    monkeypatch.setattr(gcfreeze, "_served", itertools.count(1))
    return calls


def test_the_process_freezes_after_its_nth_request_and_again_after_ten_times_as_many(frozen, settings):
    settings.GC_FREEZE_AFTER_REQUESTS = 3
    for _ in range(2):
        gcfreeze.after_request()
    assert frozen == []
    gcfreeze.after_request()
    assert frozen == [True]
    for _ in range(26):
        gcfreeze.after_request()
    assert frozen == [True]
    gcfreeze.after_request()  # the 30th
    assert frozen == [True, True]
    for _ in range(100):
        gcfreeze.after_request()
    assert frozen == [True, True]


def test_zero_never_freezes(frozen, settings):
    settings.GC_FREEZE_AFTER_REQUESTS = 0
    for _ in range(50):
        gcfreeze.after_request()
    assert frozen == []


@pytest.mark.django_db
def test_every_finished_request_is_counted(frozen, settings, client):
    settings.GC_FREEZE_AFTER_REQUESTS = 2
    client.get("/login/")
    assert frozen == []
    client.get("/login/")
    assert frozen == [True]


def test_freeze_collects_first_then_freezes(monkeypatch):
    done = []
    monkeypatch.setattr(gcfreeze.gc, "collect", lambda: done.append("collect"))
    monkeypatch.setattr(gcfreeze.gc, "freeze", lambda: done.append("freeze"))
    gcfreeze.freeze()
    assert done == ["collect", "freeze"]
