"""Reads of innovations; each starts from :func:`innovations_for_user`. The benefit sums here are the
only place a confirmed benefit is added up: every total (competition, studio, alliance, project, union)
sums distinct innovations, so one reached from several places counts once."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from gongjiang.competitions.enums import State as CompetitionState
from gongjiang.competitions.models import Competition, Entry
from gongjiang.competitions.queries import competitions_for_user
from gongjiang.labour.models import Unit
from gongjiang.orgs.models import Employer, UnionAncestor
from gongjiang.orgs.rules import APPRAISE_INNOVATIONS, CONFIRM_BENEFITS, REVIEW_INNOVATIONS, VIEW_WORKERS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.studios.models import Project, Studio
from gongjiang.studios.queries import projects_for_user, studios_for_user

from .enums import BENEFIT_STATES
from .models import Innovation

CENT = Decimal("0.01")


def _uid(scope: Scope) -> int | None:
    user = scope.user
    return user.pk if getattr(user, "is_authenticated", False) else None


def own_worker(scope: Scope) -> Worker | None:
    uid = _uid(scope)
    return Worker.objects.filter(user_id=uid).select_related("employer").first() if uid else None


def innovations_for_user(scope: Scope) -> QuerySet[Innovation]:
    """The employer's unions (officials who see its workers), the enterprise's own finance office (its
    union only, not a subtree), the authors themselves and the lead of the studio it came from."""
    reach = scope.union_filter(VIEW_WORKERS)
    if scope.has(CONFIRM_BENEFITS):
        reach |= Q(union_id__in=scope.roots(CONFIRM_BENEFITS))
    uid = _uid(scope)
    if uid is not None:
        mine = Worker.objects.filter(user_id=uid).values("pk")
        reach |= Q(pk__in=Innovation.objects.filter(authors__worker__in=mine).values("pk"))
        reach |= Q(studio__lead__in=mine)
    return Innovation.objects.filter(reach)


def may_review(scope: Scope, innovation: Innovation) -> bool:
    return scope.covers(REVIEW_INNOVATIONS, innovation.union_id)


def may_appraise(scope: Scope, innovation: Innovation) -> bool:
    return scope.covers(APPRAISE_INNOVATIONS, innovation.union_id)


def may_confirm(scope: Scope, innovation: Innovation) -> bool:
    """Only the enterprise's own finance office: a finance role held at the employer's union itself."""
    return innovation.union_id in scope.roots(CONFIRM_BENEFITS)


def counted() -> QuerySet[Innovation]:
    """Innovations whose benefit finance has confirmed and that stand (not rejected)."""
    return Innovation.objects.filter(state__in=BENEFIT_STATES, benefit__isnull=False, confirmed_on__isnull=False)


def _sum(qs: QuerySet[Innovation]) -> Decimal:
    # pk__in keeps each innovation once whatever joins the filter made
    total = Innovation.objects.filter(pk__in=qs.values("pk")).aggregate(s=Sum("benefit"))["s"]
    return (total if total is not None else Decimal(0)).quantize(CENT)  # yuan and cents, on every database


def benefit_of(
    *,
    competition_id: int | None = None,
    studio_id: int | None = None,
    project_id: int | None = None,
    alliance_id: int | None = None,
    union_id: int | None = None,
) -> Decimal:
    """The confirmed benefit of the innovations reached from one thing (each counted once).

    A studio reaches the innovations linked to it and those of the projects it leads or takes part in;
    an alliance, those of its joint projects; a union, those of employers in its subtree."""
    qs = counted()
    if competition_id is not None:
        qs = qs.filter(competition_id=competition_id)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if alliance_id is not None:
        qs = qs.filter(project__alliance_id=alliance_id)
    if studio_id is not None:
        qs = qs.filter(
            Q(studio_id=studio_id) | Q(project__studio_id=studio_id) | Q(project__participants__id=studio_id)
        )
    if union_id is not None:
        qs = qs.filter(union_id__in=UnionAncestor.objects.filter(ancestor_id=union_id).values("descendant_id"))
    return _sum(qs)


def filter_innovations(qs: QuerySet[Innovation], params: dict[str, str]) -> QuerySet[Innovation]:
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(title__contains=q) | Q(method_name__contains=q) | Q(employer__name__contains=q))
    for key in ("state", "kind", "grade"):
        if value := params.get(key):
            qs = qs.filter(**{key: value})
    for key in ("competition", "studio", "project", "employer"):
        value = params.get(key) or ""
        if value.isdigit():
            qs = qs.filter(**{f"{key}_id": int(value)})
    if params.get("source") == "competition":
        qs = qs.filter(competition__isnull=False)
    elif params.get("source") == "studio":
        qs = qs.filter(Q(studio__isnull=False) | Q(project__isnull=False))
    return qs


def submittable_employers(scope: Scope) -> QuerySet[Employer]:
    """The employers whose innovations the user may record: every employer in an official's reach (their
    enterprise, city or province union's subtree), and a worker's own employer."""
    employers = Employer.objects.filter(scope.union_filter(REVIEW_INNOVATIONS))
    me = own_worker(scope)
    if me is not None:
        employers = employers | Employer.objects.filter(pk=me.employer_id)
    return employers.distinct()


def submit_choices(scope: Scope) -> dict[str, QuerySet[Any]]:
    """What the submitter may pick: the employers above, the competitions organised by a union above or
    within their reach, the studios and projects they see or work in."""
    me = own_worker(scope)
    unions = set(scope.roots(REVIEW_INNOVATIONS)) | ({me.union_id} if me else set())
    above = UnionAncestor.objects.filter(descendant_id__in=unions).values("ancestor_id")
    competitions = (
        Competition.objects.filter(organiser_id__in=above).exclude(state=CompetitionState.DRAFT)
        | competitions_for_user(scope)
    ).distinct()
    studios = studios_for_user(scope)
    projects = projects_for_user(scope)
    if me is not None:
        theirs = Studio.objects.filter(Q(lead=me) | Q(members__worker=me))
        studios = (studios | theirs).distinct()
        projects = (projects | Project.objects.filter(Q(studio__in=theirs) | Q(participants__in=theirs))).distinct()
    return {
        "employers": submittable_employers(scope),
        "competitions": competitions.order_by("-pk"),
        "studios": studios.order_by("name"),
        "projects": projects.order_by("-pk"),
    }


def origins_of(
    employer: Employer | None,
    competitions: QuerySet[Competition],
    studios: QuerySet[Studio],
    projects: QuerySet[Project],
) -> tuple[QuerySet[Competition], QuerySet[Studio], QuerySet[Project]]:
    """Where a result of ``employer`` may come from, within what the submitter may pick: a competition its
    workers entered, one it entered as a labour-competition unit or its own union organised; its studios and
    the projects they lead or join. Bounded by the employer's own history, not by the province's tens of
    thousands of competitions and thousands of studios; nothing before the employer is chosen."""
    if employer is None:
        return competitions.none(), studios.none(), projects.none()
    # the employer's history read once, as ids (the busiest employer at province scale: 130,000 entries in
    # 506 competitions, 0.5 s to read): as a subquery each of the form's three reads of ``took_part``
    # (its short list's count and rows, the labour teams) read every entry again
    entered = Entry.objects.filter(employer=employer).values_list("event__competition_id", flat=True).distinct()
    as_unit = Unit.objects.filter(employer=employer).values_list("competition_id", flat=True)
    history = {*entered.order_by(), *as_unit.order_by()}
    took_part = competitions.filter(Q(pk__in=history) | Q(organiser_id=employer.union_id))
    own = studios.filter(employer=employer)
    theirs = Studio.objects.filter(employer=employer).values("pk")
    joined = projects.filter(Q(studio__in=theirs) | Q(participants__in=theirs)).distinct()
    return took_part, own, joined
