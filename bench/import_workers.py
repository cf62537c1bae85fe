"""Import benchmark: one generated file of N workers, imported by each contender on the same database.

    .venv/bin/python bench/import_workers.py --rows 100000 [--format csv|xlsx] [--database-url URL]
        [--contenders ours,peer,peer-bulk,raw] [--json] [--profile]

The parent process builds one seeded database (a new SQLite file under var/bench/, or the
PostgreSQL database named in --database-url, dropped and created again; migrate and
``seed_demo --workers 0``) and writes one file of N worker rows over every demo employer. Each
contender then runs in its own child process on its own copy of that database (a file copy;
``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so each starts from the same state and its peak
memory is its own:

- ``ours``: the app's import as the province admin ``sheng`` through ``start_import`` (in-process:
  the immediate task backend runs the worker's part here): every row validated (ID number
  checksum, region and birth date; phone; credit code; grade, date, source), ID number and phone
  Fernet-encrypted, the ID number keyed-hashed, one audit row per created worker and certificate,
  certificates and occupation links written too. Then the same file again, which must write nothing.
- ``peer``: django-import-export's ``ModelResource`` over the same ``Worker`` table with its
  defaults (a look-up by the natural key and a ``save()`` per row, one transaction): ID number and
  phone stored as given, nothing validated, encrypted or audited, no certificates or links.
- ``peer-bulk``: the same resource in django-import-export's documented fast mode (``use_bulk``,
  ``batch_size`` 1,000, ``skip_diff``, ``CachedInstanceLoader``).
- ``raw``: the csv module and one ``executemany`` of the same worker rows (employer resolved from a
  dict), nothing else: the floor.

Every contender is timed from the file on disk to the committed rows. Peak memory: each child resets
its kernel high-water mark (``/proc/self/clear_refs``, then ``VmHWM`` in ``/proc/self/status``) just
before its import, and a thread sampling ``VmRSS`` every 20 ms cross-checks it; ``getrusage``
``ru_maxrss`` reads the same high-water mark.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
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
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

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


def server_cpu_seconds() -> float | None:
    """CPU seconds used so far by every local ``postgres`` process (backends, WAL writer,
    checkpointer, autovacuum): the database server's share of an import, beside the process's own.
    None where there is none to read (SQLite, or a server on another machine)."""
    from django.db import connection

    if connection.vendor != "postgresql" or (connection.settings_dict.get("HOST") or "127.0.0.1") not in {
        "127.0.0.1",
        "localhost",
        "::1",
    }:
        return None
    ticks, total, seen = os.sysconf("SC_CLK_TCK"), 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        if text[text.index("(") + 1 : text.rindex(")")] != "postgres":
            continue
        fields = text[text.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
        seen = True
    return total / ticks if seen else None


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
    BENCH_DIR.mkdir(parents=True, exist_ok=True)  # the generated file and uploads go there, whatever the database
    if url is None:
        url = f"sqlite:///{BENCH_DIR / f'bench-{fmt}.sqlite3'}"
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = sqlite_path(url)
        if path.resolve().parent != BENCH_DIR.resolve():
            sys.exit(f"refusing to delete {path}: a benchmark SQLite file must live in {BENCH_DIR}")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return url, "sqlite"
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        from psycopg import sql

        name = parts.path.lstrip("/")
        if not name or name in {"postgres", "template0", "template1"}:
            sys.exit(f"refusing to drop database {name!r}")
        with _maintenance(parts) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return url, "postgresql"
    sys.exit(f"unsupported database URL scheme {parts.scheme!r}")


def _maintenance(parts: SplitResult):
    """An autocommit connection to the server's ``postgres`` database, to drop and create others."""
    import psycopg

    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password) if parts.password else None,
        dbname="postgres",
        autocommit=True,
    )


def configure_environment(database_url: str) -> None:
    """Settings for this process. The keys are made once, by the parent, and inherited by every child."""
    from cryptography.fernet import Fernet

    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    os.environ.setdefault("FIELD_HASH_KEY", secrets.token_urlsafe(32))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "gongjiang.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "PUBLIC_BASE_URL": "https://gongjiang.example.org",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def clone_database(url: str, vendor: str, suffix: str) -> str:
    """A copy of the seeded database for one contender; returns its URL."""
    parts = urlsplit(url)
    if vendor == "sqlite":
        source = sqlite_path(url)
        target = source.with_name(f"{source.stem}-{suffix}{source.suffix}")
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{extra}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    from psycopg import sql

    name = parts.path.lstrip("/")
    copy = f"{name}_{suffix.replace('-', '_')}"
    with _maintenance(parts) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(copy), sql.Identifier(name)))
    return parts._replace(path="/" + copy).geturl()


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


