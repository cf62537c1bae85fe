"""Load run of the main pages through the production server (gunicorn), on loopback only.

    .venv/bin/python bench/load.py --database postgres://postgres@127.0.0.1:5432/operations_load \
        [--web-workers 3] [--threads 6] [--seconds 20] [--max-requests 2000] [--json]

Starts ``gunicorn`` (gunicorn.conf.py, DEBUG=0 DEMO=1) and the task worker (so /healthz passes)
on a free 127.0.0.1 port against the
given, already seeded database (``manage.py seed_demo``), logs in as the demo's province admin
``sheng`` through the real log-in form (one session per thread), then for each page sends
requests from ``--threads`` threads (``http.client``, keep-alive) until ``--seconds`` have passed
or ``--max-requests`` were sent, whichever comes first (never more than 60 s per page). Reports
requests/s and the p50/p95/p99 of the wall time of each request as the client sees it; any
non-200 answer is counted as an error. The server is stopped at the end, whatever happens.
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "gongjiang-demo"  # noqa: S105 (the demo accounts' public password, docs/deployment.md)
MAX_SECONDS_PER_PAGE = 60

PAGES = (
    ("home page", "/"),
    ("worker list", "/people/workers/"),
    ("worker search (name)", "/people/workers/?q=%E7%8E%8B"),
    ("competitions", "/competitions/"),
    ("award decisions", "/awards/decisions/"),
    ("studios", "/studios/"),
    ("colleges", "/colleges/"),
    ("statistics cockpit", "/stats/"),
    ("healthz", "/healthz"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Session:
    """One logged-in browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=MAX_SECONDS_PER_PAGE)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}/login/"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=MAX_SECONDS_PER_PAGE)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, dict(response.getheaders())

    def login(self, username: str) -> None:
        status, page, _ = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"log-in page answered {status}")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": PASSWORD}
        )
        status, _, headers = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"log-in as {username} failed ({status}, {headers.get('Location')})")
        status, _, headers = self.request("GET", "/")
        step = headers.get("Location", "") if status == 302 else ""
        if "/2fa/" in step:  # administrators' second factor: the demo shows its account's current code
            self.second_factor(urllib.parse.urlsplit(step).path)

    def second_factor(self, path: str) -> None:
        status, page, _ = self.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        code = re.search(rb'id="demo-code">[^<]*?(\d{6})', page)
        if status != 200 or token is None or code is None:
            raise SystemExit(f"second factor at {path}: no demo code ({status})")
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "token": code.group(1).decode()})
        status, _, headers = self.request("POST", path, form)
        if status != 302 or "/2fa/" in headers.get("Location", ""):
            raise SystemExit(f"second factor at {path} refused ({status}, {headers.get('Location')})")


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def run_page(sessions: list[Session], path: str, seconds: float, max_requests: int) -> dict:
    for session in sessions:  # warm-up: one request per thread
        session.request("GET", path)
    timings: list[float] = []
    errors = 0
    lock = threading.Lock()
    sent = 0
    deadline = time.monotonic() + min(seconds, MAX_SECONDS_PER_PAGE)

    def worker(session: Session) -> None:
        nonlocal sent, errors
        while time.monotonic() < deadline:
            with lock:
                if sent >= max_requests:
                    return
                sent += 1
            started = time.perf_counter()
            try:
                status, _, _ = session.request("GET", path)
            except (http.client.HTTPException, OSError):
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                timings.append(elapsed)
                if status != 200:
                    errors += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    timings.sort()
    return {
        "requests": len(timings),
        "errors": errors,
        "seconds": round(wall, 1),
        "rps": round(len(timings) / wall, 1) if wall else 0,
        "p50_ms": round(percentile(timings, 50) * 1000, 1),
        "p95_ms": round(percentile(timings, 95) * 1000, 1),
        "p99_ms": round(percentile(timings, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(timings) * 1000, 1) if timings else None,
    }


def start_server(database: str, port: int, web_workers: int, log: Path) -> list[subprocess.Popen]:
    """gunicorn and the task worker, as `make run` starts them."""
    env = {**os.environ, "DEBUG": "0", "DEMO": "1", "DATABASE_URL": database, "GUNICORN_ACCESS_LOG": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = log.open("w")
    task_worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "db_worker", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=out,
    )
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", str(web_workers)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=out,
    )
    for _ in range(600):
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return [server, task_worker]
        except OSError:
            if server.poll() is not None:
                task_worker.terminate()
                raise SystemExit(f"gunicorn exited: {log.read_text()[-2000:]}") from None
            time.sleep(0.1)
    server.terminate()
    task_worker.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="DATABASE_URL of a seeded demo database")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=2000)
    parser.add_argument("--user", default="sheng")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    port = free_port()
    log = ROOT / "var" / "load-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    processes = start_server(args.database, port, args.web_workers, log)
    results = {}
    try:
        sessions = [Session(port) for _ in range(args.threads)]
        # One log-in, its cookies shared by every thread: a second-factor code works once, so the
        # threads cannot each sign in within the same 30 seconds.
        sessions[0].login(args.user)
        for session in sessions[1:]:
            session.cookies = dict(sessions[0].cookies)
        for label, path in PAGES:
            results[label] = run_page(sessions, path, args.seconds, args.max_requests)
            if not args.json:
                r = results[label]
                print(
                    f"{label:26} {r['rps']:7.1f} req/s  p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}  "
                    f"p99 {r['p99_ms']:7.1f} ms  ({r['requests']} requests, {r['errors']} errors, {r['seconds']} s)",
                    flush=True,
                )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    if args.json:
        print(json.dumps({"args": vars(args), "pages": results}, indent=2, ensure_ascii=False))
    if any(r["errors"] for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
