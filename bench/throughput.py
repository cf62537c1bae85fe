"""Requests per second through gunicorn on loopback, logged in, for a few pages (issue 17).

    PYTHONPATH=<a directory holding gunicorn> DATABASE_URL=postgres://…/scale_demo DEBUG=0 DEMO=1 \
        .venv/bin/python -m gunicorn gongjiang.wsgi -w 2 -b 127.0.0.1:8765 &
    DATABASE_URL=postgres://…/scale_demo .venv/bin/python bench/throughput.py --base http://127.0.0.1:8765 \
        --seconds 20 --threads 4 / /people/workers/ /competitions/

The client logs in as ``--user`` (a session made through Django's test client on the same
database, its cookie sent with every request), then, for each path in turn, keeps ``--threads``
threads requesting it for ``--seconds`` (HTTP/1.0, a new connection each time, as gunicorn's sync
workers serve it). It prints requests/s, median and p95 latency and the non-200 answers. Run the
server and the client on the same machine; the figures are the server's capacity on its workers
only while the client's threads leave them CPU (note the load average).

``--in-process N`` measures instead, without a server, the CPU time of N requests of each path in
this process (Django's test client, ``DEBUG`` off, ``time.process_time``) and the queries of one:
a figure the other processes on the machine barely move, unlike requests/s.
"""

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from signin import signed_in  # bench/signin.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def session_cookie(username: str) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    from django.conf import settings

    client = signed_in(username)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def hammer(base: str, path: str, cookie: str, seconds: float, threads: int) -> dict:
    parts = urlsplit(base)
    times: list[float] = []
    bad: list[int] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run() -> None:
        mine, errors = [], []
        while time.monotonic() < stop:
            t = time.perf_counter()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "zh-hans"})
            response = conn.getresponse()
            response.read()
            conn.close()
            mine.append(time.perf_counter() - t)
            if response.status != 200:
                errors.append(response.status)
        with lock:
            times.extend(mine)
            bad.extend(errors)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    return {
        "path": path,
        "requests": len(times),
        "per_second": len(times) / elapsed,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": statistics.quantiles(times, n=20)[-1] * 1000,
        "errors": sorted(set(bad)),
    }


def in_process(paths: list[str], username: str, n: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    client = signed_in(username)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| page | CPU ms / request | wall ms / request | queries |")
    print("|---|---:|---:|---:|")
    for path in paths:
        for _ in range(3):
            client.get(path)
        seen: list[str] = []
        with connection.execute_wrapper(
            lambda execute, sql, *rest, seen=seen: (seen.append(sql), execute(sql, *rest))[1]
        ):
            client.get(path)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            client.get(path)
        cpu, wall = (time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000
        print(f"| {path} | {cpu:.1f} | {wall:.1f} | {len(seen)} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--user", default="sheng")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--in-process", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.in_process:
        in_process(args.paths, args.user, args.in_process)
        return
    cookie = session_cookie(args.user)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| page | requests | requests/s | median (ms) | p95 (ms) | errors |")
    print("|---|---:|---:|---:|---:|---|")
    for path in args.paths:
        r = hammer(args.base, path, cookie, args.seconds, args.threads)
        print(
            f"| {path} | {r['requests']} | {r['per_second']:.1f} | {r['median_ms']:.0f} | {r['p95_ms']:.0f} "
            f"| {','.join(map(str, r['errors'])) or '—'} |",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
