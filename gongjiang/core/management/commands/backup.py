"""``manage.py backup``: one archive of the database, the uploads and a manifest (no keys)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongjiang.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup API, or pg_dump -Fc) and the uploads into one .tar "
        "with a manifest. The field keys are never in it: keep them separately (docs/operations.md)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--output", type=Path, default=None, help="folder for the archive (BACKUP_DIR)")

    def handle(self, *args: object, **options: object) -> None:
        output = options["output"] or Path(settings.BACKUP_DIR)
        try:
            result = make_backup(Path(str(output)))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.manifest["row_counts"].values())
        self.stdout.write(
            f"{result.path} ({result.path.stat().st_size // 1024} KiB, {rows} rows in "
            f"{len(result.manifest['row_counts'])} tables). The keys are not in it: "
            "without FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY a restore decrypts nothing."
        )
