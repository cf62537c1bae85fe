"""Scores are exact until shown; ties are decided on exact values; 优胜奖 is a ceiling of ⌊n × share⌋."""

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

import openpyxl
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gongjiang.competitions import marking, results, services
from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Entry, Mark, Result
from gongjiang.competitions.scoring import MEDALS, Ranked, award
from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from tests.conftest import pdf_text

# Two competitors whose exact totals are 94.556333… and 94.5415. Rounding the practical score to
# 0.01 on the way made both totals 94.55, and the tie-break (the higher rounded practical, 94.38
# against 94.08) gave the gold to the lower one.
HIGHER = {"a1": "9.72", "a2": (3, 3, 2), "theory": "95.66"}  # practical 94.0833…
LOWER = {"a1": "9.10", "a2": (3, 3, 3), "theory": "94.93"}  # practical 94.375


def _mark(c, entry, values) -> None:
    for user, score in zip(c.judges, values["a2"], strict=True):
        marking.record_marks(
            actor=user, event=c.province_event, entry=entry, values={c.a1.pk: values["a1"], c.a2.pk: str(score)}
        )
    Entry.objects.filter(pk=entry.pk).update(theory_score=Decimal(values["theory"]))


def test_the_medal_goes_to_the_higher_exact_total(marked, as_user):
    prov = marked.users.prov
    _mark(marked, marked.qiqihar_entry, HIGHER)
    _mark(marked, marked.harbin_entry, LOWER)
    marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    services.transition(actor=prov, scope=Scope(prov), competition=marked.province_comp, to=State.NOTICE)

    rows = {r.entry_id: r for r in Result.objects.filter(event=marked.province_event)}
    higher, lower = rows[marked.qiqihar_entry.pk], rows[marked.harbin_entry.pk]
    assert (higher.rank, higher.award, lower.rank, lower.award) == (1, "gold", 2, "silver")
    # the row keeps six decimals of the exact scores
    assert (higher.total, higher.practical) == (Decimal("94.556333"), Decimal("94.083333"))
    assert (lower.total, lower.practical) == (Decimal("94.541500"), Decimal("94.375000"))

    # shown with two decimals, and no longer equal
    notice = Client().get(f"/competitions/{marked.province_comp.pk}/notice/").content.decode()
    assert "94.56" in notice and "94.54" in notice and "94.55" not in notice
    client = as_user(prov)
    page = client.get(f"/competitions/events/{marked.province_event.pk}/results/").content.decode()
    assert "94.56" in page and "94.08" in page and "94.55" not in page
    url = f"/competitions/events/{marked.province_event.pk}/results/export/"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(url + "?fmt=xlsx").streaming_content))).active
    assert [row[:1] + row[2:] for row in list(sheet.values)[1:]] == [
        (1, "李秀梅", "齐齐哈尔第二机床有限公司", 95.66, 94.08, 94.56, "金牌"),
        (2, "王铁军", "哈尔滨锅炉厂有限责任公司", 94.93, 94.38, 94.54, "银牌"),
    ]
    assert "94.56" in pdf_text(client.get(url + "?fmt=pdf").content)


def test_certificates_and_the_awards_engine_read_the_exact_ranking(marked, policy, as_user):
    from gongjiang.awards.models import Decision
    from gongjiang.competitions import certificates

    prov = marked.users.prov
    _mark(marked, marked.qiqihar_entry, HIGHER)
    _mark(marked, marked.harbin_entry, LOWER)
    marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    comp = marked.province_comp
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.NOTICE)
    comp.refresh_from_db()
    comp.notice_ends_on = timezone.localdate() - dt.timedelta(days=1)
    comp.save()
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.FINAL)

    # the engine's facts are the stored ranks: rank 1 is the higher exact total
    ranks = {
        d.worker_id: d.reason_params["rank"]
        for d in Decision.objects.filter(result__event__competition=comp, kind="reward")
    }
    assert ranks == {marked.qiqihar_worker.pk: 1, marked.harbin_worker.pk: 2}
    certificates.issue_all(actor=prov, scope=Scope(prov), competition=comp)
    cert = Result.objects.get(entry=marked.qiqihar_entry).certificates.get()
    text = pdf_text(as_user(prov).get(f"/competitions/certificates/{cert.code}.pdf").content)
    assert "94.56" in text and "金牌" in text


