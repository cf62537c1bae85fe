"""Worker and skill-grade figures for the statistics app (see ``core.indicators``)."""

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Dimension, Indicator, Target
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union

from .enums import Grade, GradeSource, HonourKind, HonourLevel, WorkerStatus
from .models import Honour, SkillGrade, Worker

GOALS = Path(__file__).parent / "data" / "craftsman_goals.json"

HIGH_SKILL = Grade.SENIOR  # 高级工 and above


def _worker_url(pk: int) -> str:
    return reverse("people:worker_detail", args=[pk])


def _grades(keys: list[str]) -> dict[str, str]:
    labels = {str(k): str(v) for k, v in Grade.choices}
    return {k: labels.get(k, k) for k in keys}


def _sources(keys: list[str]) -> dict[str, str]:
    labels = dict(GradeSource.choices)
    return {k: str(labels.get(k, k)) for k in keys}


@cache
def goals() -> dict[str, Any]:
    """The province's craftsman goals with the document they come from (``data/craftsman_goals.json``)."""
    return json.loads(GOALS.read_text(encoding="utf-8"))


def _goal(level: int):  # type: ignore[no-untyped-def]
    """The province's goal for craftsmen of ``level``, as a target of the province's figure."""

    def target(union_ids: list[int], year: int) -> dict[int, Target]:
        data = goals()
        goal = next((g for g in data["goals"] if g["level"] == level), None)
        if goal is None:
            return {}
        provinces = Union.objects.filter(pk__in=union_ids, kind=UnionKind.PROVINCE, parent__isnull=True)
        cited = f"{data['document']['doc_no']} {goal['clause']}"
        start = dt.date.fromisoformat(data["document"]["issued_on"]).year
        return {
            pk: Target(value=goal["persons"], document=cited, by=goal["by"], start=start)
            for pk in provinces.values_list("pk", flat=True)
        }

    return target


def _craftsmen(level: HonourLevel, code: str, name: Any, order: int) -> Indicator:
    return Indicator(
        code=code,
        name=name,
        definition=_(
            "Workers holding a craftsman honour (kind: craftsman) of this level, in any year, as registered on the "
            "day of the fill, counted for the worker's current union; each worker counted once. The target is the "
            "province's goal for 2035."
        ),
        unit=_("persons"),
        rows=lambda: Honour.objects.filter(kind=HonourKind.CRAFTSMAN, level=level),
        union="worker__union_id",
        date=None,
        measure="distinct",
        subject="worker_id",
        label="worker__name",
        link_path="worker_id",
        link=_worker_url,
        listing="people:worker_list",
        listing_path="worker_id",
        target=_goal(level),
        headline=False,
        order=order,
    )


def _employed_graded():  # type: ignore[no-untyped-def]
    return Worker.objects.filter(status=WorkerStatus.EMPLOYED, top_grade__isnull=False)


INDICATORS = [
    Indicator(
        code="workers",
        name=_("Registered workers"),
        definition=_(
            "Workers in the registry whose enterprise union lies in the union's subtree, whatever their status, "
            "as registered on the day of the fill."
        ),
        unit=_("persons"),
        rows=Worker.objects.all,
        union="union_id",
        date=None,
        label="name",
        link=_worker_url,
        listing="people:worker_list",
        headline=False,
        order=7,
    ),
    Indicator(
        code="grade_rises",
        name=_("Workers raised a grade"),
        definition=_(
            "Workers with at least one skill-grade certificate awarded in the period (from a competition "
            "promotion, a college completion or a skill evaluation), counted for the worker's current "
            "enterprise union; each worker counted once per union and period."
        ),
        unit=_("persons"),
        rows=SkillGrade.objects.all,
        union="worker__union_id",
        date="awarded_on",
        measure="distinct",
        subject="worker_id",
        dimensions=(Dimension("source", _("source"), "source", _sources),),
        label="worker__name",
        link_path="worker_id",
        link=_worker_url,
        listing="people:worker_list",
        listing_path="worker_id",
        order=40,
    ),
    Indicator(
        code="workers_by_grade",
        name=_("Graded workers"),
        definition=_(
            "Employed workers holding a skill grade, by their highest grade, as registered on the day of the fill."
        ),
        unit=_("persons"),
        rows=_employed_graded,
        union="union_id",
        date=None,
        dimensions=(Dimension("grade", _("grade"), "top_grade", _grades),),
        label="name",
        link=_worker_url,
        listing="people:worker_list",
        order=50,
    ),
    Indicator(
        code="high_skill_workers",
        name=_("High-skill workers"),
        definition=_(
            "Employed workers whose highest grade is senior worker (高级工) or above, as registered on the day "
            "of the fill."
        ),
        unit=_("persons"),
        rows=lambda: _employed_graded().filter(top_grade__gte=HIGH_SKILL),
        union="union_id",
        date=None,
        label="name",
        link=_worker_url,
        listing="people:worker_list",
        order=55,
    ),
    _craftsmen(HonourLevel.NATIONAL, "craftsmen_national", _("National-level craftsmen"), 56),
    _craftsmen(HonourLevel.PROVINCIAL, "craftsmen_provincial", _("Provincial-level craftsmen"), 57),
    _craftsmen(HonourLevel.CITY, "craftsmen_city", _("City-level craftsmen"), 58),
]
