"""Build a plausible Heilongjiang: each installed app's ``demo.seed(ctx)``, in layer order.

The union tree and log-ins (orgs), workers with grades (people), competitions, policy, awards,
colleges, studios: each app's own ``demo.py`` makes its part and leaves in the shared
:class:`~gongjiang.core.seeding.DemoContext` what the layers above need. Deterministic for a given
--seed. This command knows no app's data; it only runs them and prints the log-ins.
"""

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext, seed_apps
from gongjiang.orgs.demo import DEMO_PASSWORD
from gongjiang.orgs.models import Employer, Union
from gongjiang.people.models import Worker


class Command(BaseCommand):
    help = "Load the Heilongjiang demo: unions, employers, workers with grades, and one log-in per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=3000, help="generated workers (default 3000)")
        parser.add_argument("--employers-per-city", type=int, default=10)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when unions already exist")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Union.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("Demo data already present; nothing to do.")
                self.print_logins()
                return
            raise CommandError("The database already has unions; seed_demo only fills an empty database.")
        started = time.monotonic()
        ctx = DemoContext(rng=random.Random(opts["seed"]), options=opts, log=self.stdout.write)
        seed_apps(ctx)  # each app's seed in one transaction (core.seeding)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {time.monotonic() - started:.1f}s: {Union.objects.count()} unions, "
                f"{Employer.objects.count()} employers, {Worker.objects.count()} workers."
            )
        )
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
        for user in User.objects.filter(roles__isnull=False).distinct().order_by("pk"):
            roles = ", ".join(f"{r.get_kind_display()} @ {r.union.name}" for r in user.roles.select_related("union"))
            self.stdout.write(f"  {user.username:<12} {roles}")
