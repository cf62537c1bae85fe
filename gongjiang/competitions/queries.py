"""Reads for competitions; each starts from the user's scope."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS, VIEW_COMPETITIONS, VIEW_WORKERS
from gongjiang.orgs.scope import Scope

from .enums import State
from .models import Assignment, Competition, Entry, Event, Judge


def competitions_for_user(scope: Scope) -> QuerySet[Competition]:
    """Competitions the user organises (their subtree), and, once announced, those organised by a
    union above them, whose events their workers may enter."""
    above = UnionAncestor.objects.filter(descendant_id__in=scope.roots(ENTER_COMPETITIONS)).values("ancestor_id")
    announced_above = (
        Q(organiser_id__in=above) & ~Q(state=State.DRAFT) if scope.has(ENTER_COMPETITIONS) else Q(pk__in=[])
    )
    read = scope.union_filter(VIEW_COMPETITIONS, "organiser")  # leadership reads its subtree's
    return Competition.objects.filter(scope.union_filter(MANAGE_COMPETITIONS, "organiser") | read | announced_above)


def events_for_user(scope: Scope) -> QuerySet[Event]:
    return Event.objects.filter(competition__in=competitions_for_user(scope))


def entries_for_user(scope: Scope) -> QuerySet[Entry]:
    """Entries of the user's own workers, and every entry of the competitions the user organises."""
    own = scope.union_filter(VIEW_WORKERS) | scope.union_filter(ENTER_COMPETITIONS)
    organised = scope.union_filter(MANAGE_COMPETITIONS, "event__competition__organiser")
    return Entry.objects.filter(own | organised)


def manages(scope: Scope, competition: Competition) -> bool:
    return scope.covers(MANAGE_COMPETITIONS, competition.organiser_id)


def judges_for_user(scope: Scope) -> QuerySet[Judge]:
    """Judges of the pools the user manages, and of the pools above them (which their competitions may use)."""
    above = UnionAncestor.objects.filter(descendant_id__in=scope.roots(MANAGE_COMPETITIONS)).values("ancestor_id")
    return Judge.objects.filter(scope.union_filter(MANAGE_COMPETITIONS, "pool") | Q(pool_id__in=above))


def assignable_judges(scope: Scope, event: Event) -> QuerySet[Judge]:
    """The judges the user may assign to ``event`` by hand: active judges of the pools they reach that
    the event's competition may use (its organiser's and those above it), not yet assigned to it."""
    usable = UnionAncestor.objects.filter(descendant_id=event.competition.organiser_id).values("ancestor_id")
    return (
        judges_for_user(scope)
        .filter(active=True, pool_id__in=usable)
        .exclude(pk__in=Assignment.objects.filter(event=event).values("judge_id"))
    )


def assignments_for_user(scope: Scope) -> QuerySet[Assignment]:
    return Assignment.objects.filter(scope.union_filter(MANAGE_COMPETITIONS, "event__competition__organiser"))


def own_assignments(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Assignment]:
    """A judge's own assignments: all a judge may see of the competitions they mark."""
    if not user.is_authenticated or user.pk is None:
        return Assignment.objects.none()
    return Assignment.objects.filter(judge__user_id=user.pk)
