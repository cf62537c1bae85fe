"""Reads for policy: documents and rules are provincial and readable by every signed-in official."""

import datetime as dt
from functools import reduce
from operator import and_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from gongjiang.core.text import terms
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope

from .engine import RuleView
from .models import PolicyDocument, Rule


def require_official(scope: Scope) -> None:
    """Policy is for officials of any union; a worker or a judge (or a user with no role) has no business here."""
    if not scope.roles or all(r.kind in {RoleKind.WORKER, RoleKind.JUDGE} for r in scope.roles):
        raise PermissionDenied


def search_documents(qs: QuerySet[PolicyDocument], query: str) -> list[PolicyDocument]:
    """Documents holding every term of the query (segmented by jieba), best matches first.

    A term found in the title or number counts five times one found in the text. The whole
    query typed as it stands (a 文号, say) is also tried as one term.
    """
    words = terms(query)
    if not words:
        return list(qs)
    per_word = [
        Q(title__icontains=w) | Q(doc_no__icontains=w) | Q(full_text__icontains=w) | Q(issuer__icontains=w)
        for w in words
    ]
    whole = query.strip()
    found = list(qs.filter(reduce(and_, per_word) | Q(doc_no__icontains=whole) | Q(title__icontains=whole)))

    def score(doc: PolicyDocument) -> tuple[int, dt.date]:
        head = f"{doc.doc_no} {doc.title}"
        return (sum(5 * head.count(w) + doc.full_text.count(w) for w in words), doc.issued_on)

    return sorted(found, key=score, reverse=True)


def rule_view(rule: Rule) -> RuleView:
    return RuleView(
        id=rule.pk,
        code=rule.code,
        version=rule.version,
        kind=rule.kind,
        name=rule.name,
        doc_no=rule.document.doc_no,
        clause=rule.clause,
        effective_from=rule.effective_from,
        effective_to=rule.effective_to,
        terms=rule.terms,
    )


def rule_views(kinds: tuple[str, ...]) -> list[RuleView]:
    return [rule_view(r) for r in Rule.objects.filter(kind__in=kinds).select_related("document")]