judge_scores = st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3))
competitor = st.fixed_dictionaries(
    {
        "a1": st.decimals(min_value=0, max_value=10, places=2).map(str),
        "a2": judge_scores,
        "theory": st.decimals(min_value=0, max_value=100, places=2).map(str),
    }
)
FIELD = 5


def _exact(values: dict, theory_weight: int = 30) -> tuple[Fraction, Fraction]:
    """Total and practical computed here, independently: A1 measurement of 10, A2 judgement of 6."""
    practical = (Fraction(values["a1"]) + Fraction(6) * Fraction(sum(values["a2"]), 3) / 3) * 100 / 16
    total = Fraction(values["theory"]) * theory_weight / 100 + practical * (100 - theory_weight) / 100
    return total, practical


def test_the_published_ranking_never_disagrees_with_the_exact_totals(marked):
    """Hypothesis over the platform's own path: marks in the database → results.publish → the
    Result rows (rank and award) everyone reads; compared with a ranking by exact Fractions."""
    event, comp = marked.province_event, marked.province_comp
    entries = [marked.harbin_entry, marked.qiqihar_entry]
    for n in range(FIELD - 2):
        worker = people_services.create_worker(
            actor=marked.users.prov,
            scope=Scope(marked.users.prov),
            data=people_services.WorkerData(
                name=f"选手{n}",
                id_number=make_id_number("230102", dt.date(1990, 1, 1 + n), 40 + n, male=True),
                employer=marked.harbin_employer,
            ),
        )
        entries.append(
            Entry.objects.create(
                event=event,
                worker=worker,
                employer=marked.harbin_employer,
                union_id=worker.union_id,
                region_code=worker.region_code,
                competitor_no=f"9{n:02d}",
                registered_by=marked.users.prov,
            )
        )
    judges = list(marked.province_event.assignments.order_by("pk").values_list("judge_id", flat=True))

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.lists(competitor, min_size=FIELD, max_size=FIELD))
    @example([HIGHER, LOWER, *[{"a1": "1.00", "a2": (0, 0, 0), "theory": "10.00"}] * (FIELD - 2)])
    @example([LOWER, HIGHER, LOWER, HIGHER, {"a1": "0.00", "a2": (0, 0, 0), "theory": "0.00"}])
    def check(field: list[dict]) -> None:
        Mark.objects.filter(entry__event=event).delete()
        marks = []
        for entry, values in zip(entries, field, strict=True):
            Entry.objects.filter(pk=entry.pk).update(theory_score=Decimal(values["theory"]))
            for judge_id, score in zip(judges, values["a2"], strict=True):
                marks.append(Mark(entry=entry, aspect=marked.a1, judge_id=judge_id, value=Decimal(values["a1"])))
                marks.append(Mark(entry=entry, aspect=marked.a2, judge_id=judge_id, value=Decimal(score)))
        Mark.objects.bulk_create(marks)
        results.publish(comp)
        published = {r.entry_id: (r.rank, r.award) for r in Result.objects.filter(event=event)}
        exact = {entry.pk: _exact(values) for entry, values in zip(entries, field, strict=True)}
        for a in entries:
            for b in entries:
                if exact[a.pk] > exact[b.pk]:  # (total, practical): the tie-break; no times here
                    assert published[a.pk][0] < published[b.pk][0], (exact[a.pk], exact[b.pk])
                elif exact[a.pk] == exact[b.pk]:
                    assert published[a.pk] == published[b.pk]
        # the rank is one more than the number of competitors exactly ahead
        for a in entries:
            ahead = sum(1 for b in entries if exact[b.pk] > exact[a.pk])
            assert published[a.pk][0] == ahead + 1

    check()


