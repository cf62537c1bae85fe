"""Server time of every list page, each kind of worker search and the home page, at two scales.

    .venv/bin/python bench/pages.py \
        --demo postgres://postgres@127.0.0.1:5432/scale_demo \
        --province postgres://postgres@127.0.0.1:5432/province [--requests 30] [--json]

Each database is measured in its own process: Django's test client, logged in as the demo's
province admin ``sheng`` (and the Harbin city admin ``haerbin`` where marked), two warm-up
requests of every page first (then more, until the process is as warm as a server's worker:
``core.gcfreeze``), then ``--requests`` timed requests per page (wall time of ``client.get``: the view, its
queries and the template; no network). The two processes take turns, ``--batch`` requests at a
time, so both scales meet the same machine. The table gives each page's rows (``<tr>`` in its
``<tbody>``) at both scales: a page of 4 rows against one of 50 is not the same work. Between
requests the hand-written SQL that returns the same rows runs on the same connection and is timed
too. ``settings.DEBUG`` is off while timing. The search
terms are picked from the data (the newest two-character name, a three-character name, a word
of an employer's name, the last four digits of an ID number, the employer with the most of the newest
5,000 workers), so both scales search alike.
"""

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from signin import signed_in  # bench/signin.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = """SELECT w.id, w.name, w.id_number_masked, e.name, w.top_grade, w.status
FROM people_worker w JOIN orgs_employer e ON e.id = w.employer_id
WHERE w.union_id IN (SELECT descendant_id FROM orgs_unionancestor WHERE ancestor_id = %(root)s) {extra}
ORDER BY {order} w.id DESC LIMIT 50"""

SLOW = 5.0  # seconds

# A county union's admin, made by :func:`ensure_county_admin` (the demo has none): the county
# union of Harbin's with the most unions below it.
COUNTY_ADMIN = "bench_county"

IN_SCOPE = "IN (SELECT descendant_id FROM orgs_unionancestor WHERE ancestor_id = %(root)s)"

# (label, user, url, hand-written SQL or None); {placeholders} are filled from the data.
PAGES = (
    (
        "home page",
        "sheng",
        "/",
        "SELECT indicator, value FROM stats_count WHERE union_id = %(root)s AND grain = 'Y' "
        "AND dimension = '' AND indicator IN ('unions', 'employers', 'workers') ORDER BY period DESC LIMIT 3",
    ),
    (
        "home page, city admin",
        "haerbin",
        "/",
        "SELECT indicator, value FROM stats_count WHERE union_id = %(root)s "
        "AND grain = 'Y' AND dimension = '' AND indicator IN ('unions', 'employers', 'workers') ORDER BY period DESC LIMIT 3",
    ),
    ("worker list", "sheng", "/people/workers/", ROWS.format(extra="", order="")),
    ("worker list, city admin", "haerbin", "/people/workers/", ROWS.format(extra="", order="")),
    (
        "worker list, city admin, page 5",
        "haerbin",
        "/people/workers/?page=5",
        ROWS.format(extra="", order="") + " OFFSET 200",
    ),
    ("worker list, county admin", COUNTY_ADMIN, "/people/workers/", ROWS.format(extra="", order="")),
    ("worker list, industrial-union admin", "jixie", "/people/workers/", ROWS.format(extra="", order="")),
    (
        "worker list, city admin, retired",
        "haerbin",
        "/people/workers/?status=retired",
        ROWS.format(extra="AND w.status = 'retired'", order=""),
    ),
    (
        "worker list, one employer",
        "sheng",
        "/people/workers/?employer={employer_id}",
        ROWS.format(extra="AND w.employer_id = %(employer_id)s", order=""),
    ),
    (
        "search: surname (1 character)",
        "sheng",
        "/people/workers/?q={name1}",
        ROWS.format(extra="AND w.name LIKE %(name1_prefix)s", order="w.name <> %(name1)s,"),
    ),
    (
        "search: surname, city admin",
        "haerbin",
        "/people/workers/?q={name1}",
        ROWS.format(extra="AND LEFT(w.name, 1) = %(name1)s", order=""),
    ),
    (
        "search: surname, county admin",
        COUNTY_ADMIN,
        "/people/workers/?q={name1}",
        ROWS.format(extra="AND LEFT(w.name, 1) = %(name1)s", order=""),
    ),
    (
        "search: 2-character name",
        "sheng",
        "/people/workers/?q={name2}",
        ROWS.format(extra="AND w.name LIKE %(name2_prefix)s", order="w.name <> %(name2)s,"),
    ),
    (
        "search: 3-character name",
        "sheng",
        "/people/workers/?q={name3}",
        ROWS.format(extra="AND w.name LIKE %(name3_any)s", order="w.name <> %(name3)s,"),
    ),
    (
        "search: employer name",
        "sheng",
        "/people/workers/?q={employer}",
        ROWS.format(
            extra="AND w.employer_id IN (SELECT id FROM orgs_employer WHERE name LIKE %(employer_any)s)", order=""
        ),
    ),
    (
        "search: last 4 of ID",
        "sheng",
        "/people/workers/?q={last4}",
        ROWS.format(extra="AND w.id_last4 = %(last4)s", order=""),
    ),
    (
        "search: name, city admin",
        "haerbin",
        "/people/workers/?q={name2}",
        ROWS.format(extra="AND w.name LIKE %(name2_prefix)s", order="w.name <> %(name2)s,"),
    ),
    (
        "employer list",
        "sheng",
        "/orgs/employers/",
        f"SELECT e.id, e.name, e.uscc FROM orgs_employer e WHERE e.union_id {IN_SCOPE} ORDER BY e.name LIMIT 50",  # noqa: S608
    ),
    (
        "employer list, city admin",
        "haerbin",
        "/orgs/employers/",
        f"SELECT e.id, e.name, e.uscc FROM orgs_employer e WHERE e.union_id {IN_SCOPE} ORDER BY e.name LIMIT 50",  # noqa: S608
    ),
    ("union list", "sheng", "/orgs/unions/", None),
    ("accounts", "sheng", "/orgs/accounts/", None),
    ("accounts, union found by name", "sheng", "/orgs/accounts/?union_q={employer}", None),
    (
        "competition list",
        "sheng",
        "/competitions/",
        f"SELECT c.id, c.name, c.starts_on FROM competitions_competition c WHERE c.organiser_id {IN_SCOPE} "  # noqa: S608
        "ORDER BY c.starts_on DESC, c.id DESC LIMIT 50",
    ),
    (
        "competition list, city admin",
        "haerbin",
        "/competitions/",
        f"SELECT c.id, c.name, c.starts_on FROM competitions_competition c WHERE c.organiser_id {IN_SCOPE} "  # noqa: S608
        "ORDER BY c.starts_on DESC, c.id DESC LIMIT 50",
    ),
    ("competition page", "sheng", "/competitions/{competition_id}/", None),
    (
        "event entries",
        "sheng",
        "/competitions/events/{event_id}/",
        "SELECT n.id, w.name, n.state, n.competitor_no FROM competitions_entry n JOIN people_worker w "
        "ON w.id = n.worker_id WHERE n.event_id = %(event_id)s ORDER BY n.state, n.competitor_no, n.id LIMIT 50",
    ),
    ("judge pool", "sheng", "/competitions/judges/", None),
    ("judge pool, employer found by name", "sheng", "/competitions/judges/?employer_q={employer}", None),
    ("studio list", "sheng", "/studios/", None),
    ("alliance list", "sheng", "/studios/alliances/", None),
    ("problem board", "sheng", "/studios/problems/", None),
    ("award decisions", "sheng", "/awards/decisions/", None),
    (
        "payout ledger",
        "sheng",
        "/awards/ledger/",
        "SELECT l.id, l.payee, l.amount, l.state FROM awards_ledgerline l ORDER BY l.id DESC LIMIT 50",
    ),
    ("award decisions, city admin", "haerbin", "/awards/decisions/", None),
    (
        "payout ledger, city admin",
        "haerbin",
        "/awards/ledger/",
        f"SELECT l.id, l.payee, l.amount, l.state FROM awards_ledgerline l WHERE l.union_id {IN_SCOPE} "  # noqa: S608
        "OR l.programme_id IN (SELECT p.id FROM policy_programme p WHERE p.owner_id "
        f"{IN_SCOPE}) ORDER BY l.id DESC LIMIT 50",
    ),
    ("payout ledger, county admin", COUNTY_ADMIN, "/awards/ledger/", None),
    ("payout ledger, industrial-union admin", "jixie", "/awards/ledger/", None),
    ("honours", "sheng", "/awards/honours/", None),
    ("colleges", "sheng", "/colleges/", None),
    ("college classes", "sheng", "/colleges/classes/", None),
    ("policy documents", "sheng", "/policy/documents/", None),
    ("policy rules", "sheng", "/policy/rules/", None),
    ("statistics cockpit", "sheng", "/stats/", None),
    ("statistics figures", "sheng", "/stats/figures/", None),
)


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATABASE_PARALLEL_QUERY", "0")  # as gunicorn.conf.py sets for the web processes
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log, no template debug (set before the first render)
    # Signing in writes nothing to the measured database: the sessions live in this process's cache,
    # and the log-in does not touch ``last_login`` (the province copy is shared and read-only; with
    # ``?options=-c%20default_transaction_read_only%3Don`` on its URL any write fails).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    from django.contrib.auth import user_logged_in

    user_logged_in.disconnect(dispatch_uid="update_last_login")


def ensure_county_admin() -> None:
    """Give the benchmark a county official (the demo has none): ``bench_county``, union admin of
    the Harbin county union with the most unions below it. Written once into the measured copy."""
    from django.db.models import Count

    from gongjiang.core.models import User
    from gongjiang.orgs.enums import RoleKind, UnionKind
    from gongjiang.orgs.models import Role, Union

    user, _created = User.objects.get_or_create(username=COUNTY_ADMIN, defaults={"display_name": "县总 管理员"})
    if Role.objects.filter(user=user).exists():
        return
    county = (
        Union.objects.filter(kind=UnionKind.COUNTY, region__code__startswith="2301")
        .annotate(n=Count("descendant_links"))
        .order_by("-n", "pk")
        .first()
    )
    Role.objects.create(user=user, union=county, kind=RoleKind.UNION_ADMIN)


def selected(only: str | None) -> tuple:
    """The pages whose label holds one of the comma-separated words of ``only`` (all without it)."""
    if not only:
        return PAGES
    words = [w.strip() for w in only.split(",") if w.strip()]
    return tuple(page for page in PAGES if any(w in page[0] for w in words))


def terms() -> dict[str, str]:
    """Search terms taken from the data, the same way at both scales."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT name FROM people_worker WHERE char_length(name) = 2 AND id > "
            "(SELECT max(id) - 5000 FROM people_worker) ORDER BY id DESC LIMIT 1"
        )
        name2 = cur.fetchone()[0]
        cur.execute(
            "SELECT name FROM people_worker WHERE char_length(name) = 3 AND id > "
            "(SELECT max(id) - 5000 FROM people_worker) ORDER BY id DESC LIMIT 1"
        )
        name3 = cur.fetchone()[0]
        cur.execute(
            "SELECT name FROM people_worker WHERE char_length(name) = 3 AND id > "
            "(SELECT max(id) - 5000 FROM people_worker) ORDER BY id DESC LIMIT 1"
        )
        name1 = cur.fetchone()[0][0]  # a surname
        cur.execute("SELECT event_id FROM competitions_entry ORDER BY id DESC LIMIT 1")
        event_id = cur.fetchone()[0]
        cur.execute("SELECT competition_id FROM competitions_event WHERE id = %s", [event_id])
        competition_id = cur.fetchone()[0]
        cur.execute("SELECT id_last4 FROM people_worker ORDER BY id DESC LIMIT 1")
        last4 = cur.fetchone()[0]
        cur.execute("SELECT id, name FROM orgs_employer ORDER BY id DESC LIMIT 1")
        _newest, employer = cur.fetchone()
        # The one employer's list: the employer with the most workers among the newest 5,000 (the whole
        # demo), so that both scales show a page as full as they can (the demo's 42 rows, the province's
        # 50); the newest employer showed the demo's 9 rows against the province's 50.
        cur.execute(
            "SELECT employer_id FROM people_worker WHERE id > (SELECT max(id) - 5000 FROM people_worker) "
            "GROUP BY employer_id ORDER BY count(*) DESC, employer_id DESC LIMIT 1"
        )
        employer_id = cur.fetchone()[0]
    # Two words of the newest employer's name after the city (e.g. 宏达华信 in 哈尔滨宏达华信…).
    word = employer[3:7] if len(employer) > 8 else employer[:4]
    return {
        "name1": name1,
        "name2": name2,
        "name3": name3,
        "last4": last4,
        "employer": word,
        "employer_id": str(employer_id),
        "event_id": str(event_id),
        "competition_id": str(competition_id),
    }


