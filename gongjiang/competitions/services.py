"""Writes for competitions: one function per business action, scope-checked and audited."""

import datetime as dt
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.models import Union, UnionAncestor
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS, MANAGE_POLICY
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import SkillGrade, Worker

from . import lifecycle, readiness, results, tiers
from .eligibility import Competitor, EntryFacts, judge_conflicts, refusals
from .enums import AspectKind, EntryState, Kind, Mode, State, Tier
from .errors import CompetitionError  # callers catch it as services.CompetitionError too
from .models import Assignment, Competition, Entry, Event, Judge, OrganisingRight
from .signals import results_final

COMPETITION_FIELDS = (
    "name",
    "tier",
    "kind",
    "organiser",
    "committee",
    "co_organisers",
    "host",
    "series",
    "registration_closes_on",
    "starts_on",
    "ends_on",
    "state",
    "avoid_same_region",
    "notice_working_days",
    "trimmed_mean",
    "use_ws700",
    "medal_count",
    "merit_percent",
)
EVENT_FIELDS = (
    "name",
    "occupation",
    "grade_min",
    "grade_max",
    "mode",
    "team_size",
    "theory_weight",
    "practical_weight",
    "capacity",
    "min_age",
    "max_age",
    "audience",
)
ENTRY_FIELDS = ("worker", "employer", "team", "competitor_no", "state", "withdrawn_reason")


@dataclass(frozen=True)
class CompetitionData:
    name: str
    tier: str
    kind: str
    organiser: Union
    registration_closes_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    committee: str = ""
    co_organisers: str = ""
    host: str = ""
    series: str = ""
    avoid_same_region: bool = False
    notice_working_days: int = 5
    trimmed_mean: bool = False
    use_ws700: bool = False
    medal_count: int = 3
    merit_percent: int = 50


def _check_dates(data: CompetitionData) -> None:
    if not data.registration_closes_on <= data.starts_on <= data.ends_on:
        raise CompetitionError(_("Registration must close before the start, and the start come before the end."))


def check_tier(organiser: Union, tier: str) -> None:
    """Refuse a tier the organiser may not organise (the province's organising-rights rows)."""
    allowed = tiers.allowed_tiers(organiser)
    if tier in allowed:
        return
    if not allowed:
        raise CompetitionError(_("%(union)s may not organise competitions.") % {"union": organiser.name})
    raise CompetitionError(
        _("%(union)s may organise competitions of level “%(highest)s” and below, not “%(tier)s”.")
        % {"union": organiser.name, "highest": Tier(allowed[0]).label, "tier": Tier(tier).label}
    )


@transaction.atomic
def create_competition(*, actor: User, scope: Scope, data: CompetitionData) -> Competition:
    scope.require(MANAGE_COMPETITIONS, data.organiser.pk)
    _check_dates(data)
    check_tier(data.organiser, data.tier)
    competition = Competition.objects.create(**asdict(data), region_code=data.organiser.region_id)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=competition,
        after=audit.snapshot(competition, COMPETITION_FIELDS),
        union_id=competition.organiser_id,
    )
    return competition


@transaction.atomic
def update_competition(*, actor: User, scope: Scope, competition: Competition, data: CompetitionData) -> Competition:
    """Change the particulars; the organiser stays (a competition does not move between unions)."""
    scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    if data.organiser.pk != competition.organiser_id:
        raise CompetitionError(_("The organising union of a competition cannot change."))
    _check_dates(data)
    if data.tier != competition.tier:
        check_tier(data.organiser, data.tier)
    before = audit.snapshot(competition, COMPETITION_FIELDS)
    for name, value in asdict(data).items():
        setattr(competition, name, value)
    competition.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=competition,
        before=before,
        after=audit.snapshot(competition, COMPETITION_FIELDS),
        union_id=competition.organiser_id,
    )
    return competition