def test_the_top_half_of_seven_is_three():
    assert [award(r, 7) for r in range(1, 8)] == ["gold", "silver", "bronze", "", "", "", ""]
    assert [award(r, 9) for r in range(1, 10)] == ["gold", "silver", "bronze", "merit", "", "", "", "", ""]
    assert [award(r, 10, medals=1, merit_percent=25) for r in range(1, 5)] == ["gold", "merit", "", ""]
    from gongjiang.competitions.scoring import merit_limit

    assert (merit_limit(7, 50), merit_limit(1, 50), merit_limit(10, 100)) == (3, 0, 10)


def test_a_tie_across_the_limit_does_not_break_the_ceiling():
    from gongjiang.competitions.scoring import awards, merit_limit  # noqa: F401 (new in this change)

    # ten competitors, top half = 5: ranks 1..4, then 5, 5 tied → neither fits under the ceiling
    ranks = [1, 2, 3, 4, 5, 5, 7, 8, 9, 10]
    ranked = [Ranked(i, r, Fraction(100 - r), Fraction(0), None) for i, r in enumerate(ranks)]
    assert awards(ranked) == ["gold", "silver", "bronze", "merit", "", "", "", "", "", ""]


@given(
    ranks=st.lists(st.integers(1, 30), min_size=1, max_size=30).map(sorted),
    medals=st.integers(0, 3),
    percent=st.integers(0, 100),
)
def test_merit_or_better_never_exceeds_the_share(ranks, medals, percent):
    from gongjiang.competitions.scoring import awards, merit_limit

    # competition ranking from any sorted list: equal values share the first position
    positions = [ranks.index(v) + 1 for v in ranks]
    ranked = [Ranked(i, p, Fraction(0), Fraction(0), None) for i, p in enumerate(positions)]
    given_awards = awards(ranked, medals=medals, merit_percent=percent)
    medalled = sum(1 for a in given_awards if a in MEDALS)
    merit = sum(1 for a in given_awards if a == "merit")
    assert merit + medalled <= max(merit_limit(len(ranked), percent), medalled)


def test_the_rule_is_stated_beside_the_results(marked, as_user):
    _mark(marked, marked.qiqihar_entry, HIGHER)
    _mark(marked, marked.harbin_entry, LOWER)
    page = as_user(marked.users.prov).get(f"/competitions/events/{marked.province_event.pk}/results/")
    assert "优胜奖：前50%（2人中不超过1人）" in page.content.decode()
    marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    prov = marked.users.prov
    services.transition(actor=prov, scope=Scope(prov), competition=marked.province_comp, to=State.NOTICE)
    notice = Client().get(f"/competitions/{marked.province_comp.pk}/notice/").content.decode()
    assert "数控车工：优胜奖：前50%（2人中不超过1人）" in notice


aspect_stats = st.lists(
    st.tuples(
        st.sampled_from(["measurement", "judgement"]),
        st.integers(1, 2000),  # max mark in cents
        st.lists(st.integers(0, 2000), min_size=1, max_size=6),  # the judges' values in cents
    ),
    min_size=1,
    max_size=8,
)


@given(aspect_stats, st.booleans())
def test_the_integer_practical_score_equals_the_exact_one(aspects, trimmed):
    from gongjiang.competitions.scoring import (
        AspectStats,
        aspect_mark_from_stats,
        practical_from_stats,
        practical_score,
    )

    stats, marks, scheme_max = [], [], Decimal(0)
    for kind, max_cents, drawn in aspects:
        values = [v % 4 * 100 for v in drawn] if kind == "judgement" else drawn  # judgement scores 0–3
        stats.append(AspectStats(kind, max_cents, len(values), sum(values), min(values), max(values)))
        as_decimal = [Decimal(v).scaleb(-2) for v in values]
        marks.append(
            aspect_mark_from_stats(
                kind=kind,
                max_mark=Decimal(max_cents).scaleb(-2),
                count=len(values),
                total=sum(as_decimal),
                low=min(as_decimal),
                high=max(as_decimal),
                trimmed=trimmed,
            )
        )
        scheme_max += Decimal(max_cents).scaleb(-2)
    assert practical_from_stats(stats, scheme_max, trimmed=trimmed) == practical_score(marks, scheme_max)