class Measured:
    """Wall and CPU seconds, RSS before, and the peak RSS of the block (high-water mark reset first)."""

    def __init__(self, profile_to: Path | None = None) -> None:
        self.profile_to = profile_to
        self.figures: dict[str, Any] = {}

    def __enter__(self) -> Measured:
        gc.collect()
        self._before = rss_mb()
        self._hwm_reset = reset_hwm()
        self._load = os.getloadavg()[0]
        self._sampler = RssSampler().__enter__()
        self._gc = GcTimer().__enter__()
        self._profiler = cProfile.Profile() if self.profile_to else None
        self._server = server_cpu_seconds()
        self._started, self._cpu = time.perf_counter(), time.process_time()
        if self._profiler:
            self._profiler.enable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._profiler:
            self._profiler.disable()
        seconds, cpu = time.perf_counter() - self._started, time.process_time() - self._cpu
        server = server_cpu_seconds()
        self._gc.__exit__()
        self._sampler.__exit__()
        if self._profiler and self.profile_to:
            self._profiler.dump_stats(self.profile_to)
        peak = max(hwm_mb(), self._sampler.peak) if self._hwm_reset else self._sampler.peak
        self.figures = {
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "server_cpu_seconds": round(server - self._server, 2)
            if server is not None and self._server is not None
            else None,
            "gc_seconds": round(self._gc.seconds, 2),
            "gc_full_collections": self._gc.full,
            "rss_before_mb": round(self._before, 1),
            "peak_rss_mb": round(peak, 1),
            "sampled_peak_rss_mb": round(self._sampler.peak, 1),
            "rss_after_mb": round(rss_mb(), 1),
            "ru_maxrss_mb": round(maxrss_mb(), 1),
            "loadavg_before": round(self._load, 2),
            "loadavg_after": round(os.getloadavg()[0], 2),
        }


def run_import(path: Path, user: Any, timer: PhaseTimer, profile_to: Path | None) -> tuple[Any, dict[str, Any]]:
    """One ``start_import`` of ``path``: the job and its figures (seconds, CPU seconds, MiB, phases)."""
    from django.core.files.uploadedfile import UploadedFile

    from gongjiang.imports.tasks import start_import
    from gongjiang.orgs.scope import Scope

    timer.reset()
    with path.open("rb") as fh, Measured(profile_to) as measured:
        upload = UploadedFile(fh, name=path.name, size=path.stat().st_size)
        job = start_import(actor=user, scope=Scope(user), kind="workers", upload=upload)
    Path(job.path).unlink(missing_ok=True)  # the stored copy of the upload, if the app kept it
    figures = measured.figures
    figures["rows_per_second"] = round(job.total_rows / figures["seconds"]) if figures["seconds"] else 0
    figures["phases"] = {k: round(v, 2) for k, v in timer.seconds.items()}
    figures["phases_cpu"] = {k: round(v, 2) for k, v in timer.cpu.items()}
    return job, figures


# --- the contenders (each in its own process, on its own copy of the seeded database) ----


def contender_ours(path: Path, rows: int, profile_to: Path | None, reimport: bool = True) -> dict[str, Any]:
    from gongjiang.core.models import AuditEntry, User

    user = User.objects.get(username="sheng")
    timer = install_phase_timer()
    counts0 = table_counts()
    job, first = run_import(path, user, timer, profile_to)
    check(job.status == "done", describe_failure(job))
    check(job.created == rows, f"created {job.created}, expected {rows}")
    counts1 = table_counts()
    check(counts1["workers"] - counts0["workers"] == rows, "worker rows written != rows")
    check(
        AuditEntry.objects.filter(note__contains=f"#{job.pk}", model="people.worker", action="create").count() == rows,
        "not one audit row per created worker naming the job",
    )
    if not reimport:
        return {"import": first, "written": {k: counts1[k] - counts0[k] for k in counts1}}
    job2, again = run_import(path, user, timer, None)
    check(job2.status == "done", describe_failure(job2))
    check(job2.created == 0 and job2.updated == 0, f"re-import created {job2.created}, updated {job2.updated}")
    check(job2.unchanged == rows, f"re-import unchanged {job2.unchanged}, expected {rows}")
    counts2 = table_counts()
    check(counts2 == counts1, f"re-import changed the tables: {counts1} -> {counts2}")
    return {
        "import": first,
        "reimport": again,
        "written": {k: counts1[k] - counts0[k] for k in counts1},
        "reimport_written": {k: counts2[k] - counts1[k] for k in counts1},
    }


