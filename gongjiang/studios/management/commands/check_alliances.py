"""Cron's way to the inactivity rule: warn, then delist, the members of every alliance a union manages
that have been inactive for the alliance's set period (the same service as the alliance page's button)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongjiang.core.models import User
from gongjiang.orgs.rules import MANAGE_STUDIOS
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from gongjiang.studios.models import Alliance


class Command(BaseCommand):
    help = "Warn or delist inactive alliance members, acting as a union official who manages the alliances."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as", dest="username", required=True, help="the official's username (audited)")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active account {opts['username']!r}.")
        scope = Scope(user)
        if not scope.has(MANAGE_STUDIOS):
            raise CommandError(f"{user.username} manages no alliances.")
        alliances = Alliance.objects.filter(scope.union_filter(MANAGE_STUDIOS, "lead_union")).order_by("pk")
        for alliance in alliances:
            for membership, state in services.check_inactivity(actor=user, scope=scope, alliance=alliance):
                self.stdout.write(f"{alliance.name}\t{membership.display_name}\t{state}")
        self.stdout.write(f"{alliances.count()} alliances checked.")
