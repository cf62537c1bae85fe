"""Every write of the labour competitions: one function per action, typed, keyword-only, in a
transaction, with its audit row. Pages, the API and the importer call these."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.models import Employer, UnionAncestor
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker

from .enums import FigureState, Formula, Method, RoundState
from .errors import LabourError
from .models import Evidence, Figure, Indicator, Round, Scheme, Standing, Team, Unit, Veto
from .queries import changeable_unit
from .scoring import to_decimal
from .standings import compute, indicators_of, scheme_for_change, scheme_of

CLOSED_STATES = frozenset({State.DRAFT, State.FINAL, State.ARCHIVED})


def _committee(scope: Scope, competition: Competition) -> None:
    scope.require(MANAGE_COMPETITIONS, competition.organiser_id)


def _running(competition: Competition) -> None:
    if competition.state in CLOSED_STATES:
        raise LabourError(_("The competition is not under way: units, teams and rounds change while it runs."))


def _scheme_open(scheme: Scheme) -> None:
    if Round.objects.filter(competition_id=scheme.competition_id, state=RoundState.CLOSED).exists():
        raise LabourError(_("A round has closed: the scheme is fixed for the rest of the competition."))


@transaction.atomic
def save_scheme(
    *, actor: User, scope: Scope, competition: Competition, period: str, combine: str, safety_veto: bool, red_flags: int
) -> Scheme:
    _committee(scope, competition)
    scheme = scheme_for_change(competition.pk)
    fields = ("period", "combine", "safety_veto", "red_flags")
    before = audit.snapshot(scheme, fields)
    new = {"period": period, "combine": combine, "safety_veto": safety_veto, "red_flags": red_flags}
    if any(before[k] != v for k, v in new.items()):
        _scheme_open(scheme)
    for key, value in new.items():
        setattr(scheme, key, value)
    scheme.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=scheme,
        before=before,
        after=audit.snapshot(scheme, fields),
        union_id=competition.organiser_id,
    )
    return scheme


@dataclass(frozen=True)
class IndicatorData:
    name: str
    category: str
    weight: Decimal
    method: str
    formula: str = ""
    target: Decimal | None = None
    unit_of_measure: str = ""
    higher_is_better: bool = True
    deduction: Decimal = Decimal(10)


def check_indicator(data: IndicatorData) -> None:
    """The rules of one indicator (forms and the API call this too)."""
    if data.weight <= 0:
        raise LabourError(_("A weight is above 0."))
    if data.method == Method.MEASURED:
        if not data.formula:
            raise LabourError(_("Choose the formula of a measured indicator."))
        if data.formula == Formula.LINEAR and (data.target is None or data.target <= 0):
            raise LabourError(_("A linear formula needs a target above 0."))
        if data.formula == Formula.PASS_FAIL and data.deduction <= 0:
            raise LabourError(_("A pass/fail formula needs a deduction above 0."))


@transaction.atomic
def add_indicator(*, actor: User, scope: Scope, competition: Competition, data: IndicatorData) -> Indicator:
    return add_indicators(actor=actor, scope=scope, competition=competition, data=[data])[0]


@transaction.atomic
def add_indicators(
    *, actor: User, scope: Scope, competition: Competition, data: Sequence[IndicatorData]
) -> list[Indicator]:
    """Indicators added to the scheme in order, each checked as :func:`add_indicator` checks one (the
    rules of one indicator, a name not in the scheme nor earlier in ``data``) with an audit row each; all
    or nothing. A committee setting up its scheme at once; :func:`add_indicator` is the one-item case."""
    _committee(scope, competition)
    scheme = scheme_for_change(competition.pk)
    _scheme_open(scheme)
    for item in data:
        check_indicator(item)
    names = [item.name for item in data]
    taken = set(scheme.indicators.filter(name__in=names).values_list("name", flat=True))
    for n, name in enumerate(names):
        if name in taken or name in names[:n]:
            raise LabourError(_("The scheme already has an indicator of this name."))
    position = scheme.indicators.aggregate(m=Max("position"))["m"] or 0
    indicators = []
    for n, item in enumerate(data, start=1):
        fields = asdict(item)
        if item.method == Method.JUDGED:
            fields.update(formula="", target=None)
        indicators.append(Indicator(scheme=scheme, position=position + n, **fields))
    Indicator.objects.bulk_create(indicators)
    for indicator in indicators:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=indicator,
            after=audit.snapshot(indicator, ("name", "category", "weight", "method", "formula", "target")),
            union_id=competition.organiser_id,
        )
    return indicators


@transaction.atomic
def remove_indicator(*, actor: User, scope: Scope, indicator: Indicator) -> None:
    competition = indicator.scheme.competition
    _committee(scope, competition)
    _scheme_open(indicator.scheme)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=indicator,
        before=audit.snapshot(indicator, ("name", "weight")),
        union_id=competition.organiser_id,
    )
    indicator.delete()


def may_enter(scope: Scope, competition: Competition, employer: Employer) -> bool:
    """The employer's own union (or a union above it) enters it; the committee enters any employer of
    the organiser's subtree."""
    if scope.covers(ENTER_COMPETITIONS, employer.union_id):
        return True
    in_subtree = UnionAncestor.objects.filter(descendant_id=employer.union_id, ancestor_id=competition.organiser_id)
    return scope.covers(MANAGE_COMPETITIONS, competition.organiser_id) and in_subtree.exists()


