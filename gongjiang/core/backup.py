"""Backups and restores (``manage.py backup`` / ``manage.py restore``, docs/operations.md).

A backup is one ``.tar`` file holding:

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site serves) or
  ``database.dump`` (``pg_dump -Fc`` inside an exported snapshot, so the row counts below were
  read from the very state that was dumped);
- ``uploads.tar``: the private uploads (``MEDIA_ROOT``);
- ``manifest.json``: format, application version, database vendor, the applied migrations,
  row counts per table, SHA-256 and size of each file, and fingerprints (not the keys) of the
  field keys the data was written with.

The keys are never in a backup: without the same ``FIELD_ENCRYPTION_KEYS`` and ``FIELD_HASH_KEY``
a restored database decrypts nothing and finds no one by ID number.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import crypto
from .errors import DomainError

FORMAT = 1
DB_SQLITE = "database.sqlite3"
DB_POSTGRES = "database.dump"
UPLOADS = "uploads.tar"
MANIFEST = "manifest.json"


class BackupError(DomainError):
    """A backup or restore that cannot go on; the message says why and what to do."""


def fingerprint(secret: str) -> str:
    """A short, one-way name for a key: tells which key a backup needs, reveals nothing of it."""
    return hashlib.sha256(b"gongjiang-key-fingerprint:" + secret.encode()).hexdigest()[:16]


def app_version() -> str:
    text = (Path(settings.BASE_DIR) / "pyproject.toml").read_text(encoding="utf-8")
    version = next((line.split('"')[1] for line in text.splitlines() if line.startswith("version")), "?")
    head = Path(settings.BASE_DIR) / ".git"
    commit = ""
    try:
        commit = subprocess.run(  # noqa: S603
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    except OSError:
        commit = ""
    return f"{version}+{commit}" if commit and head.exists() else version


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def applied_migrations(conn: Any = connection) -> dict[str, list[str]]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        rows = cursor.fetchall()
    state: dict[str, list[str]] = {}
    for app, name in rows:
        state.setdefault(app, []).append(name)
    return state


def _tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed})


def row_counts(cursor: Any, existing: set[str]) -> dict[str, int]:
    counts = {}
    for table in _tables():
        if table in existing:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (table names from the models)
            counts[table] = cursor.fetchone()[0]
    return counts


def encrypted_fields() -> list[tuple[Any, str]]:
    """Every stored ciphertext column: ``(model, field name)`` for text fields named ``*_enc``."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name.endswith("_enc") and field.get_internal_type() == "TextField"
    ]


@dataclass
class Result:
    path: Path
    manifest: dict


def _tar_uploads(target: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target, "w") as archive:
        if media.exists():
            archive.add(media, arcname="uploads")


# ---------------------------------------------------------------------------------------- backup


def _backup_sqlite(workdir: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    target = workdir / DB_SQLITE
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)  # online: other writers carry on meanwhile
    finally:
        destination.close()
    copy = sqlite3.connect(target)
    try:
        cursor = copy.cursor()
        existing = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = row_counts(cursor, existing)
        migrations: dict[str, list[str]] = {}
        for app, name in cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            migrations.setdefault(app, []).append(name)
    finally:
        copy.close()
    return counts, migrations


def _pg_env(conn: Any = connection) -> tuple[list[str], dict[str, str]]:
    """``pg_dump``/``pg_restore`` connection arguments and environment (password never on argv)."""
    params = conn.settings_dict
    args = ["--dbname", str(params["NAME"])]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict[str, str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed: install the Debian package postgresql-client")
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip()[-2000:]}")


def _backup_postgres(workdir: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    args, env = _pg_env()
    # One snapshot for the counts and the dump: the transaction stays open while pg_dump runs.
    conn = connections.create_connection("default")
    try:
        conn.ensure_connection()
        raw = conn.connection
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            existing = {row[0] for row in cursor.fetchall()}
            counts = row_counts(cursor, existing)
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            migrations: dict[str, list[str]] = {}
            for app, name in cursor.fetchall():
                migrations.setdefault(app, []).append(name)
            _run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    *args,
                    "--file",
                    str(workdir / DB_POSTGRES),
                ],
                env,
            )
        raw.rollback()
    finally:
        conn.close()
    return counts, migrations


