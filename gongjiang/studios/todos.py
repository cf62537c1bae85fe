"""What waits in the studios, on the home page. A union that manages studios: applications to name, alliances
proposed by a lead union to name,
alliance members to evaluate for last year, a city or industrial union's alliance target for this year
not yet met. A studio lead: last year's self-report, and open problems
on the boards of their alliances that their studio has not posted or claimed. Each to-do's rows are
what its list shows under ``?todo=<key>``."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gongjiang.core.todolist import Todo, once
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.rules import CAPABILITIES, MANAGE_STUDIOS

from .enums import CURRENT_MEMBER_STATES, AllianceState, MemberState, ProblemState, StudioState
from .models import Alliance, Evaluation, Membership, Problem, Studio, StudioReport, Target
from .queries import alliances_for_user, led_studios, problems_for_user, studios_for_user, target_rows
from .services import NAMING_UNIONS


def _last_year() -> int:
    return timezone.localdate().year - 1


def _below(role_union_id: int, field: str) -> Exists:
    """The row's ``field`` union lies below (or is) ``role_union_id``: one probe of the closure's unique
    index a row, not the union's subtree hashed (the province: every closure row)."""
    return Exists(UnionAncestor.objects.filter(ancestor_id=role_union_id, descendant_id=OuterRef(field)))


def _to_name(request: Any) -> QuerySet[Studio]:
    """Applications the user's unions may name: of a level their kind names, below them (the province
    names provincial studios, a city its city-level ones). The applications are few: each is probed in
    the closure (here and through Scope.probing), the reach is not hashed."""
    scope = request.scope
    reach = Q(pk__in=[])
    for role in scope.roles:
        if MANAGE_STUDIOS not in CAPABILITIES.get(role.kind, ()):
            continue
        levels = [level for level, kinds in NAMING_UNIONS.items() if role.union.kind in kinds]
        reach |= Q(_below(role.union_id, "union_id"), level__in=levels)
    return studios_for_user(scope.probing()).filter(reach, state=StudioState.APPLIED)


def _alliances_to_name(request: Any) -> QuerySet[Alliance]:
    """Alliances proposed by a lead union below the user's, of a level the user's union kind names (the
    province names provincial alliances, a city its city-level ones), as studios are named."""
    scope = request.scope
    reach = Q(pk__in=[])
    for role in scope.roles:
        if MANAGE_STUDIOS not in CAPABILITIES.get(role.kind, ()):
            continue
        levels = [level for level, kinds in NAMING_UNIONS.items() if role.union.kind in kinds]
        reach |= Q(_below(role.union_id, "lead_union_id"), level__in=levels)
    return once(request, "studios.alliances", lambda: alliances_for_user(scope.probing())).filter(
        reach, state=AllianceState.PROPOSED
    )


def _to_evaluate(request: Any) -> QuerySet[Alliance]:
    """Alliances the user's own unions lead (each lead union evaluates its own) with a current member
    not evaluated for last year."""
    scope = request.scope
    if not scope.has(MANAGE_STUDIOS):
        return Alliance.objects.none()
    year = _last_year()
    unevaluated = Membership.objects.filter(
        alliance=OuterRef("pk"), state__in=CURRENT_MEMBER_STATES, joined_on__year__lte=year
    ).exclude(Exists(Evaluation.objects.filter(membership=OuterRef("pk"), year=year)))
    # the user's own unions' alliances, each probed in the closure (Scope.probing), the reach not hashed
    return (
        once(request, "studios.alliances", lambda: alliances_for_user(scope.probing()))
        .filter(lead_union_id__in=scope.roots(MANAGE_STUDIOS), founded_on__year__lte=year)
        .filter(Exists(unevaluated))
    )


def _to_admit(request: Any) -> QuerySet[Alliance]:
    """Alliances the user's own unions lead with studios that applied to join."""
    scope = request.scope
    if not scope.has(MANAGE_STUDIOS):
        return Alliance.objects.none()
    applied = Membership.objects.filter(alliance=OuterRef("pk"), state=MemberState.APPLIED)
    return (
        once(request, "studios.alliances", lambda: alliances_for_user(scope.probing()))
        .filter(lead_union_id__in=scope.roots(MANAGE_STUDIOS))
        .filter(Exists(applied))
    )


