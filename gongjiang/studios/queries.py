"""Reads for studios and alliances; each starts from the user's scope.

- A studio is seen by the unions above its employer (``VIEW_STUDIOS``) and by its lead.
- An alliance is seen by the unions above its lead union, and by whoever sees one of its member
  studios: membership means the members know each other (names and employers), nothing more.
- A problem is seen with its alliance; a problem its poster opened to every alliance is seen by every
  union official and studio lead.
- A project is seen with its lead studio, any participating studio, or its alliance.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from gongjiang.awards.models import LedgerLine
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union, UnionAncestor
from gongjiang.orgs.rules import MANAGE_STUDIOS, VIEW_STUDIOS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker

from .enums import CURRENT_MEMBER_STATES, ProjectState, StudioState
from .matching import Doc, rank
from .models import Alliance, Membership, Problem, Project, Studio, Target


def _user_id(scope: Scope) -> int | None:
    user = scope.user
    return user.pk if user.is_authenticated else None


def _own(scope: Scope) -> Q:
    """Studios the user leads. The lead is found through the unique ``user_id`` index in a subquery of at
    most one row: a join to the lead's worker row beside the scope's OR made PostgreSQL read the whole
    worker table (3.96 million rows) for the studio list's count."""
    uid = _user_id(scope)
    if uid is None:
        return Q(pk__in=[])
    return Q(lead_id__in=Worker.objects.filter(user_id=uid).values("pk"))


def studios_for_user(scope: Scope) -> QuerySet[Studio]:
    own = _own(scope)
    return Studio.objects.filter(scope.union_filter(VIEW_STUDIOS) | own)


def led_studios(scope: Scope) -> QuerySet[Studio]:
    """The studios whose lead's account is this user."""
    return Studio.objects.filter(_own(scope))


def acting_studios(scope: Scope) -> QuerySet[Studio]:
    """Studios the user may act for on the board: their own, and those their union manages."""
    return Studio.objects.filter(scope.union_filter(MANAGE_STUDIOS) | _own(scope))


def can_act_for(scope: Scope, studio: Studio) -> bool:
    uid = _user_id(scope)
    lead_user = Studio.objects.filter(pk=studio.pk).values_list("lead__user_id", flat=True).first()
    return (uid is not None and lead_user == uid) or scope.covers(MANAGE_STUDIOS, studio.union_id)


def claimable_studios(scope: Scope, problem: Problem) -> QuerySet[Studio]:
    """The named studios the user acts for that may still claim the problem: current members of its
    alliance (of any alliance, if the problem is open to all), not the poster, not claimed already.
    The same rule as :func:`services.may_claim`, as one query."""
    members = Membership.objects.filter(state__in=CURRENT_MEMBER_STATES)
    if not problem.open_to_all:
        members = members.filter(alliance_id=problem.alliance_id)
    return (
        acting_studios(scope)
        .filter(state=StudioState.NAMED, pk__in=members.values("studio_id"))
        .exclude(pk=problem.studio_id)
        .exclude(pk__in=problem.claims.values("studio_id"))
    )


def needs_new_lead(qs: QuerySet[Studio]) -> QuerySet[Studio]:
    """Open studios whose lead retired, left, or moved to another employer: to close or hand over."""
    gone = ~Q(lead__status="employed") | ~Q(lead__employer_id=F("employer_id"))
    return qs.filter(gone).exclude(state__in=(StudioState.CLOSED, StudioState.REJECTED))


def alliances_for_user(scope: Scope) -> QuerySet[Alliance]:
    member_of = Membership.objects.filter(studio__in=studios_for_user(scope)).values("alliance_id")
    return Alliance.objects.filter(scope.union_filter(VIEW_STUDIOS, "lead_union") | Q(pk__in=member_of))


def manages_alliance(scope: Scope, alliance: Alliance) -> bool:
    return scope.covers(MANAGE_STUDIOS, alliance.lead_union_id)


def problems_for_user(scope: Scope) -> QuerySet[Problem]:
    opened = Q(open_to_all=True) if (scope.has(VIEW_STUDIOS) or led_studios(scope).exists()) else Q(pk__in=[])
    return Problem.objects.filter(Q(alliance__in=alliances_for_user(scope)) | opened)


def projects_for_user(scope: Scope) -> QuerySet[Project]:
    studios = studios_for_user(scope)
    joined = Project.participants.through.objects.filter(project_id=OuterRef("pk"), studio__in=studios)
    return Project.objects.filter(Q(studio__in=studios) | Q(alliance__in=alliances_for_user(scope)) | Exists(joined))


def subsidy_source(alliance: Alliance) -> str:
    """How the ledger names what a subsidy line pays for."""
    return f"alliance:{alliance.pk}"


def activity_funds_source(alliance: Alliance, year: int) -> str:
    return f"alliance-activity:{alliance.pk}:{year}"


def activity_funds(alliance: Alliance) -> QuerySet[LedgerLine]:
    """The alliance's yearly activity funds in the ledger, newest year first."""
    return LedgerLine.objects.filter(
        source__startswith=f"alliance-activity:{alliance.pk}:", reverses__isnull=True
    ).order_by("-year")


def alliance_subsidy(alliance: Alliance) -> LedgerLine | None:
    """The alliance's subsidy line in the ledger (proposed, approved, paid or rejected), if any."""
    return LedgerLine.objects.filter(source=subsidy_source(alliance), reverses__isnull=True).first()


def current_members(alliance: Alliance) -> QuerySet[Membership]:
    return alliance.memberships.filter(state__in=CURRENT_MEMBER_STATES)


@dataclass(frozen=True)
class Totals:
    projects: int
    closed_projects: int
    economic_value: Decimal
    patents: int


