"""Statistics benchmark: the cockpit's server time, a one-day fill and a full backfill.

    .venv/bin/python bench/stats_cockpit.py [--workers 3000] [--entries 30000] [--requests 30]
                                             [--database-url URL] [--json]
    .venv/bin/python bench/stats_cockpit.py --existing --database-url URL [--no-nightly]

Builds a fresh database (SQLite under var/bench/, or drops and recreates the PostgreSQL
database in --database-url) with the demo province, then writes synthetic history over five
years straight into the tables (bulk inserts, not the services): ``--workers`` workers spread
over the demo's enterprises, finished competitions organised by cities, counties and
enterprises, ``--entries`` participations. Then it measures:

- the full backfill (``update_stats --full``): wall time and the process's peak RSS;
- a one-day fill: a day's worth of new participations, then ``update_stats --recent`` (sums
  rewritten from last month, people counted once from the year start) and the nightly
  ``update_stats`` (the current and the previous year);
- the cockpit: ``--requests`` GETs each of the province's cockpit, its JSON and the drill-down
  (a city's, a county's and an enterprise union's cockpit), server time through Django's test client
  (no network), p50 and p95.

``--existing`` measures the database in ``--database-url`` as it is, migrated (e.g. a copy of the
province ``bench/province.py`` generates): nothing is generated or dropped; the day's participations
are added to it. ``--no-nightly`` skips the nightly run (two years rewritten) after the day's fill.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from fresh import fresh_database  # bench/fresh.py, beside this script
from signin import signed_in  # bench/signin.py, beside this script


class PeakRss:
    """Samples this process's resident memory every 20 ms while in use."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.02)

    def __enter__(self) -> "PeakRss":
        self.peak = self.rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3000)
    parser.add_argument("--entries", type=int, default=30000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--existing", action="store_true", help="measure the database as it is (no generation)")
    parser.add_argument("--no-nightly", action="store_true", help="skip the --recent rewrite after the day's fill")
    parser.add_argument("--no-backfill", action="store_true", help="with --existing: the rollups are filled already")
    parser.add_argument("--cockpit-only", action="store_true", help="with --existing: time only the cockpit")
    parser.add_argument(
        "--day-entries",
        type=int,
        default=0,
        help="the day's competition's entrants (default: 1/1800 of the entries; 10500 is a province-scale day)",
    )
    parser.add_argument(
        "--links-only", action="store_true", help="with --existing: time only the list pages the figures link to"
    )
    args = parser.parse_args()

    rng = random.Random(14)
    started = time.perf_counter()
    if args.existing:
        if not args.database_url:
            raise SystemExit("--existing needs --database-url")
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
        import django

        django.setup()
        made = existing()
        if args.links_only:
            print(json.dumps(measure_links(args.requests), ensure_ascii=False))
            return
    else:
        fresh_database(args.database_url, "stats.sqlite3")
        made = generate(rng, args.workers, args.entries)
    from django.db import connection

    setup = time.perf_counter() - started
    result: dict[str, object] = {
        "database": f"{connection.vendor} ({connection.settings_dict['NAME']})",
        "setup_s": round(setup, 1),
        **made,
    }
    if not args.cockpit_only:
        result.update(
            measure_fills(rng, nightly=not args.no_nightly, backfill=not args.no_backfill, day=args.day_entries)
        )
        print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)  # before the cockpit's timings
    result.update(measure_cockpit(args.requests))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:<28} {value}")


def existing() -> dict[str, int]:
    from gongjiang.competitions.models import Competition, Entry
    from gongjiang.people.models import Worker

    return {
        "workers": Worker.objects.count(),
        "competitions": Competition.objects.count(),
        "entries": Entry.objects.count(),
    }


