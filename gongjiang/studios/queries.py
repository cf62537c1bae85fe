"""Reads for studios and alliances; each starts from the user's scope.

- A studio is seen by the unions above its employer (``VIEW_STUDIOS``) and by its lead.
- An alliance is seen by the unions above its lead union, and by whoever sees one of its member
  studios: membership means the members know each other (names and employers), nothing more.
- A problem is seen with its alliance; a problem its poster opened to every alliance is seen by every
  union official and studio lead.
- A project is seen with its lead studio, any participating studio, or its alliance.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum, Value
from django.utils.translation import gettext as _

from gongjiang.awards.models import LedgerLine
from gongjiang.core.plugins import cached_contributions
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union, UnionAncestor
from gongjiang.orgs.rules import MANAGE_STUDIOS, VIEW_STUDIOS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy.models import PolicyDocument

from .enums import CURRENT_MEMBER_STATES, AllianceState, ProjectState, StudioState
from .matching import Doc, rank
from .models import Alliance, Membership, Problem, Project, Studio, StudioResult, Target


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


def confirmed_benefit(**where: int) -> Decimal:
    """The confirmed economic benefit of the workers' innovations reached from a studio, an alliance or a
    project (``studio_id=``, ``alliance_id=``, ``project_id=``), each innovation counted once. The
    innovations app answers through ``core.plugins`` (its ``benefits.BENEFIT_OF``); this app does not
    import it, and no benefit is typed here."""
    return sum((f(**where) for f in cached_contributions("benefits", "BENEFIT_OF")), Decimal("0.00"))


def alliance_totals(alliance: Alliance) -> Totals:
    """The alliance's joint projects: how many, how many closed, the confirmed benefit of their innovations."""
    agg = alliance.projects.aggregate(
        projects=Count("pk"),
        closed=Count("pk", filter=Q(state=ProjectState.CLOSED)),
        patents=Sum("patents", filter=Q(state=ProjectState.CLOSED)),
    )
    value = confirmed_benefit(alliance_id=alliance.pk)
    return Totals(agg["projects"], agg["closed"], value, agg["patents"] or 0)


def studio_totals(studio: Studio) -> Totals:
    """The studio's own and joint projects, and the confirmed benefit of the innovations reached from it."""
    projects = Project.objects.filter(Q(studio=studio) | Q(participants=studio)).distinct()
    closed = projects.filter(state=ProjectState.CLOSED)
    value = confirmed_benefit(studio_id=studio.pk)
    patents = Project.objects.filter(pk__in=closed.values("pk")).aggregate(p=Sum("patents"))["p"] or 0
    patents += studio.results.filter(kind__in=("patent", "invention")).count()
    return Totals(projects.count(), closed.count(), value, patents)


