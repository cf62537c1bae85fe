"""Bulk entries for one event from a spreadsheet: every row checked for every eligibility rule first,
then all entered in one transaction through the same service as the event page."""

from dataclasses import replace
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.competitions import services
from gongjiang.competitions.eligibility import refusals
from gongjiang.competitions.enums import EntryState, Mode, State
from gongjiang.competitions.models import Event
from gongjiang.competitions.queries import events_for_user
from gongjiang.core import crypto
from gongjiang.core.validators import validate_id_number
from gongjiang.orgs.rules import ENTER_COMPETITIONS
from gongjiang.people.models import Worker

from .base import Column, FileError, Importer


class EntryImporter(Importer):
    kind = "entries"
    label = gettext_lazy("Entries")
    columns = (
        Column("id_number", gettext_lazy("ID number"), validate_id_number, sensitive=True),
        Column("team", gettext_lazy("Team"), required=False),
    )

    def event(self) -> Event:
        event = (
            events_for_user(self.scope)
            .select_related("competition", "occupation")
            .filter(pk=self.context.get("event"))
            .first()
        )
        if event is None or not self.scope.has(ENTER_COMPETITIONS):
            raise FileError(_("This import belongs to an event you may not enter workers in."))
        if event.competition.state != State.REGISTRATION:
            raise FileError(_("Registration for this competition is not open."))
        return event

    def clean_file(self, records: list[tuple[int, Any]]) -> None:
        event = self.event()
        col, team_col = self.column("id_number"), self.column("team")
        hashes = {crypto.keyed_hash(values["id_number"]): rowno for rowno, values in records}
        workers = {
            w.id_number_hash: w
            for w in Worker.objects.filter(id_number_hash__in=hashes).select_related("employer")
            if self.scope.covers(ENTER_COMPETITIONS, w.union_id)
        }
        taken = event.entries.filter(state=EntryState.REGISTERED).count()
        seen: dict[int, int] = {}
        for rowno, values in records:
            worker = workers.get(crypto.keyed_hash(values["id_number"]))
            if worker is None:
                self.error(rowno, col, values["id_number"], _("No worker of your union has this ID number."))
                continue
            if worker.pk in seen:
                self.error(
                    rowno,
                    col,
                    values["id_number"],
                    _("The same ID number is on row %(row)s.") % {"row": seen[worker.pk]},
                )
                continue
            seen[worker.pk] = rowno
            if event.mode == Mode.TEAM and not values["team"]:
                self.error(rowno, team_col, "", _("Name the team for a team event."))
            facts = services.entry_facts(event=event, worker=worker)
            # capacity counts the rows above this one too
            full = event.capacity is not None and taken + len(seen) > event.capacity
            for reason in refusals(replace(facts, event_full=full)):
                self.error(rowno, col, values["id_number"], f"{worker.name}：{reason}")
            values["worker"] = worker

    def write(self, records: list[tuple[int, Any]]) -> dict[str, int]:
        event = self.event()
        with transaction.atomic():
            for _rowno, values in records:
                services.register_entry(
                    actor=self.actor, scope=self.scope, event=event, worker=values["worker"], team=values["team"] or ""
                )
        return {"created": len(records), "updated": 0, "unchanged": 0}
