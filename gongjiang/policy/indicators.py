"""Policy figures for the statistics app (see ``core.indicators``). Policy documents are the
province's own, so they count for the provincial federation only."""

from typing import Any

from django.db.models import QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Dimension, Indicator, Target, shared
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union
from gongjiang.people.enums import HonourKind, HonourLevel
from gongjiang.people.indicators import worker_url
from gongjiang.people.models import Honour

from .enums import DocumentKind, DocumentStatus
from .models import Goal, PolicyDocument


def _province_goals(union_ids: list[int] | QuerySet) -> dict[int, tuple[Goal, int | None]]:
    """Every level's goal (the first ``Goal`` row of each, citing its document) and the province among
    the ids (a list, or a sub-select of a county's 1,393 children; ``None`` when it is not among them),
    in one query."""
    province = Union.objects.filter(kind=UnionKind.PROVINCE, parent__isnull=True, pk__in=union_ids).values("pk")[:1]
    goals: dict[int, tuple[Goal, int | None]] = {}
    for goal in Goal.objects.select_related("document").annotate(province=Subquery(province)).order_by("pk"):
        goals.setdefault(goal.honour_level, (goal, goal.province))
    return goals


def _goal(level: int):  # type: ignore[no-untyped-def]
    """The province's goal for craftsmen of ``level`` (a ``Goal`` row citing its document), as the
    target of the province's figure: on track while the figure keeps pace from the document's year.
    The three levels' targets of one cockpit page share one read (``core.indicators.shared``)."""

    def target(union_ids: list[int] | QuerySet, year: int) -> dict[int, Target]:
        key = ("policy.goals", id(union_ids)) if isinstance(union_ids, QuerySet) else ("policy.goals", *union_ids)
        goal, province = shared(key, lambda: _province_goals(union_ids)).get(level, (None, None))
        if goal is None or province is None:
            return {}
        start = goal.document.issued_on.year
        return {province: Target(value=goal.persons, document=goal.citation, by=goal.by_year, start=start)}

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
        link=worker_url,
        listing="people:worker_list",
        listing_path="worker_id",
        target=_goal(level),
        headline=False,
        order=order,
    )


def _document_url(pk: int) -> str:
    return reverse("policy:document", args=[pk])


def _kinds(keys: list[str]) -> dict[str, str]:
    labels = dict(DocumentKind.choices)
    return {k: str(labels.get(k, k)) for k in keys}


_KIND = Dimension("kind", _("kind"), "kind", _kinds)

INDICATORS = [
    Indicator(
        code="policy_documents",
        name=_("Policy documents issued"),
        definition=_("Policy documents recorded on the platform, in the year they were issued (any status)."),
        unit=_("documents"),
        rows=PolicyDocument.objects.all,
        union=None,
        date="issued_on",
        dimensions=(_KIND,),
        label="title",
        link=_document_url,
        listing="policy:documents",
        order=80,
    ),
    Indicator(
        code="policy_in_force",
        name=_("Policy documents in force"),
        definition=_("Policy documents whose status is in force on the day of the fill."),
        unit=_("documents"),
        rows=lambda: PolicyDocument.objects.filter(status=DocumentStatus.IN_FORCE),
        union=None,
        date=None,
        dimensions=(_KIND,),
        label="title",
        link=_document_url,
        headline=False,
        listing="policy:documents",
        order=81,
    ),
    _craftsmen(HonourLevel.NATIONAL, "craftsmen_national", _("National-level craftsmen"), 56),
    _craftsmen(HonourLevel.PROVINCIAL, "craftsmen_provincial", _("Provincial-level craftsmen"), 57),
    _craftsmen(HonourLevel.CITY, "craftsmen_city", _("City-level craftsmen"), 58),
]
