"""The alliance targets of the province's policy (data/targets.json), loaded as target rows that cite
their document and clause: the cumulative goal (≥ 50 alliances at all levels by 2025) and every city and
industrial union's yearly one. Nothing in code says 50; an operator changes the file, not the code."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongjiang.core.models import User
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import PolicyDocument

from . import services

DATA = Path(__file__).parent / "data" / "targets.json"


def citation(document: PolicyDocument, clause: str) -> str:
    """How a target row cites its source: the document number, then the clause."""
    return f"{document.doc_no} {clause}"


def policy_document(data: dict[str, Any]) -> PolicyDocument:
    fields = {k: v for k, v in data.items() if k != "doc_no"} | {"issued_on": dt.date.fromisoformat(data["issued_on"])}
    return PolicyDocument.objects.get_or_create(doc_no=data["doc_no"], defaults=fields)[0]


@transaction.atomic
def load(*, actor: User, scope: Scope, through: int | None = None) -> int:
    """Set every target the policy file states, yearly ones up to ``through`` (default this year);
    return how many target rows were set."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    document = policy_document(data["document"])
    through = through or timezone.localdate().year
    count = 0
    for target in data["targets"]:
        cited = citation(document, target["clause"])
        if target["who"] == "province":
            province = Union.objects.get(kind=UnionKind.PROVINCE)
            services.set_target(
                actor=actor,
                scope=scope,
                union=province,
                year=target["year"],
                alliances=target["alliances"],
                cumulative=target["cumulative"],
                document=cited,
            )
            count += 1
        else:
            for year in range(target["each_year_from"], through + 1):
                count += services.set_yearly_targets(
                    actor=actor, scope=scope, year=year, alliances=target["alliances"], document=cited
                )
    return count