# Targets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """A target, the alliances formed toward it, and where it stands on ``today``: met; open (not met,
    its year not over); or behind (its year over, not met). ``source`` is the cited policy document."""

    target: Target
    achieved: int
    today: dt.date | None = None
    source: PolicyDocument | None = None

    @property
    def due(self) -> dt.date:
        return dt.date(self.target.year, 12, 31)

    @property
    def met(self) -> bool:
        return self.achieved >= self.target.alliances

    @property
    def missing(self) -> int:
        return max(self.target.alliances - self.achieved, 0)

    @property
    def status(self) -> str:
        if self.met:
            return "met"
        return "open" if self.today is not None and self.today <= self.due else "behind"

    @property
    def percent(self) -> int:
        return min(100, self.achieved * 100 // self.target.alliances)


def targets_for_user(scope: Scope) -> QuerySet[Target]:
    return Target.objects.filter(scope.union_filter(VIEW_STUDIOS))


def _standing_goals(scope: Scope, year: int) -> list[Target]:
    """Per union, the cumulative goal that stands in ``year``: the nearest one due in or after it, else
    the last one due before it (so that a goal stays on the page, with its outcome, once its year is over)."""
    goals: dict[int, Target] = {}
    for goal in targets_for_user(scope).filter(cumulative=True).select_related("union").order_by("year"):
        held = goals.get(goal.union_id)
        if held is None or held.year < year:
            goals[goal.union_id] = goal
    return list(goals.values())


def target_rows(
    scope: Scope, year: int, today: dt.date | None = None, *, unions: set[int] | None = None, standing: bool = True
) -> list[TargetRow]:
    """The yearly targets of ``year`` the user may see and the cumulative goals standing in it, each with
    the alliances formed toward it. ``unions``: only the yearly targets of these unions; ``standing=False``:
    without the cumulative goals (the home page's to-do asks for its own unions' yearly targets only).

    A union's count is the named alliances led by a union in its subtree (geographic and industrial), founded
    in the year; for a cumulative goal, founded up to the end of the year viewed or of the goal's year,
    whichever is earlier. One query for the counts, one for the cited documents.
    """
    yearly = targets_for_user(scope).filter(year=year, cumulative=False)
    if unions is not None:
        yearly = yearly.filter(union_id__in=unions)
    targets = list(yearly.select_related("union"))
    if standing:
        targets += _standing_goals(scope, year)
    targets.sort(key=lambda t: (t.union.kind, t.union.region_id, t.union.pk, t.cumulative))
    if not targets:
        return []
    end = dt.date(year, 12, 31)
    # The alliances under any target's union, read through the closure inside the database, then the
    # closure rows of those alliances' unions only: a province-wide goal covers 50,000 unions, and a list
    # of every union in it sent as parameters cost a second at province scale.
    ancestors = {t.union_id for t in targets}
    alliances = list(
        Alliance.objects.filter(
            founded_on__lte=end,
            state=AllianceState.NAMED,
            lead_union_id__in=UnionAncestor.objects.filter(ancestor_id__in=ancestors).values("descendant_id"),
        ).values_list("lead_union_id", "founded_on")
    )
    links = UnionAncestor.objects.filter(
        ancestor_id__in=ancestors, descendant_id__in={union_id for union_id, _ in alliances}
    ).values_list("ancestor_id", "descendant_id")
    below: dict[int, set[int]] = {}
    for ancestor, descendant in links:
        below.setdefault(ancestor, set()).add(descendant)
    cited = {t.document.split(" ", 1)[0] for t in targets if t.document}
    sources = {d.doc_no: d for d in PolicyDocument.objects.filter(doc_no__in=cited)} if cited else {}
    rows = []
    for t in targets:
        reach = below.get(t.union_id, set())
        until = min(end, dt.date(t.year, 12, 31))
        achieved = sum(
            1
            for union_id, founded in alliances
            if union_id in reach and (founded <= until if t.cumulative else founded.year == year)
        )
        rows.append(TargetRow(t, achieved, today, sources.get(t.document.split(" ", 1)[0]) if t.document else None))
    return rows


def target_summary(rows: list[TargetRow]) -> dict[str, int]:
    """How many targets are met, still open, and behind."""
    return {status: sum(1 for r in rows if r.status == status) for status in ("met", "open", "behind")}


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


def _studio_docs(studios: list[tuple[int, str, str, str]]) -> list[Doc]:
    """One document per studio (its name, field, description, occupations, past projects and results),
    from plain values: the studios' ``(id, name, field, description)`` and one query each for their
    occupations (by name), results (newest year first) and projects (in project order). A problem open
    to every alliance has thousands of candidates: built as model instances with their related rows
    prefetched, they were most of the problem page's time."""
    ids = [pk for pk, _name, _field, _description in studios]
    occupations: dict[int, list[str]] = defaultdict(list)
    for studio_id, name in (
        Studio.occupations.through.objects.filter(studio_id__in=ids)
        .order_by("occupation__name", "occupation_id")
        .values_list("studio_id", "occupation__name")
    ):
        occupations[studio_id].append(name)
    results: dict[int, list[str]] = defaultdict(list)
    for studio_id, title in (
        StudioResult.objects.filter(studio_id__in=ids).order_by("-year", "pk").values_list("studio_id", "title")
    ):
        results[studio_id].append(title)
    projects: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = Project.participants.through.objects.filter(studio_id__in=ids).values_list(
        "studio_id", "project__title", "project__outcome"
    )
    for studio_id, title, outcome in rows.order_by("project_id"):
        projects[studio_id].append((title, outcome))
    docs = []
    for pk, name, field, description in studios:
        parts = [
            (str(_("studio name")), name),
            (str(_("studio field")), f"{field} {description}"),
            (str(_("studio occupations")), " ".join(occupations[pk])),
        ]
        parts += [(_("project “%(title)s”") % {"title": t}, f"{t} {o}") for t, o in projects[pk]]
        parts += [(_("result “%(title)s”") % {"title": t}, t) for t in results[pk]]
        docs.append(Doc(pk, parts))
    return docs


_population_cache: dict[str, tuple[tuple[object, ...], list[str]]] = {}


def studio_population() -> list[str]:
    """The text of every named studio of the province, lower-cased, in which the matcher measures how
    rare a term is (only counts come out of it: nothing of a studio the user may not see is shown).

    Kept per process and rebuilt when a studio is named or one gains a project or a result (three
    small queries to know: counts, highest ids, the newest studio's creation time, which also tells a
    database whose ids were reused after a rollback); an edited field counts from the next rebuild.
    Four queries to rebuild.
    """
    named = Studio.objects.filter(state=StudioState.NAMED)
    through = Project.participants.through.objects
    stamp = (
        *named.aggregate(n=Count("pk"), top=Max("pk"), at=Max("created_at")).values(),
        *through.aggregate(n=Count("pk"), top=Max("pk")).values(),
        *StudioResult.objects.aggregate(n=Count("pk"), top=Max("pk")).values(),
    )
    cached = _population_cache.get("studios")
    if cached is None or cached[0] != stamp:
        texts: dict[int, list[str]] = {
            pk: [name, field, description]
            for pk, name, field, description in named.values_list("pk", "name", "field", "description")
        }
        occupations = Studio.occupations.through.objects.filter(studio__state=StudioState.NAMED)
        rows = [
            *occupations.values_list("studio_id", "occupation__name", Value("")),
            *StudioResult.objects.filter(studio__state=StudioState.NAMED).values_list("studio_id", "title", Value("")),
            *through.filter(studio__state=StudioState.NAMED).values_list(
                "studio_id", "project__title", "project__outcome"
            ),
        ]
        for studio_id, text, more in rows:
            texts.setdefault(studio_id, []).extend((text, more))  # named since the first query: counted too
        _population_cache["studios"] = (stamp, [" ".join(parts).lower() for parts in texts.values()])
    return _population_cache["studios"][1]


def suggest_studios(scope: Scope, problem: Problem, limit: int = 5) -> list[Suggestion]:
    """Rank the candidates by how well their name, field, occupations, past projects and results fit the
    problem, each term weighed by its rarity across the province's studios."""
    studios = list(match_candidates(scope, problem).order_by("pk").values_list("pk", "name", "field", "description"))
    if not studios:
        return []
    query = f"{problem.title} {problem.field} {problem.description}"
    ranked = rank(query, _studio_docs(studios), limit, population=studio_population())
    by_id = Studio.objects.select_related("employer").in_bulk([m.key for m in ranked])
    return [Suggestion(by_id[m.key], m.score, m.terms) for m in ranked]
