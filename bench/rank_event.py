"""Ranking benchmark: one event with N entries and a full set of marks, ranked from the database.

    .venv/bin/python bench/rank_event.py [--entries 10000] [--database-url URL]

Builds a fresh database (SQLite under var/bench/, or drops and recreates the PostgreSQL
database in --database-url), migrates, creates a provincial competition whose one event has
N entries and a scheme of 5 measurement and 5 judgement aspects, writes every mark (one per
measurement aspect, three judges per judgement aspect: N × 20 marks) through the bulk path,
moves the competition to marking, then times:

- ``scoring.rank`` alone on the N totals (the pure ranking), best of 5;
- ``marking.results(event)``: reading every mark, computing each aspect mark, practical and
  total scores, ranking and awards, best of 3.
"""

import argparse
import os
import random
import time
from decimal import Decimal

from fresh import fresh_database  # bench/fresh.py, beside this script


def main() -> None:  # noqa: PLR0915 (a linear script)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    fresh_database(args.database_url, "rank.sqlite3")
    from django.db import connection, transaction
    from django.utils import timezone

    from gongjiang.competitions import marking, scoring
    from gongjiang.competitions.enums import State
    from gongjiang.competitions.models import Aspect, Assignment, Competition, Criterion, Entry, Event, Judge, Mark
    from gongjiang.core import bulk
    from gongjiang.core.crypto import keyed_hash
    from gongjiang.core.fakeids import random_id_number
    from gongjiang.core.models import User
    from gongjiang.orgs.models import Employer, Union
    from gongjiang.people.models import Occupation, Worker
    from gongjiang.people.services import protected_id_fields

    rng = random.Random(11)
    admin = User.objects.get(username="sheng")
    province = Union.objects.get(kind="province")
    lathe = Occupation.objects.get(name="车工")
    employers = list(Employer.objects.all())
    from gongjiang.orgs.queries import cities_of

    cities = cities_of({e.union_id for e in employers})
    from gongjiang.people.importers import WORKER_COLUMNS

    # the importer's columns but the id and the top grade, which the rows below leave to the database
    row_columns = tuple(c for c in WORKER_COLUMNS if c not in ("id", "top_grade"))
    n = args.entries
    started = time.perf_counter()
    with transaction.atomic():
        competition = Competition.objects.create(
            name="基准测试竞赛",
            tier="provincial_1",
            organiser=province,
            registration_closes_on="2026-01-01",
            starts_on="2026-01-10",
            ends_on="2026-01-12",
            state=State.MARKING,
            region_code="230000",
        )
        event = Event.objects.create(competition=competition, name="车工", occupation=lathe)
        now = timezone.now()
        worker_rows = []
        for i in range(n):
            employer = rng.choice(employers)
            ident = protected_id_fields(random_id_number(rng, employer.region_id))
            worker_rows.append(
                (
                    "选手",
                    ident["id_number_enc"],
                    keyed_hash(f"bench-{i}"),  # generated IDs may repeat; hashes may not
                    ident["id_number_masked"],
                    ident["id_last4"],
                    ident["sex"],
                    ident["birth_date"],
                    "",
                    "",
                    employer.pk,
                    employer.union_id,
                    cities[employer.union_id],
                    employer.region_id,
                    "employed",
                    now,
                    now,
                )
            )
        bulk.insert_rows(Worker, row_columns, worker_rows)
        workers = list(Worker.objects.filter(name="选手").values_list("pk", "employer_id", "union_id", "region_code"))
        bulk.insert_rows(
            Entry,
            (
                "team",
                "withdrawn_reason",
                "event",
                "worker",
                "employer",
                "union",
                "region_code",
                "competitor_no",
                "state",
                "registered_by",
                "registered_at",
                "time_used",
                "theory_score",
            ),
            [
                (
                    "",
                    "",
                    event.pk,
                    w,
                    e,
                    u,
                    r,
                    f"{i + 1:05d}",
                    "registered",
                    admin.pk,
                    now,
                    rng.randint(1800, 7200),
                    Decimal(rng.randint(4000, 10000)) / 100,
                )
                for i, (w, e, u, r) in enumerate(workers)
            ],
        )
        criterion = Criterion.objects.create(event=event, code="A", name="实操")
        aspects = [
            Aspect.objects.create(
                criterion=criterion,
                code=f"A{k + 1}",
                description=f"评分项{k + 1}",
                kind="measurement" if k < 5 else "judgement",
                max_mark=Decimal(10),
                descriptors=[] if k < 5 else ["差", "中", "良", "优"],
            )
            for k in range(10)
        ]
        judges = [Judge.objects.create(pool=province, name=f"裁判{j}", region_code="230100") for j in range(3)]
        for j in judges:
            Assignment.objects.create(event=event, judge=j, assigned_by=admin)
        entry_ids = list(event.entries.values_list("pk", flat=True))
        mark_rows = []
        for entry_id in entry_ids:
            for a in aspects:
                if a.kind == "measurement":
                    mark_rows.append((a.pk, entry_id, judges[0].pk, Decimal(rng.randint(0, 1000)) / 100, now))
                else:
                    base = rng.randint(0, 2)
                    mark_rows.extend((a.pk, entry_id, j.pk, base + rng.randint(0, 1), now) for j in judges)
        for start in range(0, len(mark_rows), 20000):
            bulk.insert_rows(
                Mark, ("aspect", "entry", "judge", "value", "updated_at"), mark_rows[start : start + 20000]
            )
    setup = time.perf_counter() - started

    event = Event.objects.select_related("competition").get(pk=event.pk)
    if os.environ.get("PROFILE"):
        import cProfile

        cProfile.runctx("marking.results(event)", globals(), {"marking": marking, "event": event}, sort="tottime")
        return
    best_full = min(_timed(lambda: marking.results(event)) for _ in range(3))
    ranked = marking.results(event)
    scored = [scoring.Scored(r.ranked.entry_id, r.ranked.total, r.ranked.practical, r.ranked.time_used) for r in ranked]
    rng.shuffle(scored)
    best_rank = min(_timed(lambda: scoring.rank(scored)) for _ in range(5))
    print(f"database           {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"entries / marks    {len(ranked)} / {Mark.objects.filter(entry__event=event).count()}")
    print(f"setup              {setup:.1f} s")
    print(f"rank (pure)        {best_rank * 1000:.0f} ms (best of 5)")
    print(f"results from DB    {best_full * 1000:.0f} ms (best of 3: read marks, aspect marks, totals, rank, awards)")
    print(f"top three          {[(r.ranked.rank, str(scoring.q2(r.ranked.total))) for r in ranked[:3]]}")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