def prepare(url: str, only: str | None) -> dict:
    """Set up Django on ``url``, sign the pages' users in and take the search terms."""
    setup(url)
    pages = selected(only)
    if any(page[1] == COUNTY_ADMIN for page in pages):
        ensure_county_admin()
    from django.db import connection

    from gongjiang.core.models import User
    from gongjiang.orgs.models import Role

    found = terms()
    params = {
        **found,
        "name1_prefix": found["name1"] + "%",
        "name2_prefix": found["name2"] + "%",
        "name3_any": "%" + found["name3"] + "%",
        "employer_any": "%" + found["employer"] + "%",
    }
    clients, roots = {}, {}
    for username in sorted({page[1] for page in pages}):
        user = User.objects.get(username=username)
        clients[username] = signed_in(username)
        roots[username] = Role.objects.filter(user=user).values_list("union_id", flat=True).first()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_worker")
        workers = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM competitions_entry")
        entries = cur.fetchone()[0]
    return {
        "pages": {page[0]: page for page in pages},
        "found": found,
        "params": params,
        "clients": clients,
        "roots": roots,
        "head": {"workers": workers, "entries": entries, "terms": found},
    }


def warm_up(state: dict, label: str) -> dict:
    """Two untimed requests, then one with the queries counted; the page's rows and whether it is slow."""
    from django.db import connection

    _label, username, path, _sql = state["pages"][label]
    target = path.format(**state["found"])
    client = state["clients"][username]
    warm = time.perf_counter()
    for _ in range(2):
        response = client.get(target)
        if response.status_code != 200:
            raise SystemExit(f"{target}: {response.status_code}")
    seen: list[str] = []

    def count(execute, sql, params, many, context, seen=seen):  # noqa: PLR0917
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(target)
    body = response.content.decode()
    tbody = body[body.find("<tbody") : body.rfind("</tbody>")] if "<tbody" in body else ""
    return {
        "url": target,
        "queries": len(seen),
        "rows": tbody.count("<tr"),  # table rows the page shows (0 where it has no table)
        "slow": (time.perf_counter() - warm) / 2 > SLOW,
    }