@transaction.atomic
def transition(*, actor: User, scope: Scope, competition: Competition, to: str, note: str = "") -> Competition:
    """Move the competition to its next state. Checks and side effects by target state:

    - registration: the competition has at least one event (:mod:`readiness`);
    - in_progress: every event has a chief judge, a marking scheme and enough judges
      (:mod:`readiness`), and no judge has a 回避 conflict, all refused at once; competitor
      numbers are drawn;
    - notice: every event with entries is signed off; the results are written (or updated
      after a re-mark) and the notice period starts;
    - final: the notice period is over and no objection is open;
    - marking (back from notice): only the events whose sign-off an upheld objection lifted
      can be marked again.

    A labour competition follows its own machine (``enums.LABOUR_TRANSITIONS``): no marking, notice
    or certificates; its move to final is the committee publishing the final standing, which the app
    that runs its rounds contributes (``<app>.finish.FINISHERS``: ``(kind, finish)`` pairs, called
    here, in this transaction, before the state changes; a refusal stops the move).
    """
    scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    lifecycle.check_move(competition, to)
    labour = competition.kind == Kind.LABOUR
    guarded = to in readiness.GUARDED
    missing = readiness.refusals(to, readiness_facts(competition), competition.kind) if guarded else []
    if to == State.IN_PROGRESS:
        problems = [
            f"{a.event.name} · {a.judge.name}: {reason}"
            for a in Assignment.objects.filter(event__competition=competition).select_related("event", "judge")
            for reason in conflicts_of(a.judge, a.event)
        ]
        if problems:
            missing.append(_("Judges must step aside first: %(problems)s") % {"problems": " ".join(problems)})
    if missing:
        raise CompetitionError(" ".join(missing))
    if to == State.NOTICE:
        results.check_publishable(competition)
    if to == State.FINAL and not labour:
        results.check_final(competition)
    if to == State.FINAL and labour:
        lifecycle.finish_by_kind(actor=actor, competition=competition)
    before = audit.snapshot(competition, ("state",))
    competition.state = to
    if to == State.FINAL:
        competition.finalised_on = timezone.localdate()
    competition.save(update_fields=["state", "finalised_on"])
    if to == State.IN_PROGRESS:
        for event in competition.events.all():
            draw_competitor_numbers(event=event)
    if to == State.NOTICE:
        results.publish(competition)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=competition,
        before=before,
        after=audit.snapshot(competition, ("state",)),
        union_id=competition.organiser_id,
        note=note,
    )
    if to == State.FINAL:
        results_final.send(sender=Competition, competition=competition, actor=actor)
    return competition


def readiness_facts(competition: Competition) -> list[readiness.EventFacts]:
    """What :func:`readiness.refusals` decides on, for every event, in one query."""
    judgement = AspectKind.JUDGEMENT
    rows = (
        competition.events.order_by("name", "pk")
        .annotate(
            judges=Count("assignments", distinct=True),
            chiefs=Count("assignments", filter=Q(assignments__is_chief=True), distinct=True),
            aspects=Count("criteria__aspects", distinct=True),
            judgement_aspects=Count("criteria__aspects", filter=Q(criteria__aspects__kind=judgement), distinct=True),
        )
        .values_list("name", "judges", "chiefs", "aspects", "judgement_aspects")
    )
    return [readiness.EventFacts(name, judges, chiefs > 0, aspects, j) for name, judges, chiefs, aspects, j in rows]


def _check_event(fields: dict[str, Any]) -> None:
    if fields["theory_weight"] + fields["practical_weight"] != 100:
        raise CompetitionError(_("The theory and practical weights must add up to 100."))
    if fields["grade_min"] and fields["grade_max"] and fields["grade_min"] > fields["grade_max"]:
        raise CompetitionError(_("The lowest grade is above the highest grade."))
    if fields["min_age"] and fields["max_age"] and fields["min_age"] > fields["max_age"]:
        raise CompetitionError(_("The minimum age is above the maximum age."))
    if fields["mode"] == Mode.TEAM and fields["team_size"] < 2:
        raise CompetitionError(_("A team event needs a team size of at least 2."))
    if fields["mode"] == Mode.INDIVIDUAL:
        fields["team_size"] = 1