@transaction.atomic
def enter_unit(*, actor: User, scope: Scope, competition: Competition, employer: Employer, section: str = "") -> Unit:
    """Enter an enterprise, or a section (标段) of its project, in a labour competition."""
    if not may_enter(scope, competition, employer):
        raise LabourError(_("You may not enter this enterprise."))
    _running(competition)
    section = section.strip()
    if Unit.objects.filter(competition=competition, employer=employer, section=section).exists():
        raise LabourError(_("This unit is already entered."))
    unit = Unit.objects.create(
        competition=competition,
        employer=employer,
        section=section,
        union_id=employer.union_id,
        region_code=employer.region_id,
        entered_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=unit,
        after={"competition": competition.name, "employer": employer.name, "section": section},
        union_id=employer.union_id,
    )
    return unit


def _unit_changer(scope: Scope, unit: Unit) -> None:
    if not changeable_unit(scope, unit):
        raise LabourError(_("You may not change this unit."))
    _running(unit.competition)


@transaction.atomic
def add_team(*, actor: User, scope: Scope, unit: Unit, name: str) -> Team:
    _unit_changer(scope, unit)
    name = name.strip()
    if not name:
        raise LabourError(_("Name the team."))
    if unit.teams.filter(name=name).exists():
        raise LabourError(_("The unit already has a team of this name."))
    team = Team.objects.create(unit=unit, name=name)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=team, after={"name": name}, union_id=unit.union_id)
    return team


@transaction.atomic
def add_member(*, actor: User, scope: Scope, team: Team, worker: Worker) -> Team:
    return add_members(actor=actor, scope=scope, team=team, workers=[worker])


@transaction.atomic
def add_members(*, actor: User, scope: Scope, team: Team, workers: Sequence[Worker]) -> Team:
    """Workers of the unit's enterprise join the team, none of them in a team of this competition yet;
    one audit row names them all."""
    unit = team.unit
    _unit_changer(scope, unit)
    for worker in workers:
        if worker.employer_id != unit.employer_id:
            raise LabourError(
                _("%(name)s does not work for %(employer)s.") % {"name": worker.name, "employer": unit.employer}
            )
    ids = {w.pk for w in workers}
    rows = Team.members.through.objects.filter(team__unit__competition_id=unit.competition_id, worker_id__in=ids)
    busy = set(rows.values_list("worker_id", flat=True))
    if busy or len(ids) < len(workers):
        name = next((w.name for w in workers if w.pk in busy), workers[-1].name if workers else "")
        raise LabourError(_("%(name)s is already in a team of this competition.") % {"name": name})
    team.members.add(*workers)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=team,
        after={"members": [w.name for w in workers]},
        union_id=unit.union_id,
    )
    return team