def make_backup(output_dir: Path, *, now: Any = None) -> Result:
    """Write one backup archive into ``output_dir`` and return it with its manifest."""
    now = now or timezone.now()
    output_dir.mkdir(parents=True, exist_ok=True)
    name = f"gongjiang-{timezone.localtime(now):%Y%m%d-%H%M%S}"
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as tmp:
        workdir = Path(tmp)
        counts, migrations = (_backup_sqlite if vendor == "sqlite" else _backup_postgres)(workdir)
        _tar_uploads(workdir / UPLOADS)
        database_file = DB_SQLITE if vendor == "sqlite" else DB_POSTGRES
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "app_version": app_version(),
            "django_version": django.get_version(),
            "database": vendor,
            "migrations": migrations,
            "row_counts": counts,
            "files": {
                f: {"sha256": _sha256(workdir / f), "size": (workdir / f).stat().st_size}
                for f in (database_file, UPLOADS)
            },
            "keys": {
                "field_encryption_keys": [fingerprint(k) for k in settings.FIELD_ENCRYPTION_KEYS],
                "field_hash_key": fingerprint(settings.FIELD_HASH_KEY),
            },
        }
        (workdir / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        archive_path = output_dir / f"{name}.tar"
        partial = output_dir / f".{name}.tar.partial"
        with tarfile.open(partial, "w") as archive:
            for f in (MANIFEST, database_file, UPLOADS):
                archive.add(workdir / f, arcname=f)
        os.chmod(partial, 0o600)
        partial.replace(archive_path)
    return Result(archive_path, manifest)


# --------------------------------------------------------------------------------------- restore


@contextmanager
def unpacked(archive_path: Path) -> Iterator[tuple[Path, dict]]:
    """The archive's files in a private temporary folder, checked against the manifest."""
    if not archive_path.is_file():
        raise BackupError(f"no backup at {archive_path}")
    with tempfile.TemporaryDirectory(prefix="gongjiang-restore-") as tmp:
        workdir = Path(tmp)
        try:
            with tarfile.open(archive_path) as archive:
                names = set(archive.getnames())
                if MANIFEST not in names:
                    raise BackupError(f"{archive_path} is not a Gongjiang backup (no {MANIFEST})")
                for member in archive.getmembers():
                    if member.name in {MANIFEST, DB_SQLITE, DB_POSTGRES, UPLOADS} and member.isfile():
                        archive.extract(member, workdir, filter="data")
        except tarfile.TarError as exc:
            raise BackupError(f"{archive_path} is not a readable backup: {exc}") from exc
        manifest = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT}")
        for name, meta in manifest["files"].items():
            path = workdir / name
            if not path.is_file() or _sha256(path) != meta["sha256"]:
                raise BackupError(f"{name} in {archive_path} does not match its checksum: the backup is damaged")
        yield workdir, manifest


def check_compatible(manifest: dict, *, force_keys: bool = False) -> list[str]:
    """Refuse a restore that cannot work; return warnings for one that needs a step after it."""
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"this backup is of a {manifest['database']} database and this site uses {connection.vendor}: "
            "restore into the same kind of database"
        )
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names]
    unknown = [m for m in unknown if tuple(m.split(".", 1)) not in graph.nodes]
    if unknown:
        raise BackupError(
            "the backup was made by a newer version (migrations unknown here: "
            + ", ".join(unknown[:5])
            + "): install that version first"
        )
    keys = manifest["keys"]
    current = {fingerprint(k) for k in settings.FIELD_ENCRYPTION_KEYS}
    problems = []
    if not current & set(keys["field_encryption_keys"]):
        problems.append("none of FIELD_ENCRYPTION_KEYS is a key this backup was written with")
    if fingerprint(settings.FIELD_HASH_KEY) != keys["field_hash_key"]:
        problems.append("FIELD_HASH_KEY is not the key this backup was written with")
    if problems and not force_keys:
        raise BackupError(
            "; ".join(problems)
            + ": the restored ID numbers and phones would not decrypt and no one could be found by ID number. "
            "Set the keys kept with the backup's key record (docs/operations.md), or pass --force-keys."
        )
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    pending = [node for node in graph.leaf_nodes() if node not in applied]
    return ["the backup predates this version: run manage.py migrate after the restore"] if pending else problems


