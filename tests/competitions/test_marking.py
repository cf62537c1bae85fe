from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.competitions import marking, services
from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Assignment
from gongjiang.competitions.scoring import q2
from gongjiang.core.audit import history
from gongjiang.orgs.scope import Scope
from tests.competitions.conftest import mark_all
from tests.conftest import make_user, pdf_text


def test_spread_is_flagged_then_remarked_with_a_reason_and_signed_off(marked):
    mark_all(marked, scores_a2=(1, 3, 2))
    _aspects, statuses = marking.marking_status(marked.province_event)
    assert [s.flagged for s in statuses] == [["A2"], ["A2"]]
    with pytest.raises(services.CompetitionError):
        marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    judge = marked.judges[0]
    with pytest.raises(services.CompetitionError):  # a change needs a reason
        marking.record_marks(
            actor=judge, event=marked.province_event, entry=marked.harbin_entry, values={marked.a2.pk: "2"}
        )
    for entry in (marked.harbin_entry, marked.qiqihar_entry):
        marking.record_marks(
            actor=judge, event=marked.province_event, entry=entry, values={marked.a2.pk: "2"}, reason="复核后改判"
        )
    mark = marked.harbin_entry.marks.get(aspect=marked.a2, judge__user=judge)
    (change,) = [h for h in history(mark) if h.action == "update"]
    assert (change.changes, change.note) == ({"value": ["1.00", "2"]}, "复核后改判")
    with pytest.raises(PermissionDenied):  # only the chief judge signs off
        marking.sign_off(actor=marked.judges[1], event=marked.province_event)
    marking.sign_off(actor=judge, event=marked.province_event)
    with pytest.raises(services.CompetitionError):  # locked
        marking.record_marks(
            actor=judge, event=marked.province_event, entry=marked.harbin_entry, values={marked.a1.pk: "9"}, reason="x"
        )


def test_values_are_checked(marked):
    judge = marked.judges[1]
    for values in ({marked.a1.pk: "10.5"}, {marked.a2.pk: "4"}, {marked.a2.pk: "1.5"}, {marked.a1.pk: "abc"}):
        with pytest.raises(services.CompetitionError):
            marking.record_marks(actor=judge, event=marked.province_event, entry=marked.harbin_entry, values=values)


def test_a_judge_from_the_competitors_employer_cannot_mark_them(marked):
    prov = marked.users.prov
    own = services.add_judge(
        actor=prov,
        scope=Scope(prov),
        pool=marked.province,
        name="张国庆",
        region_code="230100",
        occupations=[marked.lathe],
    )
    own.employer, own.user = marked.harbin_employer, make_user("judge-own")
    own.save()
    Assignment.objects.create(event=marked.province_event, judge=own, assigned_by=prov)
    with pytest.raises(services.CompetitionError):
        marking.record_marks(
            actor=own.user, event=marked.province_event, entry=marked.harbin_entry, values={marked.a1.pk: "5"}
        )
    marking.record_marks(
        actor=own.user, event=marked.province_event, entry=marked.qiqihar_entry, values={marked.a1.pk: "5"}
    )


def test_results_rank_by_the_marks(marked):
    mark_all(marked)
    marking.record_marks(
        actor=marked.judges[0],
        event=marked.province_event,
        entry=marked.qiqihar_entry,
        values={marked.a1.pk: "9.5"},
        reason="复核",
    )
    ranked = marking.results(marked.province_event)
    assert [(r.ranked.rank, r.ranked.entry_id, r.award) for r in ranked] == [
        (1, marked.qiqihar_entry.pk, "gold"),
        (2, marked.harbin_entry.pk, "silver"),
    ]
    # practical = (A1 mean + 6 × mean(2,2,3)/3) / 16 × 100
    # exact: (8.5 + 14/3) / 16 × 100 = 7900/96, shown as 82.29
    assert ranked[1].ranked.practical == Fraction(79, 96) * 100
    assert q2(ranked[1].ranked.practical) == Decimal("82.29")
    # the same practical score as the per-mark status computes
    _aspects, statuses = marking.marking_status(marked.province_event)
    assert {s.entry.pk: s.practical for s in statuses}[marked.harbin_entry.pk] == Fraction(79, 96) * 100


