"""Reads of the worker registry; every one starts from :func:`workers_for_user`."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from gongjiang.core import crypto
from gongjiang.core.validators import validate_id_number
from gongjiang.orgs.models import Employer
from gongjiang.orgs.rules import VIEW_WORKERS
from gongjiang.orgs.scope import Scope

from .models import Worker

_LAST4_RE = re.compile(r"^\d{3}[\dXx]$")


def workers_for_user(scope: Scope, *, own: bool = True) -> QuerySet[Worker]:
    """Workers in the user's reach, plus (``own``) the user's own record.

    Lists and counts pass ``own=False``: "in reach OR mine" in one condition stops PostgreSQL
    from using the union index (a city admin's first page read the whole table). A user without
    the capability sees only their own record either way; an official's own record outside their
    reach stays reachable by its page and the API's look-ups, which keep ``own``.
    """
    authenticated = getattr(scope.user, "is_authenticated", False)
    if not scope.has(VIEW_WORKERS):
        return Worker.objects.filter(Q(user=scope.user)) if authenticated else Worker.objects.none()
    reach = scope.union_filter(VIEW_WORKERS)
    if own and authenticated:
        reach |= Q(user=scope.user)
    return Worker.objects.filter(reach)


# How many employers a name search follows; a term matching more employers than this is too
# vague to list by employer (their workers are still found by name).
EMPLOYER_MATCHES = 2000
# Substrings this long are found through the trigram index on PostgreSQL; shorter terms match
# names exactly or by prefix (a btree), since most Chinese names are two or three characters.
TRIGRAM_MIN = 3


def search_workers(qs: QuerySet[Worker], text: str) -> QuerySet[Worker]:
    """A whole ID number matches its hash; four digits match the ID's last four; else the name
    (exactly, by prefix, or, from three characters, anywhere) or the employer's name, exact name
    matches first. Matching employers are looked up first, so each half of the search uses an index."""
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
    names = Q(name__contains=text) if len(text) >= TRIGRAM_MIN else Q(name__startswith=text)
    employers = list(
        Employer.objects.filter(name__contains=text).order_by().values_list("pk", flat=True)[: EMPLOYER_MATCHES + 1]
    )
    if employers and len(employers) <= EMPLOYER_MATCHES:
        names |= Q(employer_id__in=employers)
    exact_first = Case(When(name=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.filter(names).order_by(exact_first, "-id")


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
    return qs if qs.query.order_by else qs.order_by("-id")