def generate(rng: random.Random, n_workers: int, n_entries: int) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from gongjiang.competitions.models import Competition, Event
    from gongjiang.orgs.enums import UnionKind
    from gongjiang.orgs.models import Employer, Union
    from gongjiang.people.models import Occupation, Worker

    admin = get_user_model().objects.get(username="sheng")
    employers = list(Employer.objects.select_related("union"))
    occupations = list(Occupation.objects.all()[:12])
    from gongjiang.orgs.queries import cities_of

    cities = cities_of({e.union_id for e in employers})
    with transaction.atomic():
        Worker.objects.bulk_create(
            [
                Worker(
                    name=f"职工{n}",
                    id_number_enc="-",
                    id_number_hash=f"bench-{n}",
                    id_number_masked="230102********0000",
                    id_last4="0000",
                    sex="M",
                    birth_date=dt.date(1980, 1, 1),
                    employer=(e := employers[n % len(employers)]),
                    union=e.union,
                    city_id=cities[e.union_id],
                    region_code=e.region_id,
                    top_grade=rng.choice([None, 2, 3, 4, 5]),
                )
                for n in range(n_workers)
            ],
            batch_size=5000,
        )
    workers = list(Worker.objects.values_list("pk", "employer_id", "union_id", "region_code"))
    by_prefix: dict[str, list[tuple[int, int, int, str]]] = {}
    for w in workers:
        by_prefix.setdefault(w[3][:4], []).append(w)
    organisers = list(Union.objects.filter(kind__in=[UnionKind.CITY, UnionKind.COUNTY, UnionKind.GRASSROOTS]))
    today = timezone.localdate()
    per_event = 60
    n_competitions = max(1, n_entries // per_event)
    entries = 0
    with transaction.atomic():
        for c in range(n_competitions):
            organiser = rng.choice(organisers)
            pool = by_prefix.get(organiser.region_id[:4]) or workers
            starts = today - dt.timedelta(days=rng.randint(1, 5 * 365))
            comp = Competition.objects.create(
                name=f"竞赛{c}",
                tier="city",
                kind="skills",
                organiser=organiser,
                registration_closes_on=starts,
                starts_on=starts,
                ends_on=starts,
                state="final",
                finalised_on=starts,
                region_code=organiser.region_id,
            )
            event = Event.objects.create(competition=comp, name="赛项", occupation=rng.choice(occupations))
            chosen = rng.sample(pool, min(len(pool), per_event))
            enter(event, chosen, admin.pk)
            entries += len(chosen)
    return {"workers": len(workers), "competitions": n_competitions, "entries": entries}


def enter(event: object, workers: Iterable[tuple[int, int, int, str]], registered_by_id: int) -> None:
    """Entries for ``(worker, employer, union, region)`` rows, written in batches."""
    from gongjiang.competitions.models import Entry

    Entry.objects.bulk_create(
        [
            Entry(
                event=event,
                worker_id=worker,
                employer_id=employer,
                union_id=union,
                region_code=region,
                registered_by_id=registered_by_id,
            )
            for worker, employer, union, region in workers
        ],
        batch_size=5000,
    )


def measure_fills(
    rng: random.Random, *, nightly: bool = True, backfill: bool = True, day: int = 0
) -> dict[str, object]:
    """The full backfill, then one day: a competition with a day's share of the entries (1/1800 of
    five years) is finalised, a payment reversed, a worker moved; then the periodic fill (the
    default ``update_stats``: the dirty anchors only) and, with ``nightly``, ``--recent`` for comparison."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from gongjiang.awards.models import LedgerLine
    from gongjiang.competitions.models import Competition, Entry, Event
    from gongjiang.orgs.models import Union
    from gongjiang.people.models import Occupation, Worker
    from gongjiang.stats import fill
    from gongjiang.stats.models import Count, Dirty, Pending

    out: dict[str, object] = {}
    fill.progress = lambda code, s: print(f"{time.strftime('%H:%M:%S')} {code} {s:.2f}s", file=sys.stderr, flush=True)
    if backfill:
        with PeakRss() as memory:
            started = time.perf_counter()
            fill.update_stats(since=fill.EPOCH)
            out["backfill_s"] = round(time.perf_counter() - started, 2)
        out["backfill_peak_rss_mb"] = round(memory.peak / 2**20)
    out["rollup_rows"] = Count.objects.count()
    today = timezone.localdate()
    admin_id = Entry.objects.values_list("registered_by_id", flat=True).first()
    organiser = Union.objects.filter(kind="city").first()
    comp = Competition.objects.create(
        name="今日竞赛",
        tier="city",
        kind="skills",
        organiser=organiser,
        registration_closes_on=today,
        starts_on=today,
        ends_on=today,
        state="notice",
        region_code=organiser.region_id,
    )
    event = Event.objects.create(competition=comp, name="赛项", occupation=Occupation.objects.first())
    day = day or max(1, Entry.objects.count() // 1800)
    enter(
        event,
        # people not yet counted this month (a later run takes the next ones): every entrant changes figures
        Worker.objects.exclude(  # NOT EXISTS, an anti-join (NOT IN over a month of entries ran for minutes)
            Exists(
                Entry.objects.filter(worker_id=OuterRef("pk"), event__competition__starts_on__gte=today.replace(day=1))
            )
        )
        .order_by("-pk")
        .values_list("pk", "employer_id", "union_id", "region_code")[:day],
        admin_id,
    )
    started = time.perf_counter()
    comp.state, comp.finalised_on = "final", today  # the results become final: the entries count
    comp.save()
    line = LedgerLine.objects.filter(state="paid", amount__gt=0, worker__isnull=False, reversal__isnull=True).first()
    if line is not None:  # a payment reversed
        LedgerLine.objects.create(
            programme=line.programme,
            year=line.year,
            union=line.union,
            worker=line.worker,
            payee=line.payee,
            amount=-line.amount,
            reason="冲销",
            proposed_by=line.proposed_by,
            approved_by=line.approved_by,
            paid_by=line.paid_by,
            state="paid",
            paid_at=timezone.now(),
            reverses=line,
            source=f"bench-rev:{line.pk}",
        )
    mover = Worker.objects.exclude(union_id=organiser.pk).order_by("pk").first()
    other = Worker.objects.exclude(employer_id=mover.employer_id).order_by("-pk").first()
    mover.employer_id, mover.union_id = other.employer_id, other.union_id  # a worker moves enterprise
    mover.save()
    out["one_day_writes_marking_s"] = round(time.perf_counter() - started, 2)
    out["one_day_entries"] = day
    out["one_day_dirty_anchors"] = Dirty.objects.count()
    out["one_day_pending_rows"] = Pending.objects.count()
    started = time.perf_counter()
    fill.update_stats()  # the periodic fill: the dirty anchors only
    out["one_day_fill_s"] = round(time.perf_counter() - started, 2)
    if nightly:
        started = time.perf_counter()
        fill.update_stats(since=fill.recent_since(today))  # a rewrite from last month, for comparison
        out["recent_rewrite_s"] = round(time.perf_counter() - started, 2)
    return out


def _timed(client, url: str, n: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    client.get(url)  # warm
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    times.sort()
    count = response.context["page"].paginator.count if response.context and "page" in response.context else -1
    return round(statistics.median(times), 1), round(times[max(0, int(len(times) * 0.95) - 1)], 1), count


def measure_links(n: int) -> dict[str, object]:
    """The list pages the figures link to (narrowed by ``orgs.figures.narrow``), read from the raw
    tables: p50 / p95 server time and the rows the pager counted, for Harbin and one of its enterprises."""
    from django.test.utils import override_settings
    from django.utils import timezone

    from gongjiang.orgs.models import Union
    from gongjiang.stats import registry

    client = signed_in("sheng")
    city = Union.objects.get(kind="city", region_id="230100")
    county = Union.objects.filter(parent=city, kind="county").order_by("pk").first()
    enterprise = Union.objects.filter(parent=county, kind="grassroots").order_by("pk").first()
    year = timezone.localdate().year - 1
    out: dict[str, object] = {"year": year}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for union in (city, enterprise):
            for indicator in registry.indicators():
                url = indicator.list_url(union.pk, year)
                if url is None:
                    continue
                p50, p95, count = _timed(client, url, n)
                out[f"{indicator.code}@{union.kind}"] = {"p50_ms": p50, "p95_ms": p95, "rows": count}
    return out


def measure_cockpit(n: int) -> dict[str, object]:
    from django.test.utils import override_settings

    from gongjiang.orgs.models import Union

    client = signed_in("sheng")
    province = Union.objects.get(parent__isnull=True)
    # the drill-down of the browser test: Harbin, one of its counties, one of that county's enterprises
    city = Union.objects.filter(kind="city", region_id="230100").first() or Union.objects.filter(kind="city").first()
    county = Union.objects.filter(parent=city, kind="county").order_by("pk").first()
    enterprise = Union.objects.filter(parent=county, kind="grassroots").order_by("pk").first()
    out: dict[str, object] = {"drill_down": f"{city.name} > {county.name} > {enterprise.name}"}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for label, url in (
            ("cockpit_province", f"/stats/u/{province.pk}/"),
            ("cockpit_json", f"/stats/u/{province.pk}/data.json"),
            ("cockpit_city", f"/stats/u/{city.pk}/"),
            ("city_json", f"/stats/u/{city.pk}/data.json"),
            ("people_city", f"/stats/u/{city.pk}/people/participants/?year={time.localtime().tm_year}"),
            ("cockpit_county", f"/stats/u/{county.pk}/"),
            ("cockpit_enterprise", f"/stats/u/{enterprise.pk}/"),
        ):
            client.get(url)  # warm
            times = []
            for _ in range(n):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
            times.sort()
            out[f"{label}_p50_ms"] = round(statistics.median(times), 1)
            out[f"{label}_p95_ms"] = round(times[max(0, int(len(times) * 0.95) - 1)], 1)
    return out


if __name__ == "__main__":
    main()