def test_pages_blind_marking_and_chief_view(marked, as_user):
    judge = as_user(marked.judges[1])
    url = f"/competitions/events/{marked.province_event.pk}/mark/"
    page = judge.get(url).content.decode()
    assert marked.harbin_entry.competitor_no in page
    assert "王铁军" not in page and "哈尔滨锅炉厂" not in page
    judge.post(url, {"entry": marked.harbin_entry.pk, f"aspect-{marked.a1.pk}": "7", f"aspect-{marked.a2.pk}": "2"})
    assert list(marked.harbin_entry.marks.values_list("value", flat=True).order_by("value")) == [
        Decimal("2.00"),
        Decimal("7.00"),
    ]
    chief = as_user(marked.judges[0]).get(f"/competitions/events/{marked.province_event.pk}/results/")
    assert chief.status_code == 200
    assert "王铁军" not in chief.content.decode()
    assert judge.get(f"/competitions/events/{marked.province_event.pk}/results/").status_code == 403
    assert (
        as_user(marked.users.prov).get(f"/competitions/events/{marked.province_event.pk}/results/").status_code == 200
    )


def test_notice_objections_remark_and_final(marked, as_user):
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from gongjiang.competitions import results
    from gongjiang.competitions.models import Result

    prov, bob = marked.users.prov, marked.users.bob
    comp = marked.province_comp
    mark_all(marked)
    marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.NOTICE)
    comp.refresh_from_db()
    assert comp.notice_ends_on == results.add_working_days(timezone.localdate(), 5)
    harbin_result = Result.objects.get(entry=marked.harbin_entry)
    assert (harbin_result.rank, harbin_result.award) == (1, "gold")  # a tie on every key: both rank 1
    with pytest.raises(services.CompetitionError):
        services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.FINAL)

    # Bob's union objects for its own entrant, not for Harbin's
    qiqihar_result = Result.objects.get(entry=marked.qiqihar_entry)
    with pytest.raises(PermissionDenied):
        results.raise_objection(actor=bob, scope=Scope(bob), result=harbin_result, text="x")
    objection = results.raise_objection(actor=bob, scope=Scope(bob), result=qiqihar_result, text="A1 测量有误")
    results.decide_objection(actor=prov, scope=Scope(prov), objection=objection, uphold=True, decision="复测A1")
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.MARKING)
    marking.record_marks(
        actor=marked.judges[0],
        event=marked.province_event,
        entry=marked.qiqihar_entry,
        values={marked.a1.pk: "9.5"},
        reason="异议复测",
    )
    marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.NOTICE)
    qiqihar_result.refresh_from_db()
    assert (qiqihar_result.rank, qiqihar_result.award) == (1, "gold")
    assert Result.objects.get(entry=marked.harbin_entry).rank == 2
    assert list(results.final_results()) == []

    comp.refresh_from_db()
    comp.notice_ends_on = timezone.localdate() - dt.timedelta(days=1)
    comp.save()
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.FINAL)
    assert sorted(r.rank for r in results.final_results()) == [1, 2]

    page = Client().get(f"/competitions/{comp.pk}/notice/").content.decode()
    assert "李*梅" in page and "王*军" in page
    assert "李秀梅" not in page


def test_working_days_skip_weekends():
    import datetime as dt

    from gongjiang.competitions.results import add_working_days

    friday = dt.date(2026, 11, 27)
    assert add_working_days(friday, 1) == dt.date(2026, 11, 30)
    assert add_working_days(friday, 5) == dt.date(2026, 12, 4)


def test_public_notice_only_once_published(contest):
    from django.test import Client

    assert Client().get(f"/competitions/{contest.province_comp.pk}/notice/").status_code == 404


