"""Proposals benchmark: the rules run over a final event of N results.

    .venv/bin/python bench/propose_awards.py [--entries 10000] [--database-url URL]

Builds a fresh database (SQLite under var/bench/, or drops and recreates the PostgreSQL
database in --database-url), migrates, loads the demo province and DOMAIN.md's rules, then
for each of two competitions of N final results (one event each, every worker holding a
grade in the event's occupation) times ``awards.services.propose_for_competition``:

- a provincial class-one competition: rewards and titles for the top three (6 proposals);
- an enterprise competition: the top 30 % promoted to 中级工 or one grade up (0.3 × N proposals),
  with the one-promotion-a-year check against every worker's history.

Each is run once on a fresh competition (proposals are written once; a second run writes none).
"""

import argparse
import os
import random
import time
from decimal import Decimal

from fresh import fresh_database  # bench/fresh.py, beside this script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    fresh_database(args.database_url, "propose.sqlite3")
    from django.db import connection

    from gongjiang.awards.models import Decision
    from gongjiang.awards.services import propose_for_competition

    rng = random.Random(13)
    print(f"database           {connection.vendor} ({connection.settings_dict['NAME']})")
    for tier in ("provincial_1", "enterprise"):
        competition, setup = _final_competition(rng, tier, args.entries)
        if os.environ.get("PROFILE"):
            import cProfile

            cProfile.runctx("propose_for_competition(competition)", globals(), locals(), sort="tottime")
            return
        started = time.perf_counter()
        made = propose_for_competition(competition)
        took = time.perf_counter() - started
        again = propose_for_competition(competition)
        kinds = sorted(
            set(Decision.objects.filter(result__event__competition=competition).values_list("kind", flat=True))
        )
        print(
            f"{tier:<18} {args.entries} results (setup {setup:.1f} s): {made} proposals {kinds} in {took * 1000:.0f} ms; "
            f"a second run made {again}"
        )


def _final_competition(rng, tier, n):  # type: ignore[no-untyped-def]
    from django.db import transaction
    from django.utils import timezone

    from gongjiang.competitions.enums import State
    from gongjiang.competitions.models import Competition, Entry, Event, Result
    from gongjiang.core import bulk
    from gongjiang.core.crypto import keyed_hash
    from gongjiang.core.fakeids import random_id_number
    from gongjiang.core.models import User
    from gongjiang.orgs.models import Employer, Union
    from gongjiang.people.models import Occupation, SkillGrade, Worker
    from gongjiang.people.services import protected_id_fields

    started = time.perf_counter()
    admin = User.objects.get(username="sheng")
    province = Union.objects.get(kind="province")
    lathe = Occupation.objects.get(name="车工")
    employers = list(Employer.objects.all())
    from gongjiang.orgs.queries import cities_of

    cities = cities_of({e.union_id for e in employers})
    from gongjiang.people.importers import WORKER_COLUMNS

    # the importer's columns but the id and the top grade, which the rows below leave to the database
    row_columns = tuple(c for c in WORKER_COLUMNS if c not in ("id", "top_grade"))
    now = timezone.now()
    tag = f"{tier}-"
    with transaction.atomic():
        competition = Competition.objects.create(
            name=f"基准测试竞赛 {tier}",
            tier=tier,
            organiser=province,
            registration_closes_on="2026-01-01",
            starts_on="2026-01-10",
            ends_on="2026-01-12",
            state=State.FINAL,
            finalised_on=timezone.localdate(),
            region_code="230000",
        )
        event = Event.objects.create(competition=competition, name="车工", occupation=lathe)
        rows = []
        for i in range(n):
            employer = rng.choice(employers)
            ident = protected_id_fields(random_id_number(rng, employer.region_id))
            rows.append(
                (
                    f"选手{tier[:1]}{i}",
                    ident["id_number_enc"],
                    keyed_hash(tag + str(i)),
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
        bulk.insert_rows(Worker, row_columns, rows)
        workers = list(
            Worker.objects.filter(name__startswith=f"选手{tier[:1]}").values_list(
                "pk", "employer_id", "union_id", "region_code"
            )
        )
        SkillGrade.objects.bulk_create(
            SkillGrade(
                worker_id=w,
                occupation=lathe,
                grade=rng.choice((2, 3, 4, 5)),
                source="evaluation",
                certificate_no=f"B{tier[:1]}{w}",
                awarded_on="2020-01-01",
            )
            for w, *_ in workers
        )
        entries = Entry.objects.bulk_create(
            Entry(
                event=event,
                worker_id=w,
                employer_id=e,
                union_id=u,
                region_code=r,
                competitor_no=f"{i + 1:05d}",
                registered_by=admin,
            )
            for i, (w, e, u, r) in enumerate(workers)
        )
        Result.objects.bulk_create(
            Result(
                event=event,
                entry=entry,
                rank=i + 1,
                practical=Decimal(90) - Decimal(i) / 1000,
                total=Decimal(90) - Decimal(i) / 1000,
                published_at=now,
            )
            for i, entry in enumerate(entries)
        )
    return competition, time.perf_counter() - started


if __name__ == "__main__":
    main()
