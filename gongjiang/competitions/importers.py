"""The competitions' importers, run in the framework of :mod:`gongjiang.imports`.

- Bulk entries for one event from a spreadsheet: every row checked for every eligibility rule first,
  then all entered in one transaction through the same service as the event page.
- Theory scores (and times used) for an event, by competitor number, from the exam system's export.
"""

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.core import audit, crypto
from gongjiang.core.models import AuditAction
from gongjiang.core.validators import validate_id_number
from gongjiang.imports.base import Column, FileError, Importer
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS
from gongjiang.people.models import Worker

from . import services
from .eligibility import refusals
from .enums import EntryState, Mode, State
from .models import Entry, Event
from .queries import events_for_user


def _event_target(importer: Importer, url_name: str) -> tuple[str, str] | None:
    """The event named by the import's context, when the user may see it, and its page."""
    event = (
        events_for_user(importer.scope).select_related("competition").filter(pk=importer.context.get("event")).first()
        if importer.context.get("event")
        else None
    )
    if event is None:
        return None
    return f"{event.competition.name} · {event.name}", reverse(url_name, args=[event.pk])


class EntryImporter(Importer):
    kind = "entries"
    capability = ENTER_COMPETITIONS
    label = gettext_lazy("Entries")
    columns = (
        Column("id_number", gettext_lazy("ID number"), validate_id_number, sensitive=True),
        Column("team", gettext_lazy("Team"), required=False),
    )

    def target(self) -> tuple[str, str] | None:
        return _event_target(self, "competitions:event")

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


THEORY_STATES = {State.IN_PROGRESS, State.MARKING}


def clean_score(raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(_("A theory score is between 0 and 100."))
    return value.quantize(Decimal("0.01"))


def clean_seconds(raw: str) -> int:
    if not raw.strip().isdigit():
        raise ValidationError(_("Enter whole seconds."))
    return int(raw.strip())


class TheoryImporter(Importer):
    kind = "theory"
    capability = MANAGE_COMPETITIONS
    label = gettext_lazy("Theory scores")
    columns = (
        Column("competitor_no", gettext_lazy("Competitor number")),
        Column("theory", gettext_lazy("Theory score"), clean_score),
        Column("time_used", gettext_lazy("Time used (seconds)"), clean_seconds, required=False),
    )

    def target(self) -> tuple[str, str] | None:
        return _event_target(self, "competitions:event_results")

    def event(self) -> Event:
        event = Event.objects.select_related("competition").filter(pk=self.context.get("event")).first()
        if event is None or not self.scope.covers(MANAGE_COMPETITIONS, event.competition.organiser_id):
            raise FileError(_("This import belongs to an event you do not organise."))
        if event.competition.state not in THEORY_STATES or event.signed_off_at is not None:
            raise FileError(_("Theory scores are imported while the competition is under way or in marking."))
        return event

    def clean_file(self, records: list[tuple[int, Any]]) -> None:
        event = self.event()
        entries = {
            e.competitor_no: e for e in event.entries.filter(state=EntryState.REGISTERED).exclude(competitor_no="")
        }
        seen: dict[str, int] = {}
        col = self.column("competitor_no")
        for rowno, values in records:
            number = values["competitor_no"]
            if number in seen:
                self.error(
                    rowno, col, number, _("The same competitor number is on row %(row)s.") % {"row": seen[number]}
                )
            seen.setdefault(number, rowno)
            if number not in entries:
                self.error(rowno, col, number, _("No competitor of this event has this number."))
            else:
                values["entry"] = entries[number]

    def write(self, records: list[tuple[int, Any]]) -> dict[str, int]:
        event = self.event()
        updated = unchanged = 0
        with transaction.atomic():
            for _rowno, values in records:
                entry: Entry = values["entry"]
                new = (values["theory"], values["time_used"] if values["time_used"] is not None else entry.time_used)
                if (entry.theory_score, entry.time_used) == new:
                    unchanged += 1
                    continue
                before = {"theory_score": str(entry.theory_score), "time_used": entry.time_used}
                entry.theory_score, entry.time_used = new
                entry.save(update_fields=["theory_score", "time_used"])
                audit.record(
                    actor=self.actor,
                    action=AuditAction.UPDATE,
                    obj=entry,
                    before=before,
                    after={"theory_score": str(entry.theory_score), "time_used": entry.time_used},
                    union_id=event.competition.organiser_id,
                    note=_("import") + f" {timezone.localdate():%Y-%m-%d}",
                )
                updated += 1
        return {"created": 0, "updated": updated, "unchanged": unchanged}


IMPORTERS = [EntryImporter, TheoryImporter]