@transaction.atomic
def remove_member(*, actor: User, scope: Scope, team: Team, worker: Worker) -> Team:
    _unit_changer(scope, team.unit)
    team.members.remove(worker)
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=team, before={"members": [worker.name]}, union_id=team.unit.union_id
    )
    return team


@dataclass(frozen=True)
class RoundData:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date
    weight: Decimal = Decimal(1)


@transaction.atomic
def open_round(*, actor: User, scope: Scope, competition: Competition, data: RoundData) -> Round:
    _committee(scope, competition)
    _running(competition)
    if data.ends_on < data.starts_on:
        raise LabourError(_("A round ends after it starts."))
    if data.weight <= 0:
        raise LabourError(_("A weight is above 0."))
    if Round.objects.filter(competition=competition, state=RoundState.OPEN).exists():
        raise LabourError(_("Close the open round before opening the next."))
    if not Indicator.objects.filter(scheme__competition=competition).exists():
        raise LabourError(_("Set the indicator scheme before opening a round: a round is scored against it."))
    number = (Round.objects.filter(competition=competition).aggregate(m=Max("number"))["m"] or 0) + 1
    round_ = Round.objects.create(competition=competition, number=number, **asdict(data))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=round_,
        after=audit.snapshot(round_, ("number", "name", "starts_on", "ends_on", "due_on", "weight")),
        union_id=competition.organiser_id,
    )
    return round_


def _open(round_: Round) -> None:
    if round_.state != RoundState.OPEN:
        raise LabourError(_("The round is closed."))


def _figure(
    *,
    actor: User,
    round_: Round,
    unit: Unit,
    indicator: Indicator,
    figure: Figure | None,
    value: Decimal | None,
    note: str,
    committee: bool,
    check: bool,
    save: bool = True,
) -> Figure | None:
    """Save one figure as ``report_figures`` says; the figure when it changed, else None. With
    ``save=False`` the changed figure is returned unsaved, for the caller to write with others."""
    if not committee:
        if indicator.method == Method.JUDGED:
            return None  # the committee's to enter
        if figure is not None and figure.state == FigureState.CHECKED:
            if figure.value != value:
                raise LabourError(
                    _("“%(indicator)s” is checked: ask the committee to change it.") % {"indicator": indicator}
                )
            return None
    if indicator.method == Method.JUDGED and value is not None and not Decimal(0) <= value <= Decimal(100):
        raise LabourError(_("A judged score is between 0 and 100 (“%(indicator)s”).") % {"indicator": indicator})
    if value is not None and value < 0:
        raise LabourError(_("A figure is not negative (“%(indicator)s”).") % {"indicator": indicator})
    if figure is None and value is None and not note:
        return None
    if figure is None:
        figure = Figure(round=round_, unit=unit, indicator=indicator, reported_by=actor)
    elif figure.value == value and figure.note == note and not (check and figure.state != FigureState.CHECKED):
        return None
    figure.value, figure.note, figure.reported_by = value, note, actor
    if check and committee:
        figure.state, figure.checked_by = FigureState.CHECKED, actor
    elif not committee:
        figure.state, figure.checked_by = FigureState.REPORTED, None
    if save:
        figure.save()
    return figure