def timed(state: dict, label: str, requests: int) -> tuple[list[float], list[float]]:
    """``requests`` timed requests of the page, each followed by its hand-written SQL (if any)."""
    from django.db import connection

    _label, username, path, sql = state["pages"][label]
    target = path.format(**state["found"])
    client = state["clients"][username]
    page_times, sql_times = [], []
    for _ in range(requests):
        state["gc_pending"] = 0.0
        t = time.perf_counter()
        client.get(target)
        page_times.append((time.perf_counter() - t) * 1000)
        state["gc_page"].append(state["gc_pending"])
        if sql:
            with connection.cursor() as cur:
                t = time.perf_counter()
                cur.execute(sql, {**state["params"], "root": state["roots"][username]})
                cur.fetchall()
                sql_times.append((time.perf_counter() - t) * 1000)
    return page_times, sql_times


def settle(state: dict) -> None:
    """Make the process as warm as a server's: at least ``GC_FREEZE_AFTER_REQUESTS`` requests (the
    pages again, in turn), so that the freeze of ``core.gcfreeze`` has happened before any timing,
    as it has in a worker that has served that many (its one full collection is not a page's)."""
    from django.conf import settings

    served = 3 * len(state["pages"])  # warm_up's three each
    labels = list(state["pages"])
    while labels and served <= settings.GC_FREEZE_AFTER_REQUESTS:
        _label, username, path, _sql = state["pages"][labels[served % len(labels)]]
        state["clients"][username].get(path.format(**state["found"]))
        served += 1


