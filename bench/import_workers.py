"""Import benchmark: N generated workers through the real import path, then the same file again.

    .venv/bin/python bench/import_workers.py --rows 100000 [--format xlsx|csv] [--database-url URL] [--json]

Builds a fresh database (a new SQLite file under var/bench/, or drops and recreates the
PostgreSQL database named in --database-url), migrates, runs ``seed_demo --workers 0``,
writes a file of N worker rows over every demo employer, and imports it as the province
admin ``sheng`` with ``start_import`` (in-process: the immediate task backend and a huge
IMPORT_INLINE_MAX_ROWS). It times the import and the re-import of the same file, which must
create and update nothing, and reports RSS before each and the peak during each.

Peak RSS is measured three ways: ``/proc/self/status`` VmHWM after resetting it through
``/proc/self/clear_refs`` (the peak of this import alone), a sampling thread reading VmRSS
every 20 ms (a cross-check), and ``getrusage`` ru_maxrss. The kernel keeps one high-water
mark for both, so the reset applies to ru_maxrss too: it is the peak since the last reset.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import hashlib
import io
import json
import os
import platform
import pstats
import random
import resource
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
CERT_PREFIX = "BENCH"
SEED = 7


# --- memory -------------------------------------------------------------------------


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def rss_mb() -> float:
    return _status_kb("VmRSS") / 1024


def hwm_mb() -> float:
    return _status_kb("VmHWM") / 1024


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def reset_hwm() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


class RssSampler:
    """Poll VmRSS from a thread; ``peak`` is the largest value seen (MiB)."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.peak = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


class GcTimer:
    """Time spent in the cyclic garbage collector, and how many full (generation 2) collections ran."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.full += info["generation"] == 2

    def __enter__(self) -> GcTimer:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


# --- database -----------------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    """The file a sqlite:// URL names, read the way the settings read it."""
    import dj_database_url

    return Path(dj_database_url.parse(url)["NAME"])


def fresh_database(url: str | None, fmt: str) -> tuple[str, str]:
    """Create an empty database; return (DATABASE_URL, a short name for the report)."""
    if url is None:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{BENCH_DIR / f'bench-{fmt}.sqlite3'}"
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = sqlite_path(url)
        if path.resolve().parent != BENCH_DIR.resolve():
            sys.exit(f"refusing to delete {path}: a benchmark SQLite file must live in {BENCH_DIR}")
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return url, "sqlite"
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        import psycopg
        from psycopg import sql

        name = parts.path.lstrip("/")
        if not name or name in {"postgres", "template0", "template1"}:
            sys.exit(f"refusing to drop database {name!r}")
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password) if parts.password else None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return url, "postgresql"
    sys.exit(f"unsupported database URL scheme {parts.scheme!r}")


def configure_environment(database_url: str) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "gongjiang.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(32),
            "PUBLIC_BASE_URL": "https://gongjiang.example.org",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "IMPORT_INLINE_MAX_ROWS": str(10**9),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    sys.path.insert(0, str(ROOT))


def database_label(vendor: str) -> str:
    from django.db import connection

    if vendor == "postgresql":
        version = connection.cursor().connection.info.server_version  # e.g. 150014
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def database_size_mb(vendor: str, url: str) -> float:
    from django.db import connection

    if vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            return cur.fetchone()[0] / 2**20
    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sqlite_path(url).stat().st_size / 2**20


# --- the file -----------------------------------------------------------------------


def write_file(path: Path, fmt: str, rows: Iterator[list[str]]) -> None:
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
        return
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("职工")
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)  # every cell is a string, as typed by a union official
    workbook.close()


def generate(rows: int, fmt: str) -> Path:
    from gongjiang.orgs.models import Employer
    from gongjiang.people.models import Occupation
    from gongjiang.people.samples import header, worker_rows

    employers = [(e.uscc, e.region_id) for e in Employer.objects.order_by("pk")]
    occupations = list(Occupation.objects.order_by("name").values_list("name", flat=True))
    path = BENCH_DIR / f"workers-{rows}.{fmt}"
    path.unlink(missing_ok=True)
    data = worker_rows(random.Random(SEED), employers, occupations, rows, cert_prefix=CERT_PREFIX)
    write_file(path, fmt, iter([header(), *data]))
    return path


