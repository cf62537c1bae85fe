"""Who may enter an event: a pure function of facts, returning every reason that refuses.

No database access here: the service gathers the facts, this decides, so the rules can
be tested exhaustively and explained word for word to the person entering.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongjiang.people.enums import Grade

from .enums import Audience


@dataclass(frozen=True)
class EntryFacts:
    registration_open: bool
    already_entered: bool
    event_full: bool
    employer_in_organiser_scope: bool
    worker_status: str
    age_at_start: int
    grade_in_occupation: int | None  # the worker's highest grade in the event's occupation
    occupation: str
    audience: str
    grade_min: int | None
    grade_max: int | None
    min_age: int | None
    max_age: int | None


def _grade(value: int) -> str:
    return str(Grade(value).label)


def refusals(f: EntryFacts) -> list[str]:
    """Every reason the entry is refused; an empty list means eligible."""
    reasons = []
    if not f.registration_open:
        reasons.append(_("Registration for this competition is not open."))
    if f.already_entered:
        reasons.append(_("This worker is already entered in this event."))
    if f.event_full:
        reasons.append(_("The event is full."))
    if not f.employer_in_organiser_scope:
        reasons.append(_("The worker's employer is outside the organising union."))
    if f.audience == Audience.EMPLOYED and f.worker_status != "employed":
        reasons.append(_("Only workers still employed may enter this event."))
    if f.audience == Audience.STUDENTS and f.worker_status != "student":
        reasons.append(_("Only students may enter this event."))
    if f.min_age is not None and f.age_at_start < f.min_age:
        reasons.append(
            _("The worker is %(age)s at the start; the event needs at least %(min)s.")
            % {"age": f.age_at_start, "min": f.min_age}
        )
    if f.max_age is not None and f.age_at_start > f.max_age:
        reasons.append(
            _("The worker is %(age)s at the start; the event allows at most %(max)s.")
            % {"age": f.age_at_start, "max": f.max_age}
        )
    if f.grade_min is not None and (f.grade_in_occupation is None or f.grade_in_occupation < f.grade_min):
        held = _grade(f.grade_in_occupation) if f.grade_in_occupation else _("no grade")
        reasons.append(
            _("The event needs at least %(grade)s in %(occupation)s; the worker holds %(held)s.")
            % {"grade": _grade(f.grade_min), "occupation": f.occupation, "held": held}
        )
    if f.grade_max is not None and f.grade_in_occupation is not None and f.grade_in_occupation > f.grade_max:
        reasons.append(
            _("The event is for grades up to %(grade)s in %(occupation)s; the worker holds %(held)s.")
            % {"grade": _grade(f.grade_max), "occupation": f.occupation, "held": _grade(f.grade_in_occupation)}
        )
    return reasons


@dataclass(frozen=True)
class Competitor:
    name: str
    employer_id: int
    employer_name: str
    region_code: str


def judge_conflicts(
    *, judge_employer_id: int | None, judge_region: str, competitors: list[Competitor], avoid_region: bool
) -> list[str]:
    """回避: every competitor a judge may not mark — same employer always, same region where the
    competition says so. An empty list means the judge may mark this event."""
    reasons = []
    for c in competitors:
        if judge_employer_id is not None and c.employer_id == judge_employer_id:
            reasons.append(
                _("%(name)s competes for the judge's own employer %(employer)s.")
                % {"name": c.name, "employer": c.employer_name}
            )
        elif avoid_region and c.region_code[:4] == judge_region[:4]:
            reasons.append(_("%(name)s comes from the judge's own city.") % {"name": c.name})
    return reasons
