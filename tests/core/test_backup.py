"""The restore drill, on the database the suite runs on: back up, wipe, restore, and everything
is back: every ID number decrypts, the audit table is identical to the microsecond, the uploads
are back and private, and the keys were never in the backup."""

import json
import os
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gongjiang.core import crypto
from gongjiang.core.backup import BackupError, archive_members, make_backup, restore
from gongjiang.core.models import AuditEntry, PiiAccess
from gongjiang.people.models import Worker
from tests.conftest import HARBIN_ID, QIQIHAR_ID, reload_reference_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db, org):
    reload_reference_data()
    PiiAccess.objects.create(user=org.users.alice, model="people.worker", object_id="1", field="id", purpose="审核")
    upload = Path(settings.MEDIA_ROOT) / "imports" / "workers.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text(f"姓名,身份证号\n张三,{HARBIN_ID}\n", encoding="utf-8")
    return upload


def _wipe() -> None:
    """Everything gone: every table (and on PostgreSQL the triggers and functions) dropped."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
    connection.close()


def _audit() -> list[tuple]:
    return list(AuditEntry.objects.order_by("pk").values_list())


def test_restore_drill(world, tmp_path):
    ids = {w.pk: crypto.decrypt(w.id_number_enc) for w in Worker.objects.all()}
    assert {HARBIN_ID, QIQIHAR_ID} <= set(ids.values())
    audit = _audit()
    assert len(audit) > 5
    assert any(row[1].microsecond for row in audit)  # the times carry microseconds to compare
    pii = list(PiiAccess.objects.values_list())

    result = make_backup(tmp_path / "backups")
    assert result.path.name.endswith(".tar")
    assert oct(result.path.stat().st_mode & 0o777) == "0o600"
    manifest = result.manifest
    assert manifest["database"] == connection.vendor
    assert "0002_heartbeat_and_append_only_audit" in manifest["migrations"]["core"]
    assert manifest["row_counts"]["people_worker"] == len(ids)
    assert manifest["row_counts"]["core_auditentry"] == len(audit)
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())

    # The keys are never in the backup, in any file of it.
    members = archive_members(result.path)
    raw = result.path.read_bytes()
    for secret in [*settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_HASH_KEY, settings.SECRET_KEY]:
        assert secret.encode() not in raw
        assert not any(secret.encode() in blob for blob in members.values())

    _wipe()
    world.unlink()
    assert "people_worker" not in connection.introspection.table_names()

    report = restore(result.path, progress=lambda _: None)
    assert report["row_count_mismatches"] == {}
    assert report["decrypted"] == report["encrypted"] > 0
    assert {w.pk: crypto.decrypt(w.id_number_enc) for w in Worker.objects.all()} == ids
    assert Worker.objects.filter(id_number_hash=crypto.keyed_hash(HARBIN_ID)).count() == 1
    assert _audit() == audit
    assert list(PiiAccess.objects.values_list()) == pii
    assert world.read_text(encoding="utf-8").endswith(f"{HARBIN_ID}\n")
    assert oct(world.stat().st_mode & 0o777) == "0o600"


def test_a_restore_without_the_keys_is_refused_and_says_why(world, tmp_path, settings):
    path = make_backup(tmp_path).path
    settings.FIELD_HASH_KEY = "another-hash-key-" * 3
    crypto._fernet.cache_clear()
    with pytest.raises(BackupError, match="FIELD_HASH_KEY is not the key this backup was written with"):
        restore(path, progress=lambda _: None)
    assert Worker.objects.count() == 2  # nothing touched


def test_a_damaged_backup_is_refused_before_anything_is_touched(world, tmp_path):
    path = make_backup(tmp_path).path
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(path) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("database"):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            dst.addfile(member, __import__("io").BytesIO(data))
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore(damaged, progress=lambda _: None)
    assert Worker.objects.count() == 2


def test_the_commands_back_up_and_restore(world, tmp_path, capsys):
    call_command("backup", "--output", str(tmp_path))
    archive = next(tmp_path.glob("gongjiang-*.tar"))
    assert "The keys are not in it" in capsys.readouterr().out
    manifest = json.loads(archive_members(archive)["manifest.json"])
    assert set(manifest) >= {"app_version", "migrations", "row_counts", "files", "keys"}
    Worker.objects.filter(pk=Worker.objects.first().pk).update(name="改过")
    call_command("restore", str(archive), "--noinput")
    assert not Worker.objects.filter(name="改过").exists()
    with pytest.raises(CommandError, match="no backup at"):
        call_command("restore", str(tmp_path / "missing.tar"), "--noinput")
    assert os.path.exists(archive)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_restore runs on PostgreSQL only")
def test_a_failed_pg_restore_puts_the_database_back(world, tmp_path, monkeypatch):
    from gongjiang.core import backup

    path = make_backup(tmp_path).path
    Worker.objects.filter(pk=Worker.objects.first().pk).update(name="恢复前")

    def failing(argv, env):
        if argv[0] == "pg_restore":
            raise BackupError("pg_restore failed: disk full")

    monkeypatch.setattr(backup, "_run", failing)
    with pytest.raises(BackupError, match="disk full"):
        restore(path, progress=lambda _: None)
    assert Worker.objects.filter(name="恢复前").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'public_before_restore_%'")
        assert cursor.fetchall() == []