def test_result_sheets(marked, as_user):
    import io

    import openpyxl

    mark_all(marked)
    client = as_user(marked.users.prov)
    url = f"/competitions/events/{marked.province_event.pk}/results/export/"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(url + "?fmt=xlsx").streaming_content))).active
    rows = list(sheet.values)
    assert rows[0] == ("名次", "参赛编号", "姓名", "用人单位", "理论", "实操", "总成绩", "奖项")
    assert sorted(r[2] for r in rows[1:]) == ["李秀梅", "王铁军"]
    pdf = client.get(url + "?fmt=pdf")
    text = pdf_text(pdf.content)
    assert "王铁军" in text and "黑龙江省职工职业技能大赛" in text
    assert as_user(marked.users.bob).get(url + "?fmt=xlsx").status_code == 403  # sees the event, not its names


def test_api_judges_read_and_write_only_their_own_marks(marked):
    from django.test import Client

    from gongjiang.api.models import ApiToken

    def client_for(user):
        _token, raw = ApiToken.issue(user=user, name="t")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    judge_a, judge_b = client_for(marked.judges[1]), client_for(marked.judges[2])
    event = marked.province_event
    assert [a["event_id"] for a in judge_a.get("/api/judging").json()] == [event.pk]
    payload = {"entry_id": marked.harbin_entry.pk, "values": {str(marked.a1.pk): "6.5", str(marked.a2.pk): "2"}}
    response = judge_a.post(f"/api/events/{event.pk}/marks", payload, content_type="application/json")
    assert response.json() == {"written": 2}
    judge_b.post(
        f"/api/events/{event.pk}/marks",
        {"entry_id": marked.harbin_entry.pk, "values": {str(marked.a2.pk): "3"}},
        content_type="application/json",
    )
    mine = judge_a.get(f"/api/events/{event.pk}/marks").json()
    assert sorted((m["aspect"], m["value"]) for m in mine) == [("A1", "6.50"), ("A2", "2.00")]
    # changing a saved mark without a reason is refused
    again = dict(payload, values={str(marked.a2.pk): "1"})
    assert judge_a.post(f"/api/events/{event.pk}/marks", again, content_type="application/json").status_code == 409
    # no results for judges, full ranking for the organiser; outsiders see nothing
    assert judge_a.get(f"/api/events/{event.pk}/results").status_code == 404
    assert [r["entry_id"] for r in client_for(marked.users.prov).get(f"/api/events/{event.pk}/results").json()] != []
    assert client_for(marked.users.bob).get(f"/api/events/{event.pk}/results").status_code == 403
    assert client_for(marked.users.bob).get(f"/api/events/{event.pk}/marks").status_code == 404


def test_theory_scores_import_by_competitor_number(marked, as_user):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongjiang.core.audit import history
    from gongjiang.imports.models import ImportJob

    def upload(rows):
        buf = io.StringIO()
        csv.writer(buf).writerows([["参赛编号", "理论成绩", "用时（秒）"], *rows])
        return SimpleUploadedFile("theory.csv", buf.getvalue().encode("utf-8-sig"))

    client = as_user(marked.users.prov)
    url = f"/imports/theory/?event={marked.province_event.pk}"
    harbin_no, qiqihar_no = marked.harbin_entry.competitor_no, marked.qiqihar_entry.competitor_no
    client.post(url, {"file": upload([[harbin_no, "88.5", "3600"], ["999", "101", ""]])})
    job = ImportJob.objects.latest("pk")
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (3, "理论成绩须在0到100之间。"),
    ] or [(e["row"], e["column"]) for e in job.errors] == [(3, "理论成绩"), (3, "参赛编号")]
    marked.harbin_entry.refresh_from_db()
    assert marked.harbin_entry.theory_score is None  # nothing written
    client.post(url, {"file": upload([[harbin_no, "88.5", "3600"], [qiqihar_no, "91", ""]])})
    job = ImportJob.objects.latest("pk")
    assert (job.status, job.updated) == ("done", 2)
    marked.harbin_entry.refresh_from_db()
    assert (marked.harbin_entry.theory_score, marked.harbin_entry.time_used) == (Decimal("88.50"), 3600)
    assert history(marked.harbin_entry).first().changes["theory_score"] == ["None", "88.50"]
    # Bob may not import into the provincial event
    as_user(marked.users.bob).post(url, {"file": upload([[harbin_no, "10", ""]])})
    assert ImportJob.objects.latest("pk").status == "invalid"
    marked.harbin_entry.refresh_from_db()
    assert marked.harbin_entry.theory_score == Decimal("88.50")


