"""The ledger's year totals read from the rollup (awards 0011, ``ReachLineTotal``) against the queries
they replace, side by side in one process, on a copy with or without the migration (the shared copies
take no new table): inside one transaction that is always rolled back, the rollup table as the
migration makes it and its fill (timed), then for each official of the ledger pages (``sheng``,
``haerbin``, ``bench_county``, ``jixie``), alternately ``--runs`` times, the totals as the code before
the rollup read them (by the city, union by union, or summed over the year's lines) and as
``queries.reach_year_totals`` reads them, each timed; the county's capped count both ways; then
``EXPLAIN (ANALYZE, BUFFERS)`` of every statement once. ``--writes`` also makes the triggers (which
lock the ledger and the closure table against writers until the rollback: a second or so) and
explains a line's state changed and a line inserted, the triggers' own time included.

    .venv/bin/python bench/line_totals_read.py postgres://postgres@127.0.0.1:5432/province --runs 30 --writes

Nothing is committed: the table, its rows, the county official (``bench/pages.py``'s) and the writes
are rolled back with the transaction.
"""

import argparse
import importlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import COUNTY_ADMIN, ensure_county_admin, setup  # bench/pages.py, beside this script

USERS = ("sheng", "haerbin", COUNTY_ADMIN, "jixie")
MIGRATION = "gongjiang.awards.migrations.0011_reach_line_total"


class Rollback(Exception):
    pass


def make_rollup(with_triggers: bool) -> float:
    """The table as awards 0011 makes it (if missing), filled; the seconds the fill took."""
    from django.db import connection

    from gongjiang.awards.models import ReachLineTotal

    migration = importlib.import_module(MIGRATION)
    if ReachLineTotal._meta.db_table in connection.introspection.table_names():
        return 0.0
    with connection.schema_editor(atomic=False) as editor:
        editor.create_model(ReachLineTotal)
        if with_triggers:
            for sql in migration.POSTGRESQL:
                editor.execute(sql, params=None)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(migration.FILL)
        cur.execute(f"ANALYZE {ReachLineTotal._meta.db_table}")
    return time.perf_counter() - started


def before(scope: Any, year: int) -> dict[str, Any]:
    """The plain ledger's totals as the code before the rollup read them (awards/views.py at bf29eec)."""
    from django.db.models import Sum

    from gongjiang.awards.queries import CityNewestLines, ReachNewestLines, ledger_rows, lines_for

    qs = lines_for(scope).select_related("union").order_by("-id")
    rows = ledger_rows(scope, qs.select_related(None).select_related("programme", "union"), plain=True)
    totals = rows.year_totals(year) if isinstance(rows, (CityNewestLines, ReachNewestLines)) else None
    if totals is None:
        summed = qs.filter(year=year).order_by().values("state").annotate(total=Sum("amount"))
        totals = {row["state"]: row["total"] for row in summed}
    return totals


def explain(sql: str, params: Any) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        plan = cur.fetchone()[0][0]
    top = plan["Plan"]
    return {
        "ms": round(plan["Execution Time"], 3),
        "node": top["Node Type"],
        "buffers": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
        "triggers": [(t["Trigger Name"], round(t["Time"], 3), t["Calls"]) for t in plan.get("Triggers", [])],
        "sql": sql[:160],
    }


def captured(work: Any) -> list[tuple[str, Any]]:
    from django.db import connection

    statements: list[tuple[str, Any]] = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        work()
    return [(sql, params) for sql, params in statements if "awards_" in sql]


def timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def official(username: str, year: int, runs: int) -> dict[str, Any]:
    """One official's totals (and a county's count) both ways: the same figures, times, plans."""
    from gongjiang.awards.queries import ReachNewestLines, ledger_rows, lines_for, reach_year_totals
    from gongjiang.core.models import User
    from gongjiang.orgs.scope import Scope

    scope = Scope(User.objects.get(username=username))
    old, new = before(scope, year), reach_year_totals(scope, year)
    if new is not None and new != old:
        raise SystemExit(f"{username}: {old} before, {new} from the rollup")
    times: dict[str, list[float]] = {"before": [], "rollup": []}
    for _ in range(runs):
        times["before"].append(timed(lambda: before(scope, year)))
        times["rollup"].append(timed(lambda: reach_year_totals(scope, year)))
    entry: dict[str, Any] = {
        "same_figures": new == old,
        "ms_median": {k: round(statistics.median(v), 2) for k, v in times.items()},
        "plans": {
            "before": [explain(*q) for q in captured(lambda: before(scope, year))],
            "rollup": [explain(*q) for q in captured(lambda: reach_year_totals(scope, year))],
        },
    }
    qs = lines_for(scope).order_by("-id")
    rows = ledger_rows(scope, qs, plain=True)
    if isinstance(rows, ReachNewestLines) and not rows.programmes:
        reach = ReachNewestLines(qs, set(rows.roots), [])

        def count_before() -> int:  # cap + 1 lines, union by union, as before the rollup
            return min(len(set(reach._reach_ids(1001, newest=False))), 1001)

        if count_before() != rows.capped_count(1000):
            raise SystemExit(f"{username}: the counts differ")
        counts: dict[str, list[float]] = {"before": [], "rollup": []}
        for _ in range(runs):
            counts["before"].append(timed(count_before))
            counts["rollup"].append(timed(lambda: rows.capped_count(1000)))
        entry["count_ms_median"] = {k: round(statistics.median(v), 2) for k, v in counts.items()}
    return entry


def writes() -> dict[str, Any]:
    """A line's state changed and a line inserted, each twice (a trigger function's first call also
    plans its statement), explained with the triggers' own time."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM awards_ledgerline WHERE state = 'proposed' ORDER BY id DESC LIMIT 1")
        line = cur.fetchone()[0]
    insert = (
        "INSERT INTO awards_ledgerline (programme_id, year, union_id, city_id, worker_id, payee, "
        "amount, state, rule_id, reason, source, proposed_by_id, proposed_at, payment_ref, "
        "reject_reason) SELECT programme_id, year, union_id, city_id, worker_id, payee, amount, "
        "'proposed', rule_id, reason, '', proposed_by_id, now(), '', '' "
        "FROM awards_ledgerline WHERE id = %s"
    )
    flip = "UPDATE awards_ledgerline SET state = %s WHERE id = %s"
    return {
        "state changed": explain(flip, ["rejected", line]),
        "state changed back": explain(flip, ["proposed", line]),
        "line inserted": explain(insert, [line]),
        "line inserted again": explain(insert, [line]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--writes", action="store_true", help="make the triggers and explain two writes")
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection, transaction
    from django.utils import timezone

    report: dict[str, Any] = {}
    try:
        with transaction.atomic():
            ensure_county_admin()
            report["fill_s"] = round(make_rollup(args.writes), 2)
            with connection.cursor() as cur:
                cur.execute("SELECT count(*), count(DISTINCT union_id) FROM awards_ledgerline")
                report["lines"], report["unions_with_lines"] = cur.fetchone()
                cur.execute("SELECT count(*) FROM awards_reachlinetotal")
                report["rollup_rows"] = cur.fetchone()[0]
            year = timezone.localdate().year
            for username in USERS:
                report[username] = official(username, year, args.runs)
            if args.writes:
                report["writes"] = writes()
            raise Rollback
    except Rollback:
        pass
    print(json.dumps(report, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