def watch_collections(state: dict) -> None:
    """Time the garbage collector's full (generation 2) passes: ``gc_pending`` gathers those of the
    request under way, ``gc_page`` one figure a timed request (ms, 0 for most)."""
    state["gc_pending"], state["gc_page"] = 0.0, []
    started = [0.0]

    def on_collect(phase: str, info: dict) -> None:
        if info["generation"] < 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            state["gc_pending"] += (time.perf_counter() - started[0]) * 1000

    gc.callbacks.append(on_collect)


def serve(url: str, only: str | None) -> None:
    """One scale's process: commands on stdin, one JSON line each on stdout (see :func:`main`)."""
    state = prepare(url, only)
    watch_collections(state)
    print(json.dumps(state["head"], ensure_ascii=False), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["do"] == "warm":
            answer = {label: warm_up(state, label) for label in state["pages"]}
            settle(state)
        else:
            state["gc_page"] = []
            pages, sqls = timed(state, command["label"], command["requests"])
            answer = {"page": pages, "sql": sqls, "gc": state["gc_page"]}
        print(json.dumps(answer), flush=True)


def summary(warm: dict, page_times: list[float], sql_times: list[float], gc_times: list[float]) -> dict:
    return {
        # full garbage collections inside the timed requests: how many, and their ms in all
        "gc_full": sum(1 for ms in gc_times if ms),
        "gc_ms": sum(gc_times),
        "url": warm["url"],
        "queries": warm["queries"],
        "rows": warm["rows"],
        "median": statistics.median(page_times),
        "p95": statistics.quantiles(page_times, n=20)[-1] if len(page_times) >= 20 else max(page_times),
        "requests": len(page_times),
        "sql_median": statistics.median(sql_times) if sql_times else None,
    }


def measure(urls: dict[str, str], requests: int, only: str | None, batch: int) -> dict:
    """Both scales, each in its own process, interleaved: for every page, ``batch`` requests on one
    scale, then ``batch`` on the other (the first scale alternating), until each has had ``requests``;
    a drift of the machine's load falls on both scales alike instead of on whichever ran second."""
    workers = {}
    for key, url in urls.items():
        args = [sys.executable, __file__, "--serve", url] + (["--only", only] if only else [])
        workers[key] = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(key: str, command: dict | None = None) -> dict:
        worker = workers[key]
        if command is not None:
            worker.stdin.write(json.dumps(command, ensure_ascii=False) + "\n")
            worker.stdin.flush()
        line = worker.stdout.readline()
        while line and not line.startswith("{"):  # anything else the process printed
            line = worker.stdout.readline()
        if not line:
            raise SystemExit(f"the {key} process ended (exit code {worker.wait()})")
        return json.loads(line)

    out = {key: {**ask(key), "pages": {}} for key in workers}
    try:
        # every page warmed before any is timed (templates compiled, caches filled, the freeze done)
        warmed = {key: ask(key, {"do": "warm"}) for key in workers}
        for label, *_ in selected(only):
            warm = {key: warmed[key][label] for key in workers}
            todo = 3 if any(w["slow"] for w in warm.values()) else requests  # a page over 5 s: 3 requests
            times = {key: ([], [], []) for key in workers}
            done = 0
            while done < todo:
                step = min(batch, todo - done)
                turn = (
                    list(workers) if (done // batch) % 2 == 0 else list(reversed(workers))
                )  # who goes first alternates
                for key in turn:
                    answer = ask(key, {"do": "time", "label": label, "requests": step})
                    times[key][0].extend(answer["page"])
                    times[key][1].extend(answer["sql"])
                    times[key][2].extend(answer["gc"])
                done += step
            for key in workers:
                out[key]["pages"][label] = summary(warm[key], *times[key])
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", default="postgres://postgres@127.0.0.1:5432/scale_demo")
    parser.add_argument("--province", default="postgres://postgres@127.0.0.1:5432/province")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--batch", type=int, default=5, help="requests on one scale before switching to the other")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--from-json", help="print the table of an earlier --json run")
    parser.add_argument("--only", help="comma-separated words: time only the pages whose label holds one")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.only)
        return
    if args.from_json:
        print_table(json.loads(Path(args.from_json).read_text()), args.requests)
        return
    results = measure({"demo": args.demo, "province": args.province}, args.requests, args.only, args.batch)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    print_table(results, args.requests)