@transaction.atomic
def report_figures(
    *,
    actor: User,
    scope: Scope,
    round_: Round,
    unit: Unit,
    values: Mapping[int, tuple[Decimal | None, str]],
    evidence: Mapping[int, Sequence[UploadedFile]] | None = None,
    check: bool = False,
) -> list[Figure]:
    """A unit's figures for a round (indicator id → (figure, note)); evidence per indicator.

    The unit reports measured figures until the committee has checked them; the committee enters
    any figure (judged scores are the committee's only) and, with ``check``, checks the unit's figures.
    """
    round_ = Round.objects.select_for_update(of=("self",)).select_related("competition").get(pk=round_.pk)
    _open(round_)
    if unit.competition_id != round_.competition_id:
        raise LabourError(_("The unit is not in this competition."))
    committee = scope.covers(MANAGE_COMPETITIONS, round_.competition.organiser_id)
    if not committee and not changeable_unit(scope, unit):
        raise LabourError(_("You may not change this unit."))
    indicators = {i.pk: i for i in indicators_of(round_.competition_id)}
    existing = {f.indicator_id: f for f in Figure.objects.filter(round=round_, unit=unit)}
    changed: list[Figure] = []
    for indicator_id, (value, note) in values.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            raise LabourError(_("No such indicator in the scheme."))
        figure = _figure(
            actor=actor,
            round_=round_,
            unit=unit,
            indicator=indicator,
            figure=existing.get(indicator_id),
            value=value,
            note=note,
            committee=committee,
            check=check,
        )
        if figure is not None:
            changed.append(figure)
    if check and committee:
        Figure.objects.filter(round=round_, unit=unit, state=FigureState.REPORTED).update(
            state=FigureState.CHECKED, checked_by=actor
        )
    for indicator_id, uploads in (evidence or {}).items():
        if not uploads:
            continue
        figure = Figure.objects.filter(round=round_, unit=unit, indicator_id=indicator_id).first()
        if figure is None:
            raise LabourError(_("Enter the figure before attaching its evidence."))
        for upload in uploads:
            Evidence.objects.create(figure=figure, name=upload.name or "", file=upload, uploaded_by=actor)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=unit,
        after={
            "round": round_.name,
            "figures": {str(f.indicator): str(f.value) for f in changed},
            "checked": bool(check and committee),
            "evidence": [u.name for ups in (evidence or {}).values() for u in ups],
        },
        union_id=unit.union_id,
    )
    return changed


@transaction.atomic
def report_round(
    *,
    actor: User,
    scope: Scope,
    round_: Round,
    figures: Mapping[Unit, Mapping[int, tuple[Decimal | None, str]]],
    check: bool = False,
) -> list[Figure]:
    """Many units' figures for a round in one call (unit → indicator id → (figure, note)): a committee's
    table of the round, or a union's several units. Each unit's figures are taken, checked and audited
    exactly as :func:`report_figures` takes them unit by unit (one audit row per unit), and written
    in a few statements. All or nothing: one refused unit or figure refuses the whole table.
    """
    round_ = Round.objects.select_for_update(of=("self",)).select_related("competition").get(pk=round_.pk)
    _open(round_)
    if any(unit.competition_id != round_.competition_id for unit in figures):
        raise LabourError(_("The unit is not in this competition."))
    committee = scope.covers(MANAGE_COMPETITIONS, round_.competition.organiser_id)
    if not committee and not all(changeable_unit(scope, unit) for unit in figures):
        raise LabourError(_("You may not change this unit."))
    indicators = {i.pk: i for i in indicators_of(round_.competition_id)}
    existing = {
        (f.unit_id, f.indicator_id): f for f in Figure.objects.filter(round=round_, unit__in=[u.pk for u in figures])
    }
    new: list[Figure] = []
    changed_rows: list[Figure] = []
    changed_by_unit: dict[Unit, list[Figure]] = {}
    now = timezone.now()
    for unit, values in figures.items():
        changed_by_unit[unit] = []
        for indicator_id, (value, note) in values.items():
            indicator = indicators.get(indicator_id)
            if indicator is None:
                raise LabourError(_("No such indicator in the scheme."))
            before = existing.get((unit.pk, indicator_id))
            figure = _figure(
                actor=actor,
                round_=round_,
                unit=unit,
                indicator=indicator,
                figure=before,
                value=value,
                note=note,
                committee=committee,
                check=check,
                save=False,
            )
            if figure is None:
                continue
            if before is None:
                new.append(figure)
            else:
                figure.reported_at = now  # auto_now, which bulk_update does not set
                changed_rows.append(figure)
            changed_by_unit[unit].append(figure)
    Figure.objects.bulk_create(new)
    Figure.objects.bulk_update(changed_rows, ["value", "note", "reported_by", "reported_at", "state", "checked_by"])
    if check and committee:
        Figure.objects.filter(round=round_, unit__in=[u.pk for u in figures], state=FigureState.REPORTED).update(
            state=FigureState.CHECKED, checked_by=actor
        )
    for unit, changed in changed_by_unit.items():
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=unit,
            after={
                "round": round_.name,
                "figures": {str(f.indicator): str(f.value) for f in changed},
                "checked": bool(check and committee),
                "evidence": [],
            },
            union_id=unit.union_id,
        )
    return [f for changed in changed_by_unit.values() for f in changed]


