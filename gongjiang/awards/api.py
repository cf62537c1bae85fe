"""API for policy documents and rules (read), decisions, ledger lines and nominations."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from gongjiang.core.http import ApiPagination, ErrorOut, one_of
from gongjiang.orgs.rules import APPROVE_PAYMENTS, REVIEW_AWARDS, VIEW_AWARDS
from gongjiang.policy.enums import Nominee
from gongjiang.policy.models import PolicyDocument, Rule
from gongjiang.policy.queries import require_official, search_documents

from . import services as award_services
from .enums import CycleState, DecisionKind, DecisionState, LineState, NominationState
from .queries import cycles_for, decisions_for, lines_for, nominations_for

# The published operation ids were made from the module that first held these operations.
OPERATION_ID_PREFIX = "gongjiang_api_awards"

router = Router(tags=["policy and awards"])
ROUTERS = [router]


class DocumentOut(Schema):
    id: int
    doc_no: str
    issuer: str
    issued_on: dt.date
    title: str
    kind: str
    status: str


class DocumentDetailOut(DocumentOut):
    full_text: str


class RuleOut(Schema):
    id: int
    code: str
    version: int
    kind: str
    name: str
    document_id: int
    doc_no: str
    clause: str
    effective_from: dt.date
    effective_to: dt.date | None
    terms: dict[str, Any]

    @staticmethod
    def resolve_doc_no(obj: Rule) -> str:
        return obj.document.doc_no


class DecisionOut(Schema):
    id: int
    kind: one_of(DecisionKind)
    state: one_of(DecisionState)
    worker_id: int
    worker_name: str
    result_id: int
    rule_id: int
    decided_on: dt.date
    ceiling: Decimal | None
    amount: Decimal | None
    grade: int | None
    title: str
    reason: str
    review_note: str

    @staticmethod
    def resolve_worker_name(obj: Any) -> str:
        return obj.worker.name if obj.worker_id else ""


class ReviewIn(Schema):
    verdict: str  # accept | adjust | reject
    amount: Decimal | None = None
    note: str = ""


class LineOut(Schema):
    id: int
    programme: str
    year: int
    union_id: int
    worker_id: int | None
    payee: str
    amount: Decimal
    state: one_of(LineState)
    reason: str
    rule_id: int | None
    decision_id: int | None
    nomination_id: int | None
    reverses_id: int | None
    payment_ref: str

    @staticmethod
    def resolve_programme(obj: Any) -> str:
        return obj.programme.code


class LineActionIn(Schema):
    action: str  # approve | pay | reject | reverse
    payment_ref: str = ""
    reason: str = ""


class CycleOut(Schema):
    id: int
    year: int
    title: str
    quota: int
    state: one_of(CycleState)
    nominations_close_on: dt.date | None
    notice_ends_on: dt.date | None
    nominee: one_of(Nominee)

    @staticmethod
    def resolve_nominee(obj: Any) -> str:
        return str(obj.rule.terms.get("nominee") or Nominee.PERSON)


class NominationOut(Schema):
    id: int
    cycle_id: int
    cycle: str
    subject: one_of(Nominee)
    nominee: str
    worker_id: int | None
    worker_name: str
    employer_id: int | None
    team_name: str
    union_id: int
    state: one_of(NominationState)
    score: Decimal | None
    statement: str

    @staticmethod
    def resolve_cycle(obj: Any) -> str:
        return str(obj.cycle)

    @staticmethod
    def resolve_worker_name(obj: Any) -> str:
        return obj.worker.name if obj.worker_id else ""


def _awards(request: HttpRequest) -> None:
    if not any(request.scope.has(c) for c in (VIEW_AWARDS, REVIEW_AWARDS, APPROVE_PAYMENTS)):
        raise PermissionDenied


@router.get("/policy/documents", response=list[DocumentOut])
@paginate(ApiPagination)
def list_documents(request: HttpRequest, q: str = ""):
    require_official(request.scope)
    qs = PolicyDocument.objects.order_by("-issued_on", "pk")
    return search_documents(qs, q) if q.strip() else qs


@router.get("/policy/documents/{document_id}", response={200: DocumentDetailOut, 403: ErrorOut, 404: ErrorOut})
def get_document(request: HttpRequest, document_id: int):
    require_official(request.scope)
    return get_object_or_404(PolicyDocument, pk=document_id)


@router.get("/policy/rules", response=list[RuleOut])
@paginate(ApiPagination)
def list_rules(request: HttpRequest, kind: str = ""):
    require_official(request.scope)
    qs = Rule.objects.select_related("document").order_by("kind", "code", "version")
    return qs.filter(kind=kind) if kind else qs


@router.get("/policy/rules/{rule_id}", response={200: RuleOut, 403: ErrorOut, 404: ErrorOut})
def get_rule(request: HttpRequest, rule_id: int):
    require_official(request.scope)
    return get_object_or_404(Rule.objects.select_related("document"), pk=rule_id)


@router.get("/decisions", response=list[DecisionOut])
@paginate(ApiPagination)
def list_decisions(request: HttpRequest, state: str = "", kind: str = ""):
    _awards(request)
    qs = decisions_for(request.scope).order_by("-pk")
    if state:
        qs = qs.filter(state=state)
    return qs.filter(kind=kind) if kind else qs


@router.get("/decisions/{decision_id}", response={200: DecisionOut, 403: ErrorOut, 404: ErrorOut})
def get_decision(request: HttpRequest, decision_id: int):
    _awards(request)
    return get_object_or_404(decisions_for(request.scope), pk=decision_id)


@router.post(
    "/decisions/{decision_id}/review", response={200: DecisionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def review_decision(request: HttpRequest, decision_id: int, payload: ReviewIn):
    decision = get_object_or_404(decisions_for(request.scope), pk=decision_id)
    try:
        return award_services.review_decision(
            actor=request.user,
            scope=request.scope,
            decision=decision,
            verdict=payload.verdict,
            amount=payload.amount,
            note=payload.note,
        )
    except award_services.AwardError as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/ledger", response=list[LineOut])
@paginate(ApiPagination)
def list_lines(request: HttpRequest, state: str = "", year: int | None = None):
    _awards(request)
    qs = lines_for(request.scope).order_by("-pk")
    if state:
        qs = qs.filter(state=state)
    return qs.filter(year=year) if year else qs


@router.get("/ledger/{line_id}", response={200: LineOut, 403: ErrorOut, 404: ErrorOut})
def get_line(request: HttpRequest, line_id: int):
    _awards(request)
    return get_object_or_404(lines_for(request.scope), pk=line_id)


@router.post("/ledger/{line_id}/actions", response={200: LineOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def line_action(request: HttpRequest, line_id: int, payload: LineActionIn):
    line = get_object_or_404(lines_for(request.scope), pk=line_id)
    kw = {"actor": request.user, "scope": request.scope, "line": line}
    try:
        if payload.action == "approve":
            return award_services.approve_line(**kw)
        if payload.action == "pay":
            return award_services.pay_line(**kw, payment_ref=payload.payment_ref)
        if payload.action == "reject":
            return award_services.reject_line(**kw, reason=payload.reason)
        if payload.action == "reverse":
            return award_services.reverse_line(**kw, reason=payload.reason)
    except award_services.AwardError as exc:
        raise HttpError(422, str(exc)) from exc
    raise HttpError(422, "approve | pay | reject | reverse")


@router.get("/cycles", response=list[CycleOut])
@paginate(ApiPagination)
def list_cycles(request: HttpRequest, state: str = ""):
    """Honour cycles the user may see, with the last day of nominations."""
    qs = cycles_for(request.scope, request.user.pk).select_related("rule").order_by("-year", "title", "pk")
    return qs.filter(state=state) if state else qs


@router.get("/nominations", response=list[NominationOut])
@paginate(ApiPagination)
def list_nominations(request: HttpRequest, cycle_id: int | None = None):
    qs = nominations_for(request.scope, request.user.pk).order_by("pk")
    return qs.filter(cycle_id=cycle_id) if cycle_id else qs


@router.get("/nominations/{nomination_id}", response={200: NominationOut, 404: ErrorOut})
def get_nomination(request: HttpRequest, nomination_id: int):
    return get_object_or_404(nominations_for(request.scope, request.user.pk), pk=nomination_id)