def alliance_totals(alliance: Alliance) -> Totals:
    """The alliance's joint projects: how many, how many closed, and what the closed ones yielded."""
    agg = alliance.projects.aggregate(
        projects=Count("pk"),
        closed=Count("pk", filter=Q(state=ProjectState.CLOSED)),
        value=Sum("economic_value", filter=Q(state=ProjectState.CLOSED)),
        patents=Sum("patents", filter=Q(state=ProjectState.CLOSED)),
    )
    return Totals(agg["projects"], agg["closed"], agg["value"] or Decimal(0), agg["patents"] or 0)


def studio_totals(studio: Studio) -> Totals:
    """The studio's own and joint projects, closed ones valued, plus its recorded results' value."""
    projects = Project.objects.filter(Q(studio=studio) | Q(participants=studio)).distinct()
    closed = projects.filter(state=ProjectState.CLOSED)
    value = Project.objects.filter(pk__in=closed.values("pk")).aggregate(v=Sum("economic_value"))["v"] or Decimal(0)
    value += studio.results.filter(project__isnull=True).aggregate(v=Sum("economic_value"))["v"] or Decimal(0)
    patents = Project.objects.filter(pk__in=closed.values("pk")).aggregate(p=Sum("patents"))["p"] or 0
    patents += studio.results.filter(kind__in=("patent", "invention")).count()
    return Totals(projects.count(), closed.count(), value, patents)


# Targets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    target: Target
    achieved: int

    @property
    def met(self) -> bool:
        return self.achieved >= self.target.alliances

    @property
    def missing(self) -> int:
        return max(self.target.alliances - self.achieved, 0)


def targets_for_user(scope: Scope) -> QuerySet[Target]:
    return Target.objects.filter(scope.union_filter(VIEW_STUDIOS))


def target_rows(scope: Scope, year: int) -> list[TargetRow]:
    """Every target of ``year`` the user may see, with the alliances formed toward it.

    A union's count is the alliances led by a union in its subtree (geographic and industrial), founded
    in the year (or, for a cumulative target, up to the year's end). One query for the counts.
    """
    targets = list(
        targets_for_user(scope)
        .filter(year=year)
        .select_related("union")
        .order_by("union__kind", "union__region_id", "union__pk", "cumulative")
    )
    if not targets:
        return []
    end = dt.date(year, 12, 31)
    links = UnionAncestor.objects.filter(ancestor_id__in={t.union_id for t in targets}).values_list(
        "ancestor_id", "descendant_id"
    )
    below: dict[int, set[int]] = {}
    for ancestor, descendant in links:
        below.setdefault(ancestor, set()).add(descendant)
    alliances = list(
        Alliance.objects.filter(founded_on__lte=end, lead_union_id__in=set().union(*below.values())).values_list(
            "lead_union_id", "founded_on"
        )
    )
    rows = []
    for t in targets:
        reach = below.get(t.union_id, set())
        achieved = sum(
            1 for union_id, founded in alliances if union_id in reach and (t.cumulative or founded.year == year)
        )
        rows.append(TargetRow(t, achieved))
    return rows


def target_unions(scope: Scope) -> QuerySet[Union]:
    """The city and industrial unions the user may set yearly targets for."""
    return Union.objects.filter(
        scope.union_filter(MANAGE_STUDIOS, "pk"), kind__in=(UnionKind.CITY, UnionKind.INDUSTRY)
    ).order_by("kind", "name")


# Matching --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    studio: Studio
    score: float
    terms: tuple[tuple[str, tuple[str, ...]], ...]


def match_candidates(scope: Scope, problem: Problem) -> QuerySet[Studio]:
    """The studios that could take the problem on: the alliance's current member studios (which every
    viewer of the alliance sees by name), and for an opened problem every named studio the user may see
    that belongs to some alliance. Never the poster itself."""
    members = Membership.objects.filter(alliance_id=problem.alliance_id, state__in=CURRENT_MEMBER_STATES)
    q = Q(pk__in=members.values("studio_id"))
    if problem.open_to_all:
        in_any = Membership.objects.filter(state__in=CURRENT_MEMBER_STATES).values("studio_id")
        q |= Q(pk__in=studios_for_user(scope).filter(pk__in=in_any).values("pk"))
    return Studio.objects.filter(q, state=StudioState.NAMED).exclude(pk=problem.studio_id)


def suggest_studios(scope: Scope, problem: Problem, limit: int = 5) -> list[Suggestion]:
    """Rank the candidates by how well their field, occupations, past projects and results fit the problem."""
    studios = list(
        match_candidates(scope, problem).select_related("employer").prefetch_related("occupations", "results")
    )
    projects: dict[int, list[tuple[str, str]]] = {}
    rows = Project.participants.through.objects.filter(studio_id__in=[s.pk for s in studios]).values_list(
        "studio_id", "project__title", "project__outcome"
    )
    for studio_id, title, outcome in rows.order_by("project_id"):
        projects.setdefault(studio_id, []).append((title, outcome))
    docs = []
    for s in studios:
        parts = [
            (str(_("studio field")), s.field),
            (str(_("studio occupations")), " ".join(o.name for o in s.occupations.all())),
        ]
        parts += [(_("project “%(title)s”") % {"title": t}, f"{t} {o}") for t, o in projects.get(s.pk, [])]
        parts += [(_("result “%(title)s”") % {"title": r.title}, r.title) for r in s.results.all()]
        docs.append(Doc(s.pk, parts))
    by_id = {s.pk: s for s in studios}
    query = f"{problem.title} {problem.field} {problem.description}"
    return [Suggestion(by_id[m.key], m.score, m.terms) for m in rank(query, docs, limit)]
