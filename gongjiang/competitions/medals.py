"""The medal table of a competition once its results are published: gold, silver, bronze and 优胜奖
counts per event and per city (the first four digits of the entrant's region code), as the public
notice already shows them one by one. Three queries, whatever the size of the field."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import Substr

from gongjiang.orgs.models import Region

from .enums import State
from .models import Competition, Result

AWARDS = ("gold", "silver", "bronze", "merit")
PUBLISHED = {State.NOTICE, State.FINAL, State.ARCHIVED}


@dataclass
class Row:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AWARDS, 0))
    link: str = ""

    @property
    def cells(self) -> list[int]:
        return [self.counts[a] for a in AWARDS]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MedalTable:
    events: list[Row]
    cities: list[Row]
    total: Row


def medal_table(competition: Competition) -> MedalTable | None:
    """None before the results are published."""
    if competition.state not in PUBLISHED:
        return None
    awarded = Result.objects.filter(event__competition=competition).exclude(award="").order_by()
    events: dict[int, Row] = {}
    total = Row("")
    for event_id, name, award, n in (
        awarded.values_list("event_id", "event__name", "award").annotate(n=Count("id")).order_by("event__name")
    ):
        row = events.setdefault(event_id, Row(name))
        if award in AWARDS:
            row.counts[award] += n
            total.counts[award] += n
    cities: dict[str, Row] = {}
    for city, award, n in (
        awarded.annotate(city=Substr("entry__region_code", 1, 4)).values_list("city", "award").annotate(n=Count("id"))
    ):
        if award in AWARDS:
            cities.setdefault(city, Row(city)).counts[award] += n
    names = dict(Region.objects.filter(code__in=[f"{c}00" for c in cities]).values_list("code", "name"))
    for city, row in cities.items():
        row.label = names.get(f"{city}00", f"{city}00")
    ranked = sorted(cities.values(), key=lambda r: ([-c for c in r.cells], r.label))
    return MedalTable(list(events.values()), ranked, total)
