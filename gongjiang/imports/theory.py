"""Theory scores (and times used) for an event, by competitor number, from the exam system's export."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.competitions.enums import EntryState, State
from gongjiang.competitions.models import Entry, Event
from gongjiang.core import audit
from gongjiang.core.models import AuditAction
from gongjiang.orgs.rules import MANAGE_COMPETITIONS

from .base import Column, FileError, Importer

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
    label = gettext_lazy("Theory scores")
    columns = (
        Column("competitor_no", gettext_lazy("Competitor number")),
        Column("theory", gettext_lazy("Theory score"), clean_score),
        Column("time_used", gettext_lazy("Time used (seconds)"), clean_seconds, required=False),
    )

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
