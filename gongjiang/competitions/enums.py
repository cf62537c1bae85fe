from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tier(models.TextChoices):
    """Competition levels, highest first (DOMAIN.md)."""

    WORLD = "world", _("WorldSkills Competition")
    NATIONAL_1 = "national_1", _("National, class one")
    NATIONAL_2 = "national_2", _("National, class two")
    PROVINCIAL_1 = "provincial_1", _("Provincial, class one")
    PROVINCIAL_2 = "provincial_2", _("Provincial, class two")
    CITY = "city", _("City")
    ENTERPRISE = "enterprise", _("Enterprise")


class Kind(models.TextChoices):
    LABOUR = "labour", _("Labour competition")
    SKILLS = "skills", _("Skills competition")
    INNOVATION = "innovation", _("Innovation competition")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REGISTRATION = "registration", _("Registration open")
    IN_PROGRESS = "in_progress", _("In progress")
    MARKING = "marking", _("Marking")
    NOTICE = "notice", _("Public notice")
    FINAL = "final", _("Final")
    ARCHIVED = "archived", _("Archived")


# The one state machine: which state may follow which.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (State.REGISTRATION,),
    State.REGISTRATION: (State.IN_PROGRESS, State.DRAFT),
    State.IN_PROGRESS: (State.MARKING,),
    State.MARKING: (State.NOTICE,),
    State.NOTICE: (State.FINAL, State.MARKING),
    State.FINAL: (State.ARCHIVED,),
    State.ARCHIVED: (),
}

# A labour competition (劳动竞赛) has no marking, notice of results or certificates: its units are assessed
# in rounds by the committee (the labour app), and it ends when the committee publishes the final standing
# over the closed rounds, which is the move from in progress to final.
LABOUR_TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (State.REGISTRATION,),
    State.REGISTRATION: (State.IN_PROGRESS, State.DRAFT),
    State.IN_PROGRESS: (State.FINAL,),
    State.FINAL: (State.ARCHIVED,),
    State.ARCHIVED: (),
    # never entered (competitions migration 0008 moved the ones older code had put there back): the way back
    State.MARKING: (State.IN_PROGRESS,),
    State.NOTICE: (State.IN_PROGRESS,),
}

# The states only a skills or innovation contest passes through (its marking and notice of results).
SKILLS_ONLY_STATES = frozenset({State.MARKING, State.NOTICE})


def transitions_of(kind: str) -> dict[str, tuple[str, ...]]:
    """The state machine of a competition of ``kind``."""
    return LABOUR_TRANSITIONS if kind == Kind.LABOUR else TRANSITIONS


def next_states(kind: str, state: str) -> tuple[str, ...]:
    return transitions_of(kind)[state]


class Mode(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Team")


class Audience(models.TextChoices):
    """Who may enter: workers still employed, students (registered with their school as employer),
    or anyone in the registry."""

    EMPLOYED = "employed", _("Employed workers only")
    STUDENTS = "students", _("Students only")
    ALL = "all", _("Any registered worker")


class EntryState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AspectKind(models.TextChoices):
    MEASUREMENT = "measurement", _("Measurement")
    JUDGEMENT = "judgement", _("Judgement")


class ObjectionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection", "Open")
    UPHELD = "upheld", _("Upheld: re-marked")
    DISMISSED = "dismissed", _("Dismissed")
