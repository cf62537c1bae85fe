from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from gongjiang.stats import reports


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


class Command(BaseCommand):
    help = "Write the monthly bulletins (月通报) of last month, or of --month YYYY-MM (run on the first of the month)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", type=_month)

    def handle(self, *args: object, **options: object) -> None:
        made = reports.make_bulletins(options["month"])  # type: ignore[arg-type]
        if options["verbosity"]:
            self.stdout.write(f"{len(made)} bulletins")
