"""Studio applications from a spreadsheet: every row checked (employer in the user's reach, lead an
employed worker of it, a known level, a date), then all registered in one transaction through the same
service as the application page. A studio already registered under the same name at the same employer
is left unchanged, so importing the same file twice is a no-op."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.core import crypto
from gongjiang.core.validators import validate_id_number, validate_uscc
from gongjiang.imports.base import Column, Importer
from gongjiang.orgs.models import Employer
from gongjiang.orgs.rules import APPLY_STUDIOS
from gongjiang.people.enums import WorkerStatus
from gongjiang.people.models import Occupation, Worker

from . import services
from .enums import Level
from .models import Studio

YES = {"是", "有", "yes", "y", "true", "1", "√"}
NO = {"否", "无", "no", "n", "false", "0", ""}


def clean_level(raw: str) -> str:
    text = raw.strip().lower()
    for value, label in Level.choices:
        if text in {value, str(label).lower(), f"{str(label).lower()}工作室"}:
            return value
    aliases = {"国家级": Level.NATIONAL, "省级": Level.PROVINCIAL, "市级": Level.CITY, "企业级": Level.ENTERPRISE}
    if raw.strip() in aliases:
        return aliases[raw.strip()]
    raise ValidationError(_("Unknown level; use 国家级, 省级, 市级 or 企业级."))


def clean_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip().replace("/", "-")[:10])
    except ValueError:
        raise ValidationError(_("Write the date as YYYY-MM-DD.")) from None


def clean_flag(raw: str) -> bool:
    text = raw.strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValidationError(_("Write 是 or 否."))


class StudioImporter(Importer):
    kind = "studios"
    capability = APPLY_STUDIOS
    label = gettext_lazy("Innovation studios")
    columns = (
        Column("name", gettext_lazy("Studio name")),
        Column("level", gettext_lazy("Level"), clean_level),
        Column("uscc", gettext_lazy("Unified social credit code"), validate_uscc),
        Column("lead", gettext_lazy("Lead's ID number"), validate_id_number, sensitive=True),
        Column("field", gettext_lazy("Field")),
        Column("founded_on", gettext_lazy("Founded on"), clean_date),
        Column("occupations", gettext_lazy("Occupations"), required=False),
        Column("place", gettext_lazy("Has a place and funds"), clean_flag, required=False),
        Column("rules", gettext_lazy("Has working rules"), clean_flag, required=False),
    )

    def clean_file(self, records: list[tuple[int, Any]]) -> None:
        employers = {
            e.uscc: e
            for e in Employer.objects.filter(
                self.scope.union_filter(APPLY_STUDIOS), uscc__in={v["uscc"] for _r, v in records}
            )
        }
        hashes = {crypto.keyed_hash(v["lead"]) for _r, v in records}
        leads = {w.id_number_hash: w for w in Worker.objects.filter(id_number_hash__in=hashes)}
        occupations = {o.name: o for o in Occupation.objects.all()}
        existing = set(Studio.objects.filter(employer__in=employers.values()).values_list("employer__uscc", "name"))
        seen: dict[tuple[str, str], int] = {}
        for rowno, values in records:
            employer = employers.get(values["uscc"])
            if employer is None:
                self.error(rowno, self.column("uscc"), values["uscc"], _("No employer of your union has this code."))
                continue
            lead = leads.get(crypto.keyed_hash(values["lead"]))
            if lead is None or lead.employer_id != employer.pk or lead.status != WorkerStatus.EMPLOYED:
                self.error(
                    rowno,
                    self.column("lead"),
                    values["lead"],
                    _("No employed worker of this employer has this ID number."),
                )
            key = (values["uscc"], values["name"])
            if key in seen:
                self.error(
                    rowno,
                    self.column("name"),
                    values["name"],
                    _("The same studio is on row %(row)s.") % {"row": seen[key]},
                )
            seen[key] = rowno
            names = [
                n.strip()
                for n in (values["occupations"] or "").replace(",", "、").replace("，", "、").split("、")
                if n.strip()
            ]
            unknown = [n for n in names if n not in occupations]
            if unknown:
                self.error(
                    rowno,
                    self.column("occupations"),
                    values["occupations"],
                    _("Unknown occupation: %(names)s") % {"names": "、".join(unknown)},
                )
            if values["founded_on"] > timezone.localdate():
                self.error(
                    rowno, self.column("founded_on"), str(values["founded_on"]), _("The date cannot be in the future.")
                )
            values.update(
                employer=employer,
                lead_worker=lead,
                occupation_list=tuple(occupations[n] for n in names if n in occupations),
                exists=key in existing,
            )

    def write(self, records: list[tuple[int, Any]]) -> dict[str, int]:
        created = unchanged = 0
        with transaction.atomic():
            for _rowno, v in records:
                if v["exists"]:
                    unchanged += 1
                    continue
                services.apply_studio(
                    actor=self.actor,
                    scope=self.scope,
                    data=services.StudioData(
                        name=v["name"],
                        level=v["level"],
                        employer=v["employer"],
                        lead=v["lead_worker"],
                        field=v["field"],
                        founded_on=v["founded_on"],
                        occupations=v["occupation_list"],
                        has_place_and_funds=bool(v["place"]),
                        has_rules=bool(v["rules"]),
                    ),
                )
                created += 1
        return {"created": created, "updated": 0, "unchanged": unchanged}


IMPORTERS = [StudioImporter]
