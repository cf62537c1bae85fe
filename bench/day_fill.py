"""One day at province scale, rolled back: the writes of ``stats_cockpit.measure_fills`` (a competition
of ``--entries`` entrants made final, a payment reversed, a worker moved), then the periodic
``update_stats`` with every statement it sends timed; then everything is rolled back, so each run
meets the same database (``stats_cockpit.py --existing`` leaves its day's competition behind).

    .venv/bin/python bench/day_fill.py --database-url postgres://postgres@127.0.0.1:5432/province \
        [--entries 10500] [--runs 3] [--min-ms 50] [--explain REGEX]

Per run it prints the marking (the writer's side, inside the writes' transaction), the fill, the
dirty anchors and snapshot rows, and each statement of the fill slower than ``--min-ms``;
``--explain`` runs ``EXPLAIN (ANALYZE, BUFFERS)`` of the statements matching the expression first
(their SELECT, for a ``CREATE TABLE ... AS``). The rollups themselves must be filled (the province
after ``update_stats --full``).
"""

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--entries", type=int, default=10500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--min-ms", type=float, default=50)
    parser.add_argument("--explain", default="")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    import stats_cockpit
    from django.db import connection, transaction

    from gongjiang.stats import fill

    log: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if args.explain and re.search(args.explain, sql):
            body = sql.split(" ON COMMIT DROP AS ", 1)[-1]
            with context["connection"].connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + body, params)
                print("\n".join(row[0] for row in cursor.fetchall()), flush=True)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append(((time.perf_counter() - started) * 1000, sql))

    periodic = fill.update_stats
    fills: list[float] = []

    def update_stats(**kwargs):  # type: ignore[no-untyped-def]
        log.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            done = periodic(**kwargs)
        fills.append(time.perf_counter() - started)
        return done

    for run in range(args.runs):
        out: dict[str, object] = {}
        fill.update_stats = update_stats
        try:
            with transaction.atomic():
                out = stats_cockpit.measure_fills(random.Random(14), nightly=False, backfill=False, day=args.entries)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            fill.update_stats = periodic
        print(
            f"run {run + 1}: marking {out['one_day_writes_marking_s']} s, fill {fills[-1]:.2f} s, "
            f"dirty anchors {out['one_day_dirty_anchors']}, snapshot rows {out['one_day_pending_rows']}, "
            f"{len(log)} statements {sum(ms for ms, _ in log):.0f} ms",
            flush=True,
        )
        for ms, sql in log:
            if ms >= args.min_ms:
                print(f"  {ms:8.1f} ms  {' '.join(sql.split())[:150]}")


if __name__ == "__main__":
    main()
