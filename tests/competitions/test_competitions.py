import datetime as dt

import pytest

from gongjiang.competitions import services
from gongjiang.competitions.enums import EntryState, State
from gongjiang.competitions.models import Competition, Entry
from gongjiang.core.audit import history
from gongjiang.orgs.scope import Scope
from tests.competitions.conftest import ready_to_start


def test_state_machine_allows_only_the_next_step(contest):
    prov = contest.users.prov
    comp = contest.province_comp
    ready_to_start(contest, contest.province_event)
    with pytest.raises(services.CompetitionError):
        services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.FINAL)
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.IN_PROGRESS)
    comp.refresh_from_db()
    assert comp.state == State.IN_PROGRESS
    assert [h.changes for h in history(comp)[:2]] == [
        {"state": ["registration", "in_progress"]},
        {"state": ["draft", "registration"]},
    ]


def test_starting_draws_unique_random_competitor_numbers(contest):
    prov = contest.users.prov
    ready_to_start(contest, contest.province_event)
    services.transition(actor=prov, scope=Scope(prov), competition=contest.province_comp, to=State.IN_PROGRESS)
    numbers = sorted(Entry.objects.filter(event=contest.province_event).values_list("competitor_no", flat=True))
    assert numbers == ["001", "002"]


def test_only_the_organiser_moves_a_competition(contest):
    bob = contest.users.bob
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.transition(actor=bob, scope=Scope(bob), competition=contest.province_comp, to=State.IN_PROGRESS)


def test_registration_refusals_are_all_given(contest):
    alice = contest.users.alice
    event = contest.harbin_event
    event.min_age, event.grade_min = 50, 6
    event.save()
    from gongjiang.people.models import Worker

    worker = Worker.objects.get(pk=contest.harbin_worker.pk)
    contest.harbin_city_entry.delete()
    with pytest.raises(services.CompetitionError) as info:
        services.register_entry(actor=alice, scope=Scope(alice), event=event, worker=worker)
    assert str(info.value) == (
        "该职工比赛开始时41岁，本赛项要求至少50岁。 本赛项要求车工至少达到高级技师（一级），该职工现有等级：高级工（三级）。"
    )


def test_outside_the_organisers_scope(contest):
    """Qiqihar's worker may not enter Harbin's city competition, even if Bob tries."""
    bob = contest.users.bob
    with pytest.raises(services.CompetitionError) as info:
        services.register_entry(actor=bob, scope=Scope(bob), event=contest.harbin_event, worker=contest.qiqihar_worker)
    assert str(info.value) == "该职工所在单位不在主办工会的管辖范围内。"


def test_withdraw_and_reenter(contest):
    alice = contest.users.alice
    entry = contest.harbin_city_entry
    with pytest.raises(services.CompetitionError):
        services.withdraw_entry(actor=alice, scope=Scope(alice), entry=entry, reason=" ")
    services.withdraw_entry(actor=alice, scope=Scope(alice), entry=entry, reason="因病")
    entry.refresh_from_db()
    assert (entry.state, entry.withdrawn_reason) == (EntryState.WITHDRAWN, "因病")
    again = services.register_entry(
        actor=alice, scope=Scope(alice), event=contest.harbin_event, worker=contest.harbin_worker
    )
    assert again.pk == entry.pk
    assert again.state == EntryState.REGISTERED


def test_pages_create_a_competition_and_enter_a_worker(contest, as_user):
    client = as_user(contest.users.alice)
    response = client.post(
        "/competitions/new/",
        {
            "name": "道里区焊工比武",
            "tier": "enterprise",
            "kind": "labour",
            "organiser": contest.daoli.pk,
            "registration_closes_on": "2026-12-01",
            "starts_on": "2026-11-30",
            "ends_on": "2026-12-02",
            "notice_working_days": 5,
            "medal_count": 3,
            "merit_percent": 50,
        },
    )
    assert response.context["form"].errors == {"registration_closes_on": ["报名截止日期须不晚于开始日期。"]}
    response = client.post(
        "/competitions/new/",
        {
            "name": "道里区焊工比武",
            "tier": "enterprise",
            "kind": "labour",
            "organiser": contest.daoli.pk,
            "registration_closes_on": "2026-11-20",
            "starts_on": "2026-11-30",
            "ends_on": "2026-12-02",
            "notice_working_days": 5,
            "medal_count": 3,
            "merit_percent": 50,
        },
    )
    comp = Competition.objects.get(name="道里区焊工比武")
    assert response["Location"] == f"/competitions/{comp.pk}/"
    event_data = {
        "name": "焊工",
        "occupation": contest.welder.pk,
        "mode": "individual",
        "team_size": 1,
        "theory_weight": 30,
        "practical_weight": 60,
        "audience": "employed",
    }
    response = client.post(f"/competitions/{comp.pk}/events/new/", event_data)
    assert response.context["form"].errors == {"practical_weight": ["理论和实操权重之和须为100。"]}
    client.post(f"/competitions/{comp.pk}/events/new/", dict(event_data, practical_weight=70))
    event = comp.events.get()
    client.post(f"/competitions/{comp.pk}/transition/", {"to": "registration"})
    found = client.get(f"/competitions/events/{event.pk}/candidates/?q={contest.harbin_worker.name}")
    assert [w.pk for w in found.context["workers"]] == [contest.harbin_worker.pk]
    client.post(f"/competitions/events/{event.pk}/register/", {"worker": contest.harbin_worker.pk})
    assert list(event.entries.values_list("worker__name", flat=True)) == ["王铁军"]
    # entered workers drop out of the candidate search
    found = client.get(f"/competitions/events/{event.pk}/candidates/?q={contest.harbin_worker.name}")
    assert found.context["workers"] == []


