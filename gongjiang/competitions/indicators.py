"""Competition figures for the statistics app (see ``core.indicators``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Dimension, Indicator
from gongjiang.orgs.models import Region, Union
from gongjiang.people.indicators import worker_url
from gongjiang.people.models import Occupation

from .enums import EntryState, Kind, State, Tier
from .models import Competition, Entry

FINAL_STATES = (State.FINAL, State.ARCHIVED)


def choice_labels(choices):  # type: ignore[no-untyped-def]
    return lambda keys: {k: str(dict(choices).get(k, k)) for k in keys}


def _occupations(keys: list[str]) -> dict[str, str]:
    names = dict(Occupation.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()]).values_list("pk", "name"))
    return {k: names.get(int(k), k) if k.isdigit() else k for k in keys}


def _unions(keys: list[str]) -> dict[str, str]:
    names = dict(Union.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()]).values_list("pk", "name"))
    return {k: names.get(int(k), k) if k.isdigit() else "—" for k in keys}


def _regions(keys: list[str]) -> dict[str, str]:
    names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    return {k: names.get(k, k or "—") for k in keys}


def _final_competitions():  # type: ignore[no-untyped-def]
    return Competition.objects.filter(state__in=FINAL_STATES)


def _counted_entries():  # type: ignore[no-untyped-def]
    return Entry.objects.filter(state=EntryState.REGISTERED, event__competition__state__in=FINAL_STATES)


def _competition_url(pk: int) -> str:
    return reverse("competitions:detail", args=[pk])


_ENTRY_DIMENSIONS = (
    Dimension("tier", _("tier"), "event__competition__tier", choice_labels(Tier.choices)),
    Dimension("occupation", _("occupation"), "event__occupation_id", _occupations),
    # the entrant's enterprise union's industrial union ("" when it has none) and prefecture
    Dimension("industry", _("industrial union"), "union__industry_parent_id", _unions),
    Dimension("prefecture", _("city"), "union__region__parent_id", _regions),
)

INDICATORS = [
    Indicator(
        code="competitions_held",
        name=_("Competitions held"),
        definition=_(
            "Competitions whose results are final (final or archived), counted for the organising union "
            "and its ancestors, in the year the competition started."
        ),
        unit=_("competitions"),
        rows=_final_competitions,
        union="organiser_id",
        date="starts_on",
        dimensions=(
            Dimension("tier", _("tier"), "tier", choice_labels(Tier.choices)),
            Dimension("kind", _("kind"), "kind", choice_labels(Kind.choices)),
        ),
        label="name",
        link=_competition_url,
        listing="competitions:list",
        order=10,
    ),
    Indicator(
        code="participant_times",
        name=_("Participant-times"),
        definition=_(
            "Registered (not withdrawn) entries in events of skills competitions whose results are final, counted "
            "for the entrant's enterprise union at entry and its ancestors, in the year the competition started. "
            "A worker in two events counts twice. Labour competitions, whose units and teams compete without "
            "entries, are counted among the competitions held and their teams' members in the labour competition "
            "member-times, not here."
        ),
        unit=_("participant-times"),
        rows=_counted_entries,
        union="union_id",
        date="event__competition__starts_on",
        dimensions=_ENTRY_DIMENSIONS,
        label="worker__name",
        link_path="worker_id",
        link=worker_url,
        # kept between fills per competition: a competition made final marks one anchor, not each entry
        extra={"anchor": "event__competition_id"},
        order=20,
    ),
    Indicator(
        code="participants",
        name=_("Distinct participants"),
        definition=_(
            "Workers with at least one registered entry in a skills competition whose results are final, in the "
            "year the competition started; each worker counted once per union and period, so a parent's figure is "
            "not the sum of its children's. Members of labour competitions' teams are counted among the distinct labour "
            "competition members, not here."
        ),
        unit=_("persons"),
        rows=_counted_entries,
        union="union_id",
        date="event__competition__starts_on",
        measure="distinct",
        subject="worker_id",
        dimensions=(_ENTRY_DIMENSIONS[0],),
        label="worker__name",
        link_path="worker_id",
        link=worker_url,
        listing="people:worker_list",
        listing_path="worker_id",
        order=30,
    ),
]