@transaction.atomic
def record_veto(*, actor: User, scope: Scope, round_: Round, unit: Unit, reason: str) -> Veto:
    _committee(scope, round_.competition)
    _open(round_)
    if not scheme_of(round_.competition_id).safety_veto:
        raise LabourError(_("This scheme has no one-vote veto."))
    if unit.competition_id != round_.competition_id:
        raise LabourError(_("The unit is not in this competition."))
    reason = reason.strip()
    if not reason:
        raise LabourError(_("Say what the accident was."))
    if Veto.objects.filter(round=round_, unit=unit).exists():
        raise LabourError(_("The unit is already vetoed in this round."))
    veto = Veto.objects.create(round=round_, unit=unit, reason=reason, recorded_by=actor)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=veto,
        after={"round": round_.name, "unit": str(unit), "reason": reason},
        union_id=round_.competition.organiser_id,
    )
    return veto


@transaction.atomic
def lift_veto(*, actor: User, scope: Scope, veto: Veto) -> None:
    _committee(scope, veto.round.competition)
    _open(veto.round)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=veto,
        before={"unit": str(veto.unit), "reason": veto.reason},
        union_id=veto.round.competition.organiser_id,
    )
    veto.delete()


@transaction.atomic
def close_round(*, actor: User, scope: Scope, round_: Round) -> Round:
    """Close a round: every reported figure must be checked; the standings are computed (labour.scoring)
    and published (红旗榜) with the red flags to the first units; the round's figures are fixed."""
    _committee(scope, round_.competition)
    round_ = Round.objects.select_for_update().select_related("competition").get(pk=round_.pk)
    _open(round_)
    indicators = indicators_of(round_.competition_id)
    if not indicators:
        raise LabourError(_("The scheme has no indicators yet."))
    unchecked = Figure.objects.filter(round=round_, state=FigureState.REPORTED).count()
    if unchecked:  # a round without units has no figures: this never hides the refusal below
        raise LabourError(_("%(n)s reported figures are not checked yet.") % {"n": unchecked})
    table = compute(round_, indicators=indicators)
    if not table.rows:
        raise LabourError(_("No unit is entered."))
    Standing.objects.bulk_create(
        Standing(
            round=round_,
            unit=unit,
            rank=placed.rank,
            score=to_decimal(placed.score),
            vetoed=placed.vetoed,
            red_flag=flag,
        )
        for placed, unit, flag in table.rows
    )
    round_.state, round_.closed_at, round_.closed_by = RoundState.CLOSED, timezone.now(), actor
    round_.save(update_fields=["state", "closed_at", "closed_by"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=round_,
        before={"state": RoundState.OPEN},
        after={"state": RoundState.CLOSED, "red_flags": [str(u) for _p, u, f in table.rows if f]},
        union_id=round_.competition.organiser_id,
    )
    return round_