def _peer_resource(bulk: bool) -> Any:
    """django-import-export's ModelResource for the worker table, mapped to the file's Chinese headers."""
    from import_export import fields, instance_loaders, resources, widgets

    from gongjiang.orgs.models import Employer
    from gongjiang.orgs.queries import cities_of
    from gongjiang.people.models import Worker
    from gongjiang.people.samples import header

    cities = cities_of(set(Employer.objects.values_list("union_id", flat=True)))  # Worker.city, as the app writes it
    heading = dict(zip(("name", "id_number", "phone", "uscc"), header(), strict=False))

    class WorkerResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name=heading["name"])
        id_number_hash = fields.Field(attribute="id_number_hash", column_name=heading["id_number"])
        id_number_enc = fields.Field(attribute="id_number_enc", column_name=heading["id_number"])
        phone_enc = fields.Field(attribute="phone_enc", column_name=heading["phone"])
        employer = fields.Field(
            attribute="employer", column_name=heading["uscc"], widget=widgets.ForeignKeyWidget(Employer, "uscc")
        )

        class Meta:
            model = Worker
            fields = ("name", "id_number_hash", "id_number_enc", "phone_enc", "employer")
            import_id_fields = ("id_number_hash",)
            if bulk:
                use_bulk = True
                batch_size = 1000
                skip_diff = True
                instance_loader_class = instance_loaders.CachedInstanceLoader

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            # the columns the table requires, copied as given (no check, no encryption)
            number = instance.id_number_enc or ""
            instance.union_id = instance.employer.union_id
            instance.city_id = cities[instance.union_id]
            instance.region_code = instance.employer.region_id
            instance.id_number_masked = number[:18]
            instance.id_last4 = number[-4:]
            instance.sex = "M"
            instance.birth_date = dt.date(1980, 1, 1)
            instance.phone_masked = (instance.phone_enc or "")[:11]

    return WorkerResource()


def contender_peer(path: Path, rows: int, bulk: bool) -> dict[str, Any]:
    import tablib

    before = table_counts()
    resource = _peer_resource(bulk)
    with Measured() as measured:
        if path.suffix == ".csv":
            dataset = tablib.Dataset().load(path.read_text(encoding="utf-8-sig"), format="csv")
        else:
            with path.open("rb") as fh:
                dataset = tablib.Dataset().load(fh, format="xlsx")
        result = resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    check(not result.has_errors() and not result.has_validation_errors(), "django-import-export reported errors")
    after = table_counts()
    check(after["workers"] - before["workers"] == rows, "django-import-export did not write every row")
    figures = measured.figures
    figures["rows_per_second"] = round(rows / figures["seconds"]) if figures["seconds"] else 0
    return {"import": figures, "written": {k: after[k] - before[k] for k in after}}


