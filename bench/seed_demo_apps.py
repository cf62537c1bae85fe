"""What ``seed_demo`` spends, app by app: wall time, CPU time and SQL statements of each app's
``demo.seed(ctx)``, on an empty migrated database.

    DATABASE_URL=sqlite:///$PWD/var/t/seed.sqlite3 .venv/bin/python bench/seed_demo_apps.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_demo14 .venv/bin/python bench/seed_demo_apps.py \
        --profile var/t/seed.prof

The database must be migrated and empty (as for ``seed_demo``). ``--profile FILE`` also writes a
cProfile of the whole seed (read it with ``python -m pstats FILE``) and prints its 25 largest
cumulative costs; the profiler roughly doubles the CPU time, so time a run without it.
"""

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=3000)
    parser.add_argument("--profile", help="write a cProfile of the whole seed to this file")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from gongjiang.core.plugins import app_modules
    from gongjiang.core.seeding import DemoContext, in_bulk

    counts: Counter[str] = Counter()
    current = ["-"]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        counts[current[0]] += 1
        return execute(sql, params, many, context)

    options = {"workers": args.workers, "employers_per_city": 10, "seed": args.seed, "if_empty": False}
    ctx = DemoContext(rng=random.Random(args.seed), options=options, log=lambda line: None)
    profiler = cProfile.Profile() if args.profile else None
    rows = []
    started, cpu_started = time.monotonic(), time.process_time()
    with connection.execute_wrapper(count):
        for module in app_modules("demo"):
            app = module.__name__.split(".")[1]
            current[0] = app
            wall, cpu = time.monotonic(), time.process_time()
            if profiler:
                profiler.enable()
            bulk = in_bulk() if getattr(module, "IN_BULK", False) else nullcontext()
            with transaction.atomic(), bulk:  # as seed_demo runs each app
                module.seed(ctx)
            if profiler:
                profiler.disable()
            rows.append((app, time.monotonic() - wall, time.process_time() - cpu, counts[app]))
    print(f"{'app':<14}{'wall s':>9}{'CPU s':>9}{'statements':>12}")
    for app, wall, cpu, statements in rows:
        print(f"{app:<14}{wall:9.1f}{cpu:9.1f}{statements:12,}")
    total = sum(counts.values())
    print(f"{'total':<14}{time.monotonic() - started:9.1f}{time.process_time() - cpu_started:9.1f}{total:12,}")
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
