"""What ``seed_demo`` spends, app by app: wall time, CPU time and SQL statements of each app's
``demo.seed(ctx)``, on an empty migrated database.

    DATABASE_URL=sqlite:///$PWD/var/t/seed.sqlite3 .venv/bin/python bench/seed_demo_apps.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_demo14 .venv/bin/python bench/seed_demo_apps.py \
        --profile var/t/seed.prof

The database must be migrated and empty (as for ``seed_demo``). ``--profile FILE`` also writes a
cProfile of the whole seed (read it with ``python -m pstats FILE``) and prints its 25 largest
cumulative costs; the profiler roughly doubles the CPU time, so time a run without it.
``--by-call N`` also prints the N calls out of the demo modules (the function a ``demo.py`` called, the
first frame below the last demo frame on the stack) that sent the most statements, each with its
commonest statements' first words.
"""

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def demo_caller() -> str:
    """The function a demo module called that led to the statement being sent (see ``--by-call``)."""
    stack = traceback.extract_stack()
    last = max((i for i, f in enumerate(stack) if f.filename.endswith("demo.py")), default=None)
    ours = [f for f in stack[last + 1 :] if "/gongjiang/" in f.filename] if last is not None else []
    if not ours:
        return "-"
    demo, callee = stack[last], ours[0]
    app = Path(demo.filename).parent.name
    watching = " [stats watchers]" if any(f.filename.endswith("stats/changes.py") for f in stack) else ""
    where = f"{Path(callee.filename).parent.name}/{Path(callee.filename).stem}.{callee.name}"
    return f"{app}.{demo.name} -> {where}{watching}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=3000)
    parser.add_argument("--profile", help="write a cProfile of the whole seed to this file")
    parser.add_argument("--by-call", type=int, default=0, metavar="N", help="the N costliest calls out of demo.py")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    from django.db import connection

    from gongjiang.core.seeding import DemoContext, seed_apps

    counts: Counter[str] = Counter()
    current = ["-"]

    by_call: Counter[str] = Counter()
    shapes: dict[str, Counter[str]] = {}

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        counts[current[0]] += 1
        if args.by_call:
            key = demo_caller()
            by_call[key] += 1
            shapes.setdefault(key, Counter())[" ".join(sql.split()[:4])[:60]] += 1
        return execute(sql, params, many, context)

    options = {"workers": args.workers, "employers_per_city": 10, "seed": args.seed, "if_empty": False}
    ctx = DemoContext(rng=random.Random(args.seed), options=options, log=lambda line: None)
    profiler = cProfile.Profile() if args.profile else None
    rows = []

    @contextmanager
    def timed(app: str) -> Iterator[None]:
        current[0] = app
        wall, cpu = time.monotonic(), time.process_time()
        yield
        rows.append((app, time.monotonic() - wall, time.process_time() - cpu, counts[app]))
        current[0] = "-"

    started, cpu_started = time.monotonic(), time.process_time()
    with connection.execute_wrapper(count), profiler or nullcontext():
        seed_apps(ctx, each=timed)  # as seed_demo runs them
    print(f"{'app':<14}{'wall s':>9}{'CPU s':>9}{'statements':>12}")
    for app, wall, cpu, statements in rows:
        print(f"{app:<14}{wall:9.1f}{cpu:9.1f}{statements:12,}")
    if counts["-"]:
        print(f"{'(around)':<14}{'':>9}{'':>9}{counts['-']:12,}")
    total = sum(counts.values())
    print(f"{'total':<14}{time.monotonic() - started:9.1f}{time.process_time() - cpu_started:9.1f}{total:12,}")
    for key, n in by_call.most_common(args.by_call):
        top = ", ".join(f"{shape} x{k}" for shape, k in shapes[key].most_common(4))
        print(f"{n:8,}  {key}\n          {top}")
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