@transaction.atomic
def save_event(
    *, actor: User, scope: Scope, competition: Competition, event: Event | None = None, fields: dict[str, Any]
) -> Event:
    """Create an event, or change one, while the competition is still in draft or registration."""
    scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    if competition.state not in {State.DRAFT, State.REGISTRATION}:
        raise CompetitionError(_("Events can only change before the competition starts."))
    _check_event(fields)
    if event is None:
        event = Event.objects.create(competition=competition, **fields)
        before: dict[str, Any] = {}
        action = AuditAction.CREATE
    else:
        before = audit.snapshot(event, EVENT_FIELDS)
        for name, value in fields.items():
            setattr(event, name, value)
        event.save()
        action = AuditAction.UPDATE
    audit.record(
        actor=actor,
        action=action,
        obj=event,
        before=before,
        after=audit.snapshot(event, EVENT_FIELDS),
        union_id=competition.organiser_id,
    )
    return event


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def entry_facts(*, event: Event, worker: Worker) -> EntryFacts:
    """Gather from the database what :func:`eligibility.refusals` decides on."""
    grade = SkillGrade.objects.filter(worker=worker, occupation_id=event.occupation_id).aggregate(top=Max("grade"))[
        "top"
    ]
    return facts_of(
        event,
        worker,
        taken=event.entries.filter(state=EntryState.REGISTERED).count(),
        entered=event.entries.filter(worker=worker, state=EntryState.REGISTERED).exists(),
        inside=UnionAncestor.objects.filter(
            descendant_id=worker.union_id, ancestor_id=event.competition.organiser_id
        ).exists(),
        grade=grade,
    )


def facts_of(event: Event, worker: Worker, *, taken: int, entered: bool, inside: bool, grade: int | None) -> EntryFacts:
    """The facts of one worker and one event, from what the caller read (one worker, or a page of them)."""
    competition = event.competition
    return EntryFacts(
        registration_open=competition.state == State.REGISTRATION,
        already_entered=entered,
        event_full=event.capacity is not None and taken >= event.capacity,
        employer_in_organiser_scope=inside,
        worker_status=worker.status,
        age_at_start=age_on(worker.birth_date, competition.starts_on),
        grade_in_occupation=grade,
        occupation=event.occupation.name,
        audience=event.audience,
        grade_min=event.grade_min,
        grade_max=event.grade_max,
        min_age=event.min_age,
        max_age=event.max_age,
    )


@transaction.atomic
def register_entry(*, actor: User, scope: Scope, event: Event, worker: Worker, team: str = "") -> Entry:
    """Enter a worker in an event, or refuse with every reason at once."""
    if not scope.covers(ENTER_COMPETITIONS, worker.union_id):
        raise PermissionDenied
    event = Event.objects.select_for_update().select_related("competition", "occupation").get(pk=event.pk)
    reasons = refusals(entry_facts(event=event, worker=worker))
    if reasons:
        raise CompetitionError(" ".join(reasons))
    if event.mode == Mode.TEAM:
        if not team:
            raise CompetitionError(_("Name the team for a team event."))
        members = event.entries.filter(state=EntryState.REGISTERED, team=team).exclude(worker=worker)
        if members.exclude(employer_id=worker.employer_id).exists():
            raise CompetitionError(
                _("A team is formed inside one employer; %(team)s belongs to another.") % {"team": team}
            )
        if members.count() >= event.team_size:
            raise CompetitionError(
                _("The team %(team)s already has %(n)s members.") % {"team": team, "n": event.team_size}
            )
    entry, created = Entry.objects.get_or_create(
        event=event,
        worker=worker,
        defaults={
            "employer_id": worker.employer_id,
            "union_id": worker.union_id,
            "region_code": worker.region_code,
            "team": team,
            "registered_by": actor,
        },
    )
    before: dict[str, Any] = {} if created else audit.snapshot(entry, ENTRY_FIELDS)
    if not created:  # re-entering after a withdrawal
        entry.state, entry.withdrawn_reason, entry.team = EntryState.REGISTERED, "", team
        entry.employer_id, entry.union_id, entry.registered_by = worker.employer_id, worker.union_id, actor
        entry.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=entry,
        before=before,
        after=audit.snapshot(entry, ENTRY_FIELDS),
        union_id=entry.union_id,
    )
    return entry


