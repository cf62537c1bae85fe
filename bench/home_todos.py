"""EXPLAIN (ANALYZE, BUFFERS) of the home page's to-do counts: the one combined SELECT of
``gongjiang.core.todolist.waiting_for``, sub-select by sub-select, as each user's home page runs it.

    nice -n 5 .venv/bin/python bench/home_todos.py --database-url postgres://…/province [--users sheng,haerbin]
        [--runs 5] [--plan]

Each user's home page is requested once through Django's test client (signed in as bench/pages.py
does, writing nothing); the combined SELECT is captured with its parameters and run ``--runs`` times
under ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`` (the first run is a warm-up). Printed: the median
execution time, then for each to-do its sub-select's time (of the median run), the rows it counted,
its shared buffers hit / read, and how many closure rows its plan reads into hashes (a ``Hash`` or a
hashed ``SubPlan`` over ``orgs_unionancestor``). ``--plan`` prints the text plan of the last run too.
"""

import argparse
import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import setup  # bench/pages.py: settings for a measured copy
from signin import signed_in  # bench/signin.py


def walk(plan: dict) -> Any:
    yield plan
    for child in plan.get("Plans", ()):
        yield from walk(child)


def closure_hashed(plan: dict) -> int:
    """How many closure rows the sub-select reads into hashes: under a Hash node, or in a hashed SubPlan
    (``Filter: (hashed SubPlan 2)``); 0 when it probes the closure row by row or not at all."""
    nodes = list(walk(plan))
    conditions = " ".join(str(n.get(k, "")) for n in nodes for k in ("Filter", "Join Filter", "Index Cond"))
    hashed = {f"SubPlan {n}" for n in re.findall(r"hashed SubPlan (\d+)", conditions)}
    rows = 0
    for node in nodes:
        if node.get("Node Type") == "Hash" or node.get("Subplan Name") in hashed:
            rows += sum(
                int(n.get("Actual Rows", 0) * n.get("Actual Loops", 1))
                for n in walk(node)
                if n.get("Relation Name") == "orgs_unionancestor"
            )
    return rows


def capture(username: str) -> tuple[str, Any, list[str]]:
    """The combined to-do SELECT of ``username``'s home page, its parameters, and the to-do key of
    each of its columns, in order."""
    from django.db import connection

    from gongjiang.core import todolist

    keys: list[str] = []
    count_sql = todolist._count_sql

    def keyed(qs):  # type: ignore[no-untyped-def]
        key = sys._getframe(1).f_locals["todo"].key  # waiting_for's loop variable
        out = count_sql(qs)  # raises EmptyResultSet for .none(): no column
        keys.append(key)
        return out

    found: list[tuple[str, Any]] = []

    def grab(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.startswith("SELECT (SELECT COUNT(*)"):
            found.append((sql, params))
        return execute(sql, params, many, context)

    soonest_sql = getattr(todolist, "_soonest_sql", None)  # a to-do's earliest day, beside its count

    def keyed_day(qs, field):  # type: ignore[no-untyped-def]
        key = sys._getframe(1).f_locals["todo"].key
        out = soonest_sql(qs, field)
        keys.append(f"{key} (earliest {field})")
        return out

    client = signed_in(username)
    client.get("/")
    todolist._count_sql = keyed
    if soonest_sql is not None:
        todolist._soonest_sql = keyed_day
    try:
        with connection.execute_wrapper(grab):
            response = client.get("/")
    finally:
        todolist._count_sql = count_sql
        if soonest_sql is not None:
            todolist._soonest_sql = soonest_sql
    if response.status_code != 200:
        raise SystemExit(f"{username}: the home page answered {response.status_code}")
    if not found:
        raise SystemExit(f"{username}: no combined to-do SELECT")
    sql, params = found[-1]
    return sql, params, keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/province")
    parser.add_argument("--users", default="sheng,haerbin")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plan", action="store_true", help="print the text plan of the last run")
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection

    for username in args.users.split(","):
        sql, params, keys = capture(username)
        runs = []
        with connection.cursor() as cur:
            for _ in range(args.runs + 1):
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
                value = cur.fetchone()[0]
                runs.append((json.loads(value) if isinstance(value, str) else value)[0])
            text = ""
            if args.plan:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                text = "\n".join(row[0] for row in cur.fetchall())
        runs = runs[1:]
        times = [r["Execution Time"] for r in runs]
        median = statistics.median(times)
        run = min(runs, key=lambda r: abs(r["Execution Time"] - median))
        init = [p for p in run["Plan"].get("Plans", ()) if p.get("Parent Relationship") == "InitPlan"]
        print(
            f"## {username}: {len(init)} sub-selects, execution {median:.1f} ms median of {len(times)} "
            f"(min {min(times):.1f}, max {max(times):.1f}), planning "
            f"{statistics.median(r['Planning Time'] for r in runs):.1f} ms median; "
            f"{sum(closure_hashed(p) for p in init):,} closure rows hashed"
        )
        print("| to-do | ms | rows counted | buffers hit / read | closure rows hashed |")
        print("|---|---:|---:|---:|---|")
        for key, plan in zip(keys, init, strict=False):
            counted = plan["Plans"][0] if plan.get("Plans") else plan
            hit = plan.get("Shared Hit Blocks", 0)
            read = plan.get("Shared Read Blocks", 0)
            print(
                f"| {key} | {plan['Actual Total Time']:.2f} | {counted.get('Actual Rows', '')} "
                f"| {hit} / {read} | {closure_hashed(plan):,} |"
            )
        if text:
            print()
            print(text)
        print()


if __name__ == "__main__":
    main()