def test_trimmed_mean_and_700_scale_follow_the_competition(marked):
    from gongjiang.competitions.models import Competition

    Competition.objects.filter(pk=marked.province_comp.pk).update(trimmed_mean=True, use_ws700=True, medal_count=1)
    marked.province_event.refresh_from_db()
    mark_all(marked, scores_a2=(1, 2, 3))  # flagged, but the trimmed mean takes the middle score
    ranked = marking.results(marked.province_event)
    # A2 with the trimmed mean: 6 × 2 / 3 = 4; practical (8.5 + 4) / 16 = 78.13
    assert {r.ranked.practical for r in ranked} == {Fraction(1250, 16)}
    assert {q2(r.ranked.practical) for r in ranked} == {Decimal("78.13")}
    assert [r.scaled for r in ranked] == [Decimal(700), Decimal(700)]
    assert [r.award for r in ranked] == ["gold", "gold"]


def test_notice_period_skips_holidays_and_counts_make_up_days():
    import datetime as dt

    from gongjiang.competitions.results import add_working_days

    friday = dt.date(2026, 9, 25)
    # 国庆: Thursday 1 October to Wednesday 7 October off; Saturday 10 October worked (调休)
    exceptions = {dt.date(2026, 10, d): False for d in range(1, 8)} | {dt.date(2026, 10, 10): True}
    assert add_working_days(friday, 5, exceptions) == dt.date(2026, 10, 9)
    assert add_working_days(friday, 6, exceptions) == dt.date(2026, 10, 10)  # the make-up Saturday


def test_a_batch_of_sheets_is_checked_and_audited_as_single_calls_are(marked):
    """record_sheets: every judge's sheets in one batch, a mark per aspect and an audit row per mark;
    a later sheet changing an earlier one's mark needs a reason; one refused sheet refuses the batch."""
    event, (chief, second, third) = marked.province_event, marked.judges
    entries = (marked.harbin_entry, marked.qiqihar_entry)
    sheets = [
        marking.Sheet(actor=user, entry=entry, values={marked.a1.pk: "8.5", marked.a2.pk: str(score)})
        for user, score in ((chief, 2), (second, 2), (third, 3))
        for entry in entries
    ]
    refused = [*sheets, marking.Sheet(actor=chief, entry=marked.harbin_entry, values={marked.a2.pk: "3"})]
    with pytest.raises(services.CompetitionError):  # the last sheet changes the first's mark without a reason
        marking.record_sheets(event=event, sheets=refused)
    assert not marked.harbin_entry.marks.exists()
    outsider = make_user("not-assigned")
    with pytest.raises(PermissionDenied):
        marking.record_sheets(event=event, sheets=[*sheets, marking.Sheet(actor=outsider, entry=entries[0], values={})])
    assert marking.record_sheets(event=event, sheets=sheets) == 12
    mark = marked.harbin_entry.marks.get(aspect=marked.a2, judge__user=third)
    assert [(h.action, h.changes, h.actor_id) for h in history(mark)] == [("create", {"value": [None, "3"]}, third.pk)]
    remark = marking.Sheet(actor=third, entry=marked.harbin_entry, values={marked.a2.pk: "2"}, reason="复核")
    assert marking.record_sheets(event=event, sheets=[remark]) == 1
    mark.refresh_from_db()
    assert mark.value == 2
    assert {(h.action, h.note) for h in history(mark)} == {("create", ""), ("update", "复核")}
