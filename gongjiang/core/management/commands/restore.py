"""``manage.py restore ARCHIVE``: replace the database and uploads with a backup's, then verify."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongjiang.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup into this site's database (stop the web server and the "
        "task worker first). Needs the same FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY as when it was made."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("archive", type=Path)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument(
            "--force-keys",
            action="store_true",
            help="restore although the configured keys are not the backup's (the data will not decrypt)",
        )

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(str(options["archive"]))
        if options["interactive"]:
            answer = input(f"This replaces every row and upload of this site with {archive}. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("restore cancelled")
        try:
            report = restore(archive, force_keys=bool(options["force_keys"]), progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for warning in report["warnings"]:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(f"restored; {report['decrypted']} of {report['encrypted']} sampled encrypted values decrypt")
        if report["row_count_mismatches"]:
            raise CommandError(f"row counts differ from the manifest: {report['row_count_mismatches']}")
        if report["decrypted"] != report["encrypted"]:
            raise CommandError(
                "some values do not decrypt: FIELD_ENCRYPTION_KEYS does not hold every key the data was written with"
            )
