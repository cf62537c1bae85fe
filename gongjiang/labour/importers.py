"""A round's figures from a spreadsheet, run in the framework of :mod:`gongjiang.imports`.

One row per unit and indicator: the enterprise, its section (empty for the enterprise itself), the
indicator's name and the figure (or the committee's score), and a note. Every row is checked first;
then all are entered in one transaction through the same service as the round's page, as checked
figures (the committee imports what it has checked).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongjiang.imports.base import Column, FileError, Importer
from gongjiang.orgs.rules import MANAGE_COMPETITIONS

from . import services
from .enums import Method, RoundState
from .errors import LabourError
from .models import Round, Unit
from .queries import rounds_for_user
from .standings import indicators_of


def clean_figure(raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(_("A figure is a number not below 0."))
    return value


class FigureImporter(Importer):
    kind = "labour-figures"
    capability = MANAGE_COMPETITIONS
    label = gettext_lazy("Labour competition figures")
    columns = (
        Column("employer", pgettext_lazy("labour", "Enterprise")),
        Column("section", gettext_lazy("Section (标段)"), required=False),
        Column("indicator", gettext_lazy("Indicator")),
        Column("value", gettext_lazy("Figure"), clean_figure),
        Column("note", pgettext_lazy("labour", "Note"), required=False),
    )

    def round(self) -> Round:
        round_ = (
            rounds_for_user(self.scope).select_related("competition").filter(pk=self.context.get("round")).first()
            if self.context.get("round")
            else None
        )
        if round_ is None or not self.scope.covers(MANAGE_COMPETITIONS, round_.competition.organiser_id):
            raise FileError(_("This import belongs to a round of a competition you do not organise."))
        if round_.state != RoundState.OPEN:
            raise FileError(_("The round is closed."))
        return round_

    def target(self) -> tuple[str, str] | None:
        try:
            round_ = self.round()
        except FileError:
            return None
        return str(round_), round_.get_absolute_url()

    def clean_file(self, records: list[tuple[int, Any]]) -> None:
        round_ = self.round()
        units = {
            (u.employer.name, u.section): u
            for u in Unit.objects.filter(competition_id=round_.competition_id).select_related("employer")
        }
        indicators = {i.name: i for i in indicators_of(round_.competition_id)}
        seen: dict[tuple[int, int], int] = {}
        for rowno, values in records:
            unit = units.get((values["employer"].strip(), (values["section"] or "").strip()))
            if unit is None:
                self.error(
                    rowno, self.column("employer"), values["employer"], _("No unit of this competition is called so.")
                )
                continue
            indicator = indicators.get(values["indicator"].strip())
            if indicator is None:
                self.error(
                    rowno, self.column("indicator"), values["indicator"], _("The scheme has no indicator of this name.")
                )
                continue
            if indicator.method == Method.JUDGED and values["value"] > 100:
                self.error(rowno, self.column("value"), str(values["value"]), _("A judged score is between 0 and 100."))
            key = (unit.pk, indicator.pk)
            if key in seen:
                self.error(
                    rowno,
                    self.column("indicator"),
                    values["indicator"],
                    _("The same unit and indicator are on row %(row)s.") % {"row": seen[key]},
                )
            seen.setdefault(key, rowno)
            values["unit"], values["indicator_obj"] = unit, indicator

    def write(self, records: list[tuple[int, Any]]) -> dict[str, int]:
        round_ = self.round()
        by_unit: dict[int, tuple[Unit, dict[int, tuple[Decimal | None, str]]]] = {}
        for _rowno, values in records:
            unit = values["unit"]
            by_unit.setdefault(unit.pk, (unit, {}))[1][values["indicator_obj"].pk] = (
                values["value"],
                values["note"] or "",
            )
        changed = 0
        with transaction.atomic():
            for unit, figures in by_unit.values():
                try:
                    changed += len(
                        services.report_figures(
                            actor=self.actor, scope=self.scope, round_=round_, unit=unit, values=figures, check=True
                        )
                    )
                except LabourError as exc:
                    raise FileError(f"{unit}：{exc}") from exc
        return {"created": 0, "updated": changed, "unchanged": len(records) - changed}


IMPORTERS = [FigureImporter]