def test_dates_are_checked(contest):
    prov = contest.users.prov
    data = services.CompetitionData(
        name="x",
        tier="city",
        kind="skills",
        organiser=contest.province,
        registration_closes_on=dt.date(2026, 6, 2),
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 6, 3),
    )
    with pytest.raises(services.CompetitionError):
        services.create_competition(actor=prov, scope=Scope(prov), data=data)


def test_event_page_queries_do_not_grow_with_entries(contest, as_user):
    """1 entry or 3: the same number of queries for the event page, its export and the list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_query_counts import _add_worker

    prov = contest.users.prov
    client = as_user(prov)
    event = contest.harbin_event
    urls = [f"/competitions/events/{event.pk}/", f"/competitions/events/{event.pk}/export/?fmt=csv", "/competitions/"]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            result.append(len(ctx.captured_queries))
        return result

    one = counts()
    for n in range(2):
        worker = _add_worker(contest, n)
        services.register_entry(actor=prov, scope=Scope(prov), event=event, worker=worker)
    assert counts() == one


def test_bulk_entries_from_a_spreadsheet(contest, as_user):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongjiang.imports.models import ImportJob
    from tests.conftest import HARBIN_ID, QIQIHAR_ID
    from tests.test_query_counts import _add_worker

    new = [_add_worker(contest, n) for n in range(2)]

    def upload(ids):
        buf = io.StringIO()
        csv.writer(buf).writerows([["身份证号", "队伍"], *[[i, ""] for i in ids]])
        return SimpleUploadedFile("entries.csv", buf.getvalue().encode("utf-8-sig"))

    from gongjiang.core import crypto

    new_ids = [crypto.decrypt(w.id_number_enc) for w in new]
    client = as_user(contest.users.alice)
    url = f"/imports/entries/?event={contest.harbin_event.pk}"
    # Qiqihar's worker is not Alice's; the Harbin worker is already entered
    client.post(url, {"file": upload([*new_ids, QIQIHAR_ID, HARBIN_ID])})
    job = ImportJob.objects.latest("pk")
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (4, "本工会没有该身份证号的职工。"),
        (5, "王铁军：该职工已报名本赛项。"),
    ]
    assert contest.harbin_event.entries.count() == 1
    client.post(url, {"file": upload(new_ids)})
    job = ImportJob.objects.latest("pk")
    assert (job.status, job.created) == ("done", 2)
    assert contest.harbin_event.entries.filter(state=EntryState.REGISTERED).count() == 3


def test_team_size_and_one_employer_per_team(contest):
    from tests.test_query_counts import _add_worker

    alice = contest.users.alice
    event = contest.harbin_event
    event.mode, event.team_size = "team", 2
    event.save()
    contest.harbin_city_entry.delete()
    a, b, c = (_add_worker(contest, n) for n in range(3))  # each at an employer of its own
    services.register_entry(actor=alice, scope=Scope(alice), event=event, worker=contest.harbin_worker, team="锅炉一队")
    with pytest.raises(services.CompetitionError) as info:
        services.register_entry(actor=alice, scope=Scope(alice), event=event, worker=a, team="锅炉一队")
    assert "另一单位" in str(info.value)
    services.register_entry(actor=alice, scope=Scope(alice), event=event, worker=b, team="新秀队")
    with pytest.raises(services.CompetitionError):
        services.register_entry(actor=alice, scope=Scope(alice), event=event, worker=c, team="")


def test_the_competition_list_counts_each_competition_s_events(contest, as_user):
    """Counted for the competitions on the page only (one grouped query), not over every event."""
    from gongjiang.competitions.models import Competition

    page = as_user(contest.users.prov).get("/competitions/").context["page"]
    expected = {c.pk: c.events.count() for c in Competition.objects.all()}
    assert {c.pk: c.event_count for c in page} == expected
    assert any(expected.values())