@transaction.atomic
def withdraw_entry(*, actor: User, scope: Scope, entry: Entry, reason: str) -> Entry:
    """Withdraw before marking starts; the entry stays on record with the reason."""
    competition = entry.event.competition
    allowed = scope.covers(ENTER_COMPETITIONS, entry.union_id) or scope.covers(
        MANAGE_COMPETITIONS, competition.organiser_id
    )
    if not allowed:
        raise PermissionDenied
    if competition.state not in {State.REGISTRATION, State.IN_PROGRESS}:
        raise CompetitionError(_("Entries can be withdrawn only before marking starts."))
    if entry.state == EntryState.WITHDRAWN:
        raise CompetitionError(_("This entry is already withdrawn."))
    if not reason.strip():
        raise CompetitionError(_("Give a reason for the withdrawal."))
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.state, entry.withdrawn_reason = EntryState.WITHDRAWN, reason.strip()[:200]
    entry.save(update_fields=["state", "withdrawn_reason"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=entry,
        before=before,
        after=audit.snapshot(entry, ENTRY_FIELDS),
        union_id=entry.union_id,
    )
    return entry


def draw_competitor_numbers(*, event: Event) -> int:
    """Give every registered entry without a number a random one, unique in the event.

    Numbers are drawn with the operating system's randomness, so nobody can predict
    which competitor gets which number; judges see only these numbers.
    """
    entries = list(event.entries.filter(state=EntryState.REGISTERED, competitor_no=""))
    if not entries:
        return 0
    used = set(event.entries.exclude(competitor_no="").values_list("competitor_no", flat=True))
    width = max(3, len(str(len(entries) + len(used))))
    free = [n for n in range(1, len(entries) + len(used) + 1) if f"{n:0{width}d}" not in used]
    secrets.SystemRandom().shuffle(free)
    for entry, number in zip(entries, free, strict=False):
        entry.competitor_no = f"{number:0{width}d}"
    Entry.objects.bulk_update(entries, ["competitor_no"])
    return len(entries)


JUDGE_FIELDS = ("name", "employer", "affiliation", "region_code", "occupations", "active")
JUDGING_STATES = {State.DRAFT, State.REGISTRATION, State.IN_PROGRESS}


@transaction.atomic
def add_judge(
    *,
    actor: User,
    scope: Scope,
    pool: Union,
    name: str,
    region_code: str,
    occupations: list[Any],
    employer: Any = None,
    affiliation: str = "",
    user: User | None = None,
) -> Judge:
    scope.require(MANAGE_COMPETITIONS, pool.pk)
    judge = Judge.objects.create(
        pool=pool, name=name, region_code=region_code, employer=employer, affiliation=affiliation, user=user
    )
    judge.occupations.set(occupations)
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=judge, after=audit.snapshot(judge, JUDGE_FIELDS), union_id=pool.pk
    )
    return judge


def conflicts_of(judge: Judge, event: Event) -> list[str]:
    competitors = [
        Competitor(e.worker.name, e.employer_id, e.employer.name, e.region_code)
        for e in event.entries.filter(state=EntryState.REGISTERED).select_related("worker", "employer")
    ]
    return judge_conflicts(
        judge_employer_id=judge.employer_id,
        judge_region=judge.region_code,
        competitors=competitors,
        avoid_region=event.competition.avoid_same_region,
    )


def usable_pool_ids(competition: Competition) -> set[int]:
    """Pools an event of ``competition`` may draw judges from: the organiser's and those above it."""
    return set(
        UnionAncestor.objects.filter(descendant_id=competition.organiser_id).values_list("ancestor_id", flat=True)
    )


@transaction.atomic
def assign_judge(*, actor: User, scope: Scope, event: Event, judge: Judge, drawn: bool = False) -> Assignment:
    """Assign a judge by hand (or by :func:`draw_judges`); refused with every 回避 reason."""
    competition = event.competition
    scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    if competition.state not in JUDGING_STATES:
        raise CompetitionError(_("Judges can only change before marking starts."))
    if judge.pool_id not in usable_pool_ids(competition) or not judge.active:
        raise CompetitionError(_("This judge is not in a pool this competition may use."))
    if event.assignments.filter(judge=judge).exists():
        raise CompetitionError(_("This judge is already assigned to the event."))
    reasons = conflicts_of(judge, event)
    if reasons:
        raise CompetitionError(
            _("%(judge)s must step aside (回避): %(reasons)s") % {"judge": judge.name, "reasons": " ".join(reasons)}
        )
    assignment = Assignment.objects.create(event=event, judge=judge, drawn=drawn, assigned_by=actor)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=assignment,
        after={"event": event.name, "judge": judge.name, "drawn": drawn},
        union_id=competition.organiser_id,
    )
    return assignment


