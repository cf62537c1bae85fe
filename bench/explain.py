"""EXPLAIN every query of every list page and search in bench/pages.py; fail on a sequential scan
of a table holding more than 100,000 rows.

    .venv/bin/python bench/explain.py --database-url postgres://postgres@127.0.0.1:5432/province

Each page is requested once through Django's test client as in bench/pages.py; every SELECT it
runs is captured with its parameters and explained (``EXPLAIN (FORMAT JSON)``, the plan only, not
run). A ``Seq Scan`` node on a table whose ``pg_class.reltuples`` exceeds the limit is reported with
the page and the query; the exit status is 1 if there is any. A parallel plan (``Gather``) is
reported too, not failed: its worker processes cost milliseconds to start on every execution. The
pages are requested as the web server runs them, without parallel query (``DATABASE_PARALLEL_QUERY=0``,
set by ``pages.setup``); run with ``DATABASE_PARALLEL_QUERY=1`` to see the plans the server's own
setting gives. Pages marked "rollup" in the output
(the home page's counts and the participant-times figures) are the statistics work's (issue 14).
"""

import argparse
import json
import sys
from pathlib import Path

from signin import signed_in  # bench/signin.py, beside this script

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import COUNTY_ADMIN, ensure_county_admin, selected, setup, terms

LIMIT = 100_000


def walk(plan: dict):  # type: ignore[no-untyped-def]
    yield plan
    for child in plan.get("Plans", ()):
        yield from walk(child)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/province")
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument("--only", help="comma-separated words: explain only the pages whose label holds one")
    args = parser.parse_args()
    setup(args.database_url)
    pages = selected(args.only)
    if any(page[1] == COUNTY_ADMIN for page in pages):  # as pages.py: written only when a county page is asked
        ensure_county_admin()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [args.limit])
        big = dict(cur.fetchall())
    found = terms()
    clients = {}
    for username in sorted({page[1] for page in pages}):
        clients[username] = signed_in(username)
    failures = parallels = 0
    for label, username, path, _sql in pages:
        target = path.format(**found)
        captured: list[tuple[str, object]] = []

        def capture(execute, sql, params, many, context, captured=captured):  # noqa: PLR0917
            if sql.lstrip().upper().startswith(("SELECT", "WITH")) and not many:  # a WITH reads too
                captured.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            clients[username].get(target)
        scans, parallel = [], []
        for sql, params in captured:
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
                plan = cur.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            for node in walk(plan[0]["Plan"]):
                if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in big:
                    rows = int(big[node["Relation Name"]])
                    scans.append(f"    Seq Scan on {node['Relation Name']} ({rows:,} rows) in: {sql[:160]}")
                if node["Node Type"] in ("Gather", "Gather Merge"):  # a plan that starts worker processes
                    parallel.append(f"    parallel plan ({node['Node Type']}) in: {sql[:160]}")
        status = "ok" if not scans else "SEQ SCAN"
        print(f"{status:8} {label} ({target}, {len(captured)} selects)")
        for line in scans + parallel:
            print(line)
        failures += bool(scans)
        parallels += bool(parallel)
    print(f"{failures} of {len(pages)} pages scan a table of more than {args.limit:,} rows")
    print(f"{parallels} of {len(pages)} pages plan a query in parallel (worker processes started per query)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
