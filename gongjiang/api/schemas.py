import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from gongjiang.core.validators import validate_id_number, validate_phone


def _run(validator, value: str) -> str:  # type: ignore[no-untyped-def]
    try:
        return validator(value)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None


class UnionOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str = Field(alias="region_id")
    parent_id: int | None
    industry_parent_id: int | None


class EmployerOut(Schema):
    id: int
    name: str
    uscc: str
    region_code: str = Field(alias="region_id")
    union_id: int
    industry: str


class GradeOut(Schema):
    id: int
    occupation: str = Field(alias="occupation.name")
    grade: int
    grade_label: str
    source: str
    certificate_no: str
    awarded_on: dt.date
    issuer: str

    @staticmethod
    def resolve_grade_label(obj: Any) -> str:
        return str(obj.get_grade_display())


class WorkerOut(Schema):
    id: int
    name: str
    id_number_masked: str
    sex: str
    birth_date: dt.date
    phone_masked: str
    employer_id: int
    status: str
    top_grade: int | None
    occupations: list[str]

    @staticmethod
    def resolve_occupations(obj: Any) -> list[str]:
        return [o.name for o in obj.occupations.all()]


class WorkerIn(Schema):
    name: str
    id_number: str
    employer_id: int
    phone: str = ""
    status: str = "employed"
    occupations: list[str] = []

    @field_validator("id_number")
    @classmethod
    def _id(cls, value: str) -> str:
        return _run(validate_id_number, value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _run(validate_phone, value) if value else ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 50:
            raise ValueError(_("A name has 1–50 characters."))
        return value


class GradeIn(Schema):
    occupation: str
    grade: int
    source: str = "evaluation"
    certificate_no: str
    awarded_on: dt.date
    issuer: str = ""


class ErrorOut(Schema):
    detail: str


class CompetitionOut(Schema):
    id: int
    name: str
    tier: str
    kind: str
    organiser_id: int
    series: str
    registration_closes_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    state: str


class EventOut(Schema):
    id: int
    competition_id: int
    name: str
    occupation: str = Field(alias="occupation.name")
    grade_min: int | None
    grade_max: int | None
    mode: str
    team_size: int
    theory_weight: int
    practical_weight: int
    capacity: int | None


class EntryOut(Schema):
    id: int
    event_id: int
    worker_id: int
    worker_name: str = Field(alias="worker.name")
    employer_id: int
    team: str
    competitor_no: str
    state: str


class EntryIn(Schema):
    worker_id: int
    team: str = ""


class AssignmentOut(Schema):
    event_id: int
    event: str = Field(alias="event.name")
    competition: str = Field(alias="event.competition.name")
    is_chief: bool


class MarkOut(Schema):
    entry_id: int
    competitor_no: str = Field(alias="entry.competitor_no")
    aspect_id: int
    aspect: str = Field(alias="aspect.code")
    value: Decimal


class MarksIn(Schema):
    entry_id: int
    values: dict[int, str]
    reason: str = ""


class ResultOut(Schema):
    entry_id: int
    rank: int
    theory: Decimal | None
    practical: Decimal
    total: Decimal
    award: str


class CompetitionIn(Schema):
    """A new competition. ``tier`` may be left out: the lowest tier the organiser may organise."""

    name: str
    tier: str = ""
    kind: str = "skills"
    organiser_id: int
    registration_closes_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    committee: str = ""
    co_organisers: str = ""
    host: str = ""
    series: str = ""
    notice_working_days: int = Field(5, ge=1, le=30)
    medal_count: int = Field(3, ge=0, le=3)
    merit_percent: int = Field(50, ge=0, le=100)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 120:
            raise ValueError(_("A name has 1–120 characters."))
        return value


class TransitionIn(Schema):
    to: str


class TierOut(Schema):
    code: str
    label: str


class TierOptionsOut(Schema):
    """The tiers the user may organise (for one organiser, or for any of theirs), highest first."""

    organiser_id: int | None
    tiers: list[TierOut]
    default: str | None