def draw_judges(*, actor: User, scope: Scope, event: Event, count: int) -> list[Assignment]:
    """Draw up to ``count`` judges at random from the usable pools: active, of the event's occupation,
    not yet assigned, and free of 回避 conflicts. Returns the assignments made."""
    competition = event.competition
    scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    candidates = [
        judge
        for judge in Judge.objects.filter(
            pool_id__in=usable_pool_ids(competition), active=True, occupations=event.occupation_id
        ).exclude(assignments__event=event)
        if not conflicts_of(judge, event)
    ]
    chosen = secrets.SystemRandom().sample(candidates, min(count, len(candidates)))
    return [assign_judge(actor=actor, scope=scope, event=event, judge=j, drawn=True) for j in chosen]


@transaction.atomic
def set_chief(*, actor: User, scope: Scope, assignment: Assignment) -> Assignment:
    event = assignment.event
    scope.require(MANAGE_COMPETITIONS, event.competition.organiser_id)
    if event.competition.state not in JUDGING_STATES:
        raise CompetitionError(_("Judges can only change before marking starts."))
    event.assignments.filter(is_chief=True).exclude(pk=assignment.pk).update(is_chief=False)
    assignment.is_chief = True
    assignment.save(update_fields=["is_chief"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=assignment,
        after={"event": event.name, "judge": assignment.judge.name, "is_chief": True},
        union_id=event.competition.organiser_id,
    )
    return assignment


@transaction.atomic
def unassign_judge(*, actor: User, scope: Scope, assignment: Assignment) -> None:
    event = assignment.event
    scope.require(MANAGE_COMPETITIONS, event.competition.organiser_id)
    if event.competition.state not in JUDGING_STATES:
        raise CompetitionError(_("Judges can only change before marking starts."))
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=assignment,
        before={"event": event.name, "judge": assignment.judge.name, "is_chief": assignment.is_chief},
        union_id=event.competition.organiser_id,
    )
    assignment.delete()


RIGHT_FIELDS = ("union_kind", "union", "highest_tier", "basis")


@transaction.atomic
def set_organising_right(
    *, actor: User, scope: Scope, highest_tier: str, basis: str = "", union_kind: str = "", union: Union | None = None
) -> OrganisingRight:
    """The province sets the highest tier a kind of union (the default) or one union (an
    authorisation, which replaces its kind's default) may organise."""
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    if union is not None:
        scope.require(MANAGE_POLICY, union.pk)
    if (union is None) == (not union_kind):
        raise CompetitionError(_("Choose a kind of union or one union."))
    right = (
        OrganisingRight.objects.filter(union=union) if union else OrganisingRight.objects.filter(union_kind=union_kind)
    )
    existing = right.order_by().select_for_update().first()
    before = audit.snapshot(existing, RIGHT_FIELDS) if existing else {}
    if existing is None:
        existing = OrganisingRight(union=union, union_kind="" if union else union_kind)
    existing.highest_tier, existing.basis = highest_tier, basis.strip()[:200]
    existing.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=existing,
        before=before,
        after=audit.snapshot(existing, RIGHT_FIELDS),
        union_id=union.pk if union else next(iter(scope.roots(MANAGE_POLICY)), None),
    )
    return existing


@transaction.atomic
def remove_organising_right(*, actor: User, scope: Scope, right: OrganisingRight) -> None:
    """Withdraw one union's authorisation: its kind's default applies again. Kind defaults stay."""
    if not scope.has(MANAGE_POLICY) or right.union_id is None:
        raise PermissionDenied
    scope.require(MANAGE_POLICY, right.union_id)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=right,
        before=audit.snapshot(right, RIGHT_FIELDS),
        union_id=right.union_id,
    )
    right.delete()