def contender_raw(path: Path, rows: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from gongjiang.imports.base import read_table
    from gongjiang.orgs.models import Employer
    from gongjiang.orgs.queries import cities_of

    before = table_counts()
    employers = {e.uscc: e for e in Employer.objects.all()}
    cities = cities_of({e.union_id for e in employers.values()})
    with Measured() as measured:
        table = read_table(path)
        next(table)
        now = (
            timezone.now() if connection.vendor == "postgresql" else timezone.now().replace(tzinfo=None).isoformat(" ")
        )
        values = []
        for name, number, phone, uscc, *_rest in table:
            e = employers[uscc]
            row = (name, number, number, number[:18], number[-4:], "M", "1980-01-01", phone, phone[:11], e.pk)
            values.append((*row, e.union_id, cities[e.union_id], e.region_id, "employed", now, now))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO people_worker (name, id_number_enc, id_number_hash, id_number_masked, id_last4, sex,"
                " birth_date, phone_enc, phone_masked, employer_id, union_id, city_id, region_code, status, created_at,"
                " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                values,
            )
    after = table_counts()
    check(after["workers"] - before["workers"] == rows, "the raw insert did not write every row")
    figures = measured.figures
    figures["rows_per_second"] = round(rows / figures["seconds"]) if figures["seconds"] else 0
    return {"import": figures, "written": {k: after[k] - before[k] for k in after}}


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


CONTENDERS = ("ours", "peer", "peer-bulk", "raw")
LABELS = {
    "ours": "ours (validated, encrypted, audited)",
    "peer": "django-import-export",
    "peer-bulk": "django-import-export, bulk mode",
    "raw": "raw executemany",
}


def setup_django(database_url: str) -> None:
    configure_environment(database_url)
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = BENCH_DIR / "uploads"  # stored uploads go under var/bench, not the app's var/uploads


def child_setup(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate and seed the database, write the file."""
    from django.core.management import call_command

    setup_django(args.database_url)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", workers=0, stdout=io.StringIO())
    setup_seconds = time.perf_counter() - started
    started = time.perf_counter()
    path = generate(args.rows, args.format)
    generate_seconds = time.perf_counter() - started
    vendor = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    database_size_mb(vendor, args.database_url)  # on SQLite: checkpoint the WAL into the file before it is copied
    return {
        "file": str(path),
        "database": database_label(vendor),
        "setup_seconds": round(setup_seconds, 2),
        "generate_seconds": round(generate_seconds, 2),
    }


def child_run(args: argparse.Namespace) -> dict[str, Any]:
    setup_django(args.database_url)
    from django.conf import settings

    path = Path(args.file)
    # a benchmark past the app's caps (one million rows) lifts them for this process only
    settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, args.rows)
    settings.IMPORT_MAX_UPLOAD_BYTES = max(settings.IMPORT_MAX_UPLOAD_BYTES, path.stat().st_size)
    if args.contender == "ours":
        vendor = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
        profile_to = BENCH_DIR / f"profile-{vendor}-{args.format}-{args.rows}.pstats" if args.profile else None
        result = contender_ours(path, args.rows, profile_to, reimport=not args.no_reimport)
        if profile_to:
            result["profile"] = str(profile_to)
        return result
    if args.contender in {"peer", "peer-bulk"}:
        return contender_peer(path, args.rows, bulk=args.contender == "peer-bulk")
    return contender_raw(path, args.rows)


def spawn(stage: str, args: argparse.Namespace, database_url: str, **extra: str) -> dict[str, Any]:
    """Run one stage in a child process; its last output line is a JSON result."""
    command = [sys.executable, __file__, "--stage", stage, "--rows", str(args.rows), "--format", args.format]
    command += ["--database-url", database_url]
    for key, value in extra.items():
        command += [f"--{key}", value]
    if args.profile:
        command.append("--profile")
    if args.no_reimport:
        command.append("--no-reimport")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"{stage} {extra} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median import time (the lower middle of an even count)."""
    return sorted(runs, key=lambda run: run["import"]["seconds"])[(len(runs) - 1) // 2]


def report(result: dict[str, Any]) -> None:
    def timing(f: dict[str, Any]) -> str:
        phases = ", ".join(f"{k} {v:.1f}s" for k, v in f.get("phases", {}).items())
        server = f" + {f['server_cpu_seconds']:.1f} s the server's" if f.get("server_cpu_seconds") is not None else ""
        return (
            f"{f['seconds']:.1f} s wall, {f['cpu_seconds']:.1f} s CPU{server} ({f['rows_per_second']} rows/s)"
            + (f": {phases}" if phases else "")
            + f"; gc {f['gc_seconds']:.1f}s"
        )

    def memory(f: dict[str, Any]) -> str:
        return (
            f"before {f['rss_before_mb']:.0f} MB, peak {f['peak_rss_mb']:.0f} MB "
            f"(sampled {f['sampled_peak_rss_mb']:.0f}), after {f['rss_after_mb']:.0f} MB"
        )

    print(
        f"rows / format / database  {result['rows']} / {result['format']} ({result['file_mb']} MB) / {result['database']}"
    )
    print(f"setup / generate          {result['setup_seconds']:.1f} s / {result['generate_seconds']:.1f} s")
    print(f"import code               {result['import_code_sha']}")
    for name, figures in result["contenders"].items():
        print(f"\n{LABELS[name]}")
        print(f"  import      {timing(figures['import'])}")
        print(f"  RSS         {memory(figures['import'])}")
        w = figures["written"]
        print(
            f"  written     {w['workers']} workers, {w['grades']} grades, {w['links']} links, {w['audit']} audit rows"
        )
        if "reimport" in figures:
            print(f"  re-import   {timing(figures['reimport'])}")
            print(f"  RSS         {memory(figures['reimport'])}")
        load = (figures["import"]["loadavg_before"], figures["import"]["loadavg_after"])
        print(f"  load avg    {load[0]} -> {load[1]} on {result['cpus']} CPUs")
    print()
    rates = {name: f["import"]["rows_per_second"] for name, f in result["contenders"].items()}
    head = f"| {'contender':<38} | {'wall s':>7} | {'CPU s':>6} | {'rows/s':>8} | {'RSS before -> peak MB':>21} |"
    print(head)
    print("|" + "|".join("-" * (len(cell) + 0) for cell in head.split("|")[1:-1]) + "|")
    for name, f in result["contenders"].items():
        i = f["import"]
        memory_cell = f"{i['rss_before_mb']:.0f} -> {i['peak_rss_mb']:.0f}"
        print(
            f"| {LABELS[name]:<38} | {i['seconds']:>7.1f} | {i['cpu_seconds']:>6.1f} | {i['rows_per_second']:>8,} "
            f"| {memory_cell:>21} |"
        )
    rounds = result.get("rounds", [])
    for peer in ("peer", "peer-bulk"):
        if "ours" in rates and rates.get(peer):
            median = " (the median runs)" if len(rounds) > 1 else ""
            print(f"ours / {LABELS[peer]}: {rates['ours'] / rates[peer]:.2f}x rows/s{median}")
            if len(rounds) > 1:
                ratios = sorted(done[peer] / done["ours"] for done in rounds)
                each = ", ".join(f"{done['ours']:.1f} s against {done[peer]:.1f} s" for done in rounds)
                print(f"  round by round: {each}")
                print(f"  ratios {', '.join(f'{r:.2f}x' for r in ratios)}; median {statistics.median(ratios):.2f}x")
    profile = result["contenders"].get("ours", {}).get("profile")
    if profile:
        print(f"\nprofile of our first import: {profile}")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--database-url", help="default: a new SQLite file under var/bench/")
    parser.add_argument(
        "--contenders", default=",".join(CONTENDERS), help="comma-separated, of: " + ", ".join(CONTENDERS)
    )
    parser.add_argument("--json", action="store_true", help="also print every figure as one JSON line")
    parser.add_argument("--profile", action="store_true", help="cProfile our first import into var/bench/*.pstats")
    parser.add_argument("--no-reimport", action="store_true", help="skip our second import of the same file")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the contenders this many times, the order reversed every other round; the table shows "
        "each contender's median run, and each round's ratio is printed (a shared machine drifts)",
    )
    parser.add_argument("--stage", choices=("setup", "run"), help=argparse.SUPPRESS)
    parser.add_argument("--contender", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stage == "setup":
        print(json.dumps(child_setup(args)))
        return
    if args.stage == "run":
        print(json.dumps(child_run(args)))
        return

    contenders = [c.strip() for c in args.contenders.split(",") if c.strip()]
    unknown = set(contenders) - set(CONTENDERS)
    if unknown:
        sys.exit(f"unknown contenders: {', '.join(sorted(unknown))}")
    database_url, vendor = fresh_database(args.database_url, args.format)
    configure_environment(database_url)  # the keys every child inherits
    setup = spawn("setup", args, database_url)
    rounds: list[dict[str, Any]] = []
    for number in range(max(args.rounds, 1)):
        order = contenders if number % 2 == 0 else contenders[::-1]
        this: dict[str, Any] = {}
        for name in order:
            copy = clone_database(database_url, vendor, name)
            this[name] = spawn("run", args, copy, contender=name, file=setup["file"])
        rounds.append(this)
    results = {name: median_run([done[name] for done in rounds]) for name in contenders}
    result = {
        "rows": args.rows,
        "format": args.format,
        "database": setup["database"],
        "file_mb": round(Path(setup["file"]).stat().st_size / 2**20, 2),
        "setup_seconds": setup["setup_seconds"],
        "generate_seconds": setup["generate_seconds"],
        "contenders": results,
        "rounds": [{name: done[name]["import"]["seconds"] for name in contenders} for done in rounds],
        "import_code_sha": code_fingerprint(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    report(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
