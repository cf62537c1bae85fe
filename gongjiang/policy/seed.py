"""Load DOMAIN.md's documents, programmes and rules (policy/data/seed.json); safe to run twice."""

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from . import services
from .models import Goal, PolicyDocument, Programme, Rule

SEED = Path(__file__).parent / "data" / "seed.json"


@transaction.atomic
def load() -> int:
    """Create what is missing; return how many rules were added."""
    data = json.loads(SEED.read_text(encoding="utf-8"))
    programmes = {
        p["code"]: Programme.objects.get_or_create(code=p["code"], defaults={"name": p["name"], "kind": p["kind"]})[0]
        for p in data["programmes"]
    }
    documents = {}
    for d in data["documents"]:
        fields = {k: v for k, v in d.items() if k != "doc_no"} | {"issued_on": dt.date.fromisoformat(d["issued_on"])}
        documents[d["doc_no"]] = PolicyDocument.objects.get_or_create(doc_no=d["doc_no"], defaults=fields)[0]
    for g in data.get("goals", []):
        if not Goal.objects.filter(honour_level=g["honour_level"]).exists():
            services.save_goal(actor=None, scope=None, fields=g | {"document": documents[g["document"]]})
    added = 0
    for r in data["rules"]:
        if Rule.objects.filter(code=r["code"]).exists():
            continue
        services.add_rule_version(
            actor=None,
            scope=None,
            code=r["code"],
            kind=r["kind"],
            name=r["name"],
            document=documents[r["document"]],
            clause=r["clause"],
            effective_from=dt.date.fromisoformat(r["effective_from"]),
            terms=r["terms"],
            programme=programmes.get(r.get("programme", "")),
        )
        added += 1
    return added
