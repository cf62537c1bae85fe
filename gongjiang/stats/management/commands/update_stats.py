from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjiang.stats import fill


class Command(BaseCommand):
    help = "Fill the statistics rollups (idempotent, resumable, one run at a time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            type=date.fromisoformat,
            help="rewrite from this date: its month for sums, its year for people counted once (YYYY-MM-DD)",
        )
        parser.add_argument("--full", action="store_true", help="rewrite the whole history")
        parser.add_argument(
            "--recent", action="store_true", help="rewrite from the first of last month (a frequent run)"
        )
        parser.add_argument("--indicator", action="append", dest="codes", help="only this indicator (repeatable)")

    def handle(self, *args: object, **options: object) -> None:
        since = fill.EPOCH if options["full"] else options["since"]
        if options["recent"]:
            from django.utils import timezone

            since = fill.recent_since(timezone.localdate())
        try:
            filled = fill.update_stats(since=since, codes=options["codes"])  # type: ignore[arg-type]
        except fill.FillLocked as exc:
            raise CommandError("another update_stats is running") from exc
        if options["verbosity"]:
            self.stdout.write(f"filled {len(filled)} indicators: {', '.join(filled)}")