def _restore_sqlite(workdir: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(workdir / DB_SQLITE)
    try:
        source.backup(connection.connection)  # replaces every page of the live database at once
    finally:
        source.close()


def _restore_postgres(workdir: Path) -> None:
    """The current schema is renamed aside, not dropped, until ``pg_restore`` has succeeded: a
    failed restore puts it back as it was. Extensions (pg_trgm) move to the new schema, since the
    dump's ``CREATE EXTENSION IF NOT EXISTS`` would otherwise find them aside and do nothing."""
    args, env = _pg_env()
    aside = f"public_before_restore_{timezone.now():%Y%m%d%H%M%S}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.extname, e.extrelocatable FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE n.nspname = 'public'"
        )
        extensions = cursor.fetchall()
        fixed = [name for name, relocatable in extensions if not relocatable]
        if fixed:
            raise BackupError(f"extensions that cannot move schema: {', '.join(fixed)}; restore into an empty database")
        cursor.execute(f"ALTER SCHEMA public RENAME TO {aside}")
        cursor.execute("CREATE SCHEMA public")
        for name, _ in extensions:
            cursor.execute(f'ALTER EXTENSION "{name}" SET SCHEMA public')
    try:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(workdir / DB_POSTGRES),
            ],
            env,
        )
    except BackupError:
        with connection.cursor() as cursor:  # the failed restore rolled back: public holds the extensions only
            for name, _ in extensions:
                cursor.execute(f'ALTER EXTENSION "{name}" SET SCHEMA {aside}')
            cursor.execute("DROP SCHEMA public")
            cursor.execute(f"ALTER SCHEMA {aside} RENAME TO public")
        raise
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA {aside} CASCADE")


def _restore_uploads(workdir: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=media.parent if media.parent.exists() else None) as tmp:
        with tarfile.open(workdir / UPLOADS) as archive:
            archive.extractall(tmp, filter="data")
        restored = Path(tmp) / "uploads"
        if media.exists():
            shutil.rmtree(media)
        if restored.exists():
            shutil.move(str(restored), str(media))
            for path in media.rglob("*"):
                os.chmod(path, 0o700 if path.is_dir() else 0o600)


def verify(manifest: dict, *, sample: int = 0) -> dict[str, Any]:
    """Row counts as in the manifest, and how many stored ciphertexts decrypt (``sample`` per
    column, 0 for all)."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        counts = row_counts(cursor, existing)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["row_counts"].items() if counts.get(t) != n}
    decrypted = total = 0
    for model, field in encrypted_fields():
        values = model._default_manager.exclude(**{field: ""}).values_list(field, flat=True).order_by("pk")
        for token in values[:sample] if sample else values.iterator(chunk_size=2000):
            total += 1
            try:
                crypto.decrypt(token)
            except Exception:  # noqa: S112 (counted: a value that does not decrypt)
                continue
            decrypted += 1
    return {"row_count_mismatches": wrong, "decrypted": decrypted, "encrypted": total}


def restore(archive_path: Path, *, force_keys: bool = False, progress: Callable[[str], None] = print) -> dict:
    """Replace this site's database and uploads with the backup's; return the verification."""
    with unpacked(archive_path) as (workdir, manifest):
        warnings = check_compatible(manifest, force_keys=force_keys)
        progress(f"restoring {manifest['database']} backup of {manifest['created_at']} ({manifest['app_version']})")
        crypto._fernet.cache_clear()
        if connection.vendor == "sqlite":
            _restore_sqlite(workdir)
        else:
            _restore_postgres(workdir)
        for conn in connections.all():
            conn.close()
        _restore_uploads(workdir)
        with transaction.atomic():
            report = verify(manifest, sample=1000)
    report["warnings"] = warnings
    return report


def archive_members(archive_path: Path) -> dict[str, bytes]:
    """Every file in a backup, read into memory (tests and inspection of small backups)."""
    out = {}
    with tarfile.open(archive_path) as archive:
        for member in archive.getmembers():
            handle = archive.extractfile(member)
            if handle is not None:
                out[member.name] = handle.read()
                if member.name == UPLOADS:
                    with tarfile.open(fileobj=io.BytesIO(out[member.name])) as inner:
                        for m in inner.getmembers():
                            h = inner.extractfile(m)
                            if h is not None:
                                out[f"{UPLOADS}/{m.name}"] = h.read()
    return out
