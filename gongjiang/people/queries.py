"""Reads of the worker registry; every one starts from :func:`workers_for_user`."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from gongjiang.core import crypto
from gongjiang.core.validators import validate_id_number
from gongjiang.orgs.rules import VIEW_WORKERS
from gongjiang.orgs.scope import Scope

from .models import Worker

_LAST4_RE = re.compile(r"^\d{3}[\dXx]$")


def workers_for_user(scope: Scope) -> QuerySet[Worker]:
    """Workers in the user's reach, plus the user's own record."""
    own = Q(user=scope.user) if getattr(scope.user, "is_authenticated", False) else Q(pk__in=[])
    return Worker.objects.filter(scope.union_filter(VIEW_WORKERS) | own)


def search_workers(qs: QuerySet[Worker], text: str) -> QuerySet[Worker]:
    """A whole ID number matches its hash; four digits match the ID's last four; else name or employer."""
    text = text.strip()
    if not text:
        return qs
    if len(text) == 18:
        try:
            return qs.filter(id_number_hash=crypto.keyed_hash(validate_id_number(text)))
        except ValidationError:
            return qs.none()
    if _LAST4_RE.match(text):
        return qs.filter(id_last4=text.upper())
    return qs.filter(Q(name__contains=text) | Q(employer__name__contains=text))


def filter_workers(qs: QuerySet[Worker], params: dict[str, str]) -> QuerySet[Worker]:
    """Apply the list filters; unknown or empty values are ignored."""
    if q := params.get("q"):
        qs = search_workers(qs, q)
    if (occupation := params.get("occupation", "")).isdigit():
        qs = qs.filter(occupations=int(occupation))
    if (grade := params.get("grade", "")).isdigit():
        qs = qs.filter(top_grade=int(grade))
    if status := params.get("status"):
        qs = qs.filter(status=status)
    if sex := params.get("sex"):
        qs = qs.filter(sex=sex)
    if (employer := params.get("employer", "")).isdigit():
        qs = qs.filter(employer_id=int(employer))
    return qs