def print_table(results: dict, requests: int) -> None:
    demo, province = results["demo"], results["province"]
    print(
        f"demo: {demo['workers']:,} workers, {demo['entries']:,} entries; "
        f"province: {province['workers']:,} workers, {province['entries']:,} entries; {requests} requests each"
    )
    print(f"terms (province): {province['terms']}")
    print(
        "| page | demo median / p95 (ms) | province median / p95 (ms) | p95 ratio | province SQL median (ms) "
        "| queries | rows | goal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for label, *_ in PAGES:
        if label not in demo["pages"] or label not in province["pages"]:
            continue  # not measured (--only)
        d, p = demo["pages"][label], province["pages"][label]
        ratio = p["p95"] / d["p95"]
        shown = label if p["requests"] == requests else f"{label} ({p['requests']} requests; p95 is the slowest)"
        ok = "yes" if p["p95"] < 300 and ratio <= 1.5 else ("under 300 ms" if p["p95"] < 300 else "no")
        sql = f"{p['sql_median']:.1f}" if p["sql_median"] is not None else "—"
        print(
            f"| {shown} | {d['median']:.0f} / {d['p95']:.0f} | {p['median']:.0f} / {p['p95']:.0f} | {ratio:.2f} "
            f"| {sql} | {d['queries']} / {p['queries']} | {d.get('rows', '?')} / {p.get('rows', '?')} | {ok} |"
        )


if __name__ == "__main__":
    main()