def _targets_behind(request: Any) -> QuerySet[Target]:
    """This year's alliance targets of the user's own city or industrial unions that their subtree has not
    yet met (fewer alliances formed this year than the target), counted as the targets page counts them."""
    scope = request.scope
    if not scope.has(MANAGE_STUDIOS):
        return Target.objects.none()
    cache = getattr(request, "_todo_targets_behind", None)
    roots = scope.roots(MANAGE_STUDIOS)
    # Only a city's or an industrial union's own officials are told (the province is not); the roles'
    # unions were read with the roles (Scope), so their kinds cost no query.
    own = {
        role.union_id
        for role in scope.roles
        if role.union_id in roots and role.union.kind in (UnionKind.CITY, UnionKind.INDUSTRY)
    }
    if cache is None:
        today = timezone.localdate()
        # their own unions' yearly targets only (not the subtree's, nor the cumulative goals), each
        # probed in the closure (Scope.probing): the targets page's rows for those targets
        rows = target_rows(scope.probing(), today.year, today=today, unions=own, standing=False) if own else []
        cache = [row.target.pk for row in rows if not row.met]
        request._todo_targets_behind = cache
    return Target.objects.filter(pk__in=cache)


def _end_of_year(request: Any) -> dt.date | None:
    # asked only when a target is behind (Todo.for_request): no query
    return dt.date(timezone.localdate().year, 12, 31)


def _leads_none(request: Any) -> bool:
    """A user without a worker record (read with the user by portal.auth) leads no studio."""
    return not hasattr(request.user, "worker")


def _report_due(request: Any) -> QuerySet[Studio]:
    """The user's own named studios without last year's self-report."""
    if _leads_none(request):
        return Studio.objects.none()
    year = _last_year()
    return (
        led_studios(request.scope)
        .filter(state=StudioState.NAMED, named_on__year__lte=year)
        .exclude(Exists(StudioReport.objects.filter(studio=OuterRef("pk"), year=year)))
    )


def _problems(request: Any) -> QuerySet[Problem]:
    """Open problems on the boards of the alliances the user's studios belong to, not theirs, not yet claimed."""
    if _leads_none(request):
        return Problem.objects.none()
    own = led_studios(request.scope).filter(state=StudioState.NAMED)
    boards = Membership.objects.filter(studio__in=own, state__in=CURRENT_MEMBER_STATES).values("alliance_id")
    return (
        problems_for_user(request.scope)
        .filter(state=ProblemState.OPEN, alliance_id__in=boards)
        .exclude(studio__in=own)
        .exclude(claims__studio__in=own)
    )


TODOS = [
    Todo(
        "name_studios",
        gettext_lazy("Studio applications to name"),
        "lightbulb",
        "studios:list",
        "state=applied&todo=name_studios",
        rows=_to_name,
    ),
    Todo(
        "name_alliances",
        gettext_lazy("Alliances to name"),
        "diagram-3",
        "studios:alliance_list",
        "state=proposed&todo=name_alliances",
        rows=_alliances_to_name,
    ),
    Todo(
        "evaluate",
        gettext_lazy("Alliances with members to evaluate for last year"),
        "clipboard2-pulse",
        "studios:alliance_list",
        "todo=evaluate",
        rows=_to_evaluate,
    ),
    Todo(
        "admit",
        gettext_lazy("Alliances with studios applying to join"),
        "door-open",
        "studios:alliance_list",
        "todo=admit",
        rows=_to_admit,
    ),
    Todo(
        "targets_behind",
        gettext_lazy("Alliance targets not yet met this year"),
        "bullseye",
        "studios:targets",
        "todo=targets_behind",
        rows=_targets_behind,
        deadline=_end_of_year,
        deadline_label=gettext_lazy("due %(day)s"),
    ),
    Todo(
        "self_report",
        gettext_lazy("Studios whose self-report for last year is due"),
        "journal-text",
        "studios:list",
        "todo=self_report",
        rows=_report_due,
    ),
    Todo(
        "problems",
        gettext_lazy("Open problems on your alliances' boards"),
        "puzzle",
        "studios:problem_list",
        "state=open&todo=problems",
        rows=_problems,
    ),
]