# --- timing of the importer's phases (wrappers only; the app is not changed) ---------


class PhaseTimer:
    """Wall and CPU seconds of each wrapped function, by label."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = owner.__dict__[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
                self.cpu[label] = self.cpu.get(label, 0.0) + time.process_time() - cpu

        setattr(owner, name, timed)

    def reset(self) -> None:
        self.seconds, self.cpu = {}, {}


def install_phase_timer() -> PhaseTimer:
    from gongjiang.imports import base, services
    from gongjiang.people import importers as workers

    timer = PhaseTimer()
    timer.wrap(services, "count_data_rows", "count")
    timer.wrap(base.Importer, "clean_rows", "read+clean_rows")
    timer.wrap(workers.WorkerImporter, "clean_file", "clean_file")
    timer.wrap(workers.WorkerImporter, "write", "write")
    return timer


# --- the benchmark ------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    from gongjiang.core.models import AuditEntry
    from gongjiang.people.models import SkillGrade, Worker

    return {
        "workers": Worker.objects.count(),
        "grades": SkillGrade.objects.count(),
        "links": Worker.occupations.through.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def run_import(path: Path, user: Any, timer: PhaseTimer, profile_to: Path | None) -> tuple[Any, dict[str, Any]]:
    """One ``start_import`` of ``path``: the job and its figures (seconds, CPU seconds, MiB, phases)."""
    from django.core.files.uploadedfile import UploadedFile

    from gongjiang.imports.tasks import start_import
    from gongjiang.orgs.scope import Scope

    timer.reset()
    gc.collect()
    before = rss_mb()
    hwm_reset = reset_hwm()
    load_before = os.getloadavg()[0]
    profiler = cProfile.Profile() if profile_to else None
    with path.open("rb") as fh, RssSampler() as sampler, GcTimer() as gc_timer:
        upload = UploadedFile(fh, name=path.name, size=path.stat().st_size)
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        job = start_import(actor=user, scope=Scope(user), kind="workers", upload=upload)
        if profiler:
            profiler.disable()
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    if profiler and profile_to:
        profiler.dump_stats(profile_to)
    Path(job.path).unlink(missing_ok=True)  # the stored copy of the upload, if the app kept it
    figures = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(job.total_rows / seconds) if seconds else 0,
        "phases": {k: round(v, 2) for k, v in timer.seconds.items()},
        "phases_cpu": {k: round(v, 2) for k, v in timer.cpu.items()},
        "gc_seconds": round(gc_timer.seconds, 2),
        "gc_full_collections": gc_timer.full,
        "rss_before_mb": round(before, 1),
        # VmHWM was reset just before the import, so it is this import's peak; the sampler cross-checks it.
        "peak_rss_mb": round(max(hwm_mb(), sampler.peak) if hwm_reset else sampler.peak, 1),
        "sampled_peak_rss_mb": round(sampler.peak, 1),
        "rss_after_mb": round(rss_mb(), 1),
        "ru_maxrss_mb": round(maxrss_mb(), 1),
        "loadavg_before": round(load_before, 2),
        "loadavg_after": round(os.getloadavg()[0], 2),
    }
    return job, figures


IMPORT_PATH_SOURCES = (
    "gongjiang/imports/*.py",
    "gongjiang/people/importers.py",
    "gongjiang/core/audit.py",
    "gongjiang/core/bulk.py",
    "gongjiang/core/crypto.py",
    "gongjiang/core/validators.py",
    "gongjiang/orgs/scope.py",
    "gongjiang/people/services.py",
)


def code_fingerprint() -> str:
    """A short hash of the sources on the import path, to tell which code a figure was measured on."""
    digest = hashlib.sha256()
    for pattern in IMPORT_PATH_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def describe_failure(job: Any) -> str:
    errors = "; ".join(f"row {e['row']} {e['column']}: {e['message']}" for e in (job.errors or [])[:5])
    return f"job {job.pk} is {job.status}: {job.message} {errors}".strip()


def report(result: dict[str, Any], profile_to: Path | None) -> None:
    def timing(f: dict[str, Any]) -> str:
        phases = ", ".join(f"{k} {v:.1f}s" for k, v in f["phases"].items())
        return (
            f"{f['seconds']:.1f} s wall, {f['cpu_seconds']:.1f} s CPU ({f['rows_per_second']} rows/s): {phases}; "
            f"gc {f['gc_seconds']:.1f}s in {f['gc_full_collections']} full collections"
        )

    def memory(f: dict[str, Any]) -> str:
        return (
            f"before {f['rss_before_mb']:.0f} MB, peak {f['peak_rss_mb']:.0f} MB "
            f"(sampled {f['sampled_peak_rss_mb']:.0f}), after {f['rss_after_mb']:.0f} MB"
        )

    first, again, written = result["import"], result["reimport"], result["written"]
    lines = [
        (
            "rows / format / database",
            f"{result['rows']} / {result['format']} ({result['file_mb']} MB) / {result['database']}",
        ),
        ("import", timing(first)),
        ("  RSS", memory(first)),
        ("re-import", timing(again)),
        ("  RSS", memory(again)),
        (
            "getrusage ru_maxrss",
            f"{first['ru_maxrss_mb']:.0f} MB after import, {again['ru_maxrss_mb']:.0f} MB after re-import",
        ),
        (
            "written",
            f"{written['workers']} workers, {written['grades']} grades, {written['links']} occupation links, "
            f"{written['audit']} audit rows; re-import: nothing",
        ),
        ("load average", f"{first['loadavg_before']} -> {again['loadavg_after']} on {result['cpus']} CPUs"),
        ("setup / generate", f"{result['setup_seconds']:.1f} s / {result['generate_seconds']:.1f} s"),
        ("import code", result["import_code_sha"]),
    ]
    width = max(len(k) for k, _v in lines)
    for key, value in lines:
        print(f"{key:<{width}}  {value}")
    if profile_to:
        print(f"\nprofile of the first import: {profile_to}")
        pstats.Stats(str(profile_to)).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    parser.add_argument("--database-url", help="default: a new SQLite file under var/bench/")
    parser.add_argument("--json", action="store_true", help="also print every figure as one JSON line")
    parser.add_argument("--profile", action="store_true", help="cProfile the first import into var/bench/*.pstats")
    args = parser.parse_args()

    database_url, vendor = fresh_database(args.database_url, args.format)
    configure_environment(database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from gongjiang.core.models import User

    settings.MEDIA_ROOT = BENCH_DIR / "uploads"  # stored uploads go under var/bench, not the app's var/uploads
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", workers=0, stdout=io.StringIO())
    setup_seconds = time.perf_counter() - started

    started = time.perf_counter()
    path = generate(args.rows, args.format)
    generate_seconds = time.perf_counter() - started

    user = User.objects.get(username="sheng")
    timer = install_phase_timer()
    profile_to = BENCH_DIR / f"profile-{vendor}-{args.format}-{args.rows}.pstats" if args.profile else None

    counts0 = table_counts()
    job, first = run_import(path, user, timer, profile_to)
    check(job.status == "done", describe_failure(job))
    check(job.created == args.rows, f"created {job.created}, expected {args.rows}")
    counts1 = table_counts()
    check(counts1["workers"] - counts0["workers"] == args.rows, "worker rows written != rows")

    job2, again = run_import(path, user, timer, None)
    check(job2.status == "done", describe_failure(job2))
    check(job2.created == 0 and job2.updated == 0, f"re-import created {job2.created}, updated {job2.updated}")
    check(job2.unchanged == args.rows, f"re-import unchanged {job2.unchanged}, expected {args.rows}")
    counts2 = table_counts()
    check(counts2 == counts1, f"re-import changed the tables: {counts1} -> {counts2}")

    result = {
        "rows": args.rows,
        "format": args.format,
        "database": database_label(vendor),
        "file_mb": round(path.stat().st_size / 2**20, 2),
        "import_seconds": first["seconds"],
        "peak_rss_mb": first["peak_rss_mb"],
        "reimport_seconds": again["seconds"],
        "import": first,
        "reimport": again,
        "written": {k: counts1[k] - counts0[k] for k in counts1},
        "reimport_written": {k: counts2[k] - counts1[k] for k in counts1},
        "reimport_unchanged": job2.unchanged,
        "database_mb": round(database_size_mb(vendor, database_url), 1),
        "setup_seconds": round(setup_seconds, 2),
        "generate_seconds": round(generate_seconds, 2),
        "import_code_sha": code_fingerprint(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    report(result, profile_to)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
