"""Worker and skill-grade figures for the statistics app (see ``core.indicators``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Dimension, Indicator

from .enums import Grade, GradeSource, WorkerStatus
from .models import SkillGrade, Worker

HIGH_SKILL = Grade.SENIOR  # 高级工 and above


def worker_url(pk: int) -> str:
    """The worker's page: where a figure of people links each person."""
    return reverse("people:worker_detail", args=[pk])


def _grades(keys: list[str]) -> dict[str, str]:
    labels = {str(k): str(v) for k, v in Grade.choices}
    return {k: labels.get(k, k) for k in keys}


def _sources(keys: list[str]) -> dict[str, str]:
    labels = dict(GradeSource.choices)
    return {k: str(labels.get(k, k)) for k in keys}


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
        link=worker_url,
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
        link=worker_url,
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
        link=worker_url,
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
        link=worker_url,
        listing="people:worker_list",
        order=55,
    ),
    # the craftsmen of each honour level are counted in policy/indicators.py, beside their goals
]
