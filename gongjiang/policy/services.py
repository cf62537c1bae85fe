"""Writes for policy: documents, attachments and rule versions (provincial officials only)."""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.errors import DomainError
from gongjiang.core.models import AuditAction, User
from gongjiang.core.validators import validate_attachment
from gongjiang.orgs.rules import MANAGE_POLICY
from gongjiang.orgs.scope import Scope

from .engine import TermsError, parse_terms
from .models import Attachment, Goal, PolicyDocument, Programme, Rule

GOAL_FIELDS = ("honour_level", "title", "persons", "by_year", "document", "clause")
DOCUMENT_FIELDS = ("doc_no", "issuer", "issued_on", "title", "kind", "status", "full_text")
RULE_FIELDS = ("code", "version", "kind", "name", "document", "clause", "effective_from", "effective_to", "terms")


class PolicyError(DomainError):
    """A policy write refused for a reason the user can act on."""


def _require(scope: Scope) -> None:
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied


@dataclass(frozen=True)
class DocumentData:
    doc_no: str
    issuer: str
    issued_on: dt.date
    title: str
    kind: str
    status: str
    full_text: str = ""


@transaction.atomic
def save_document(
    *, actor: User, scope: Scope, data: DocumentData, document: PolicyDocument | None = None
) -> PolicyDocument:
    _require(scope)
    taken = PolicyDocument.objects.filter(doc_no=data.doc_no)
    if document is not None:
        taken = taken.exclude(pk=document.pk)
    if taken.exists():
        raise PolicyError(_("A document with this number is already recorded."))
    before = audit.snapshot(document, DOCUMENT_FIELDS) if document else None
    document = document or PolicyDocument()
    for name, value in asdict(data).items():
        setattr(document, name, value)
    document.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=document,
        before=before,
        after=audit.snapshot(document, DOCUMENT_FIELDS),
    )
    return document


@transaction.atomic
def add_attachment(*, actor: User, scope: Scope, document: PolicyDocument, upload: UploadedFile) -> Attachment:
    _require(scope)
    try:
        validate_attachment(upload)
    except ValidationError as exc:
        raise PolicyError(" ".join(exc.messages)) from None
    attachment = Attachment.objects.create(
        document=document, name=upload.name or "attachment", file=upload, uploaded_by=actor
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=attachment, after={"name": attachment.name})
    return attachment


@transaction.atomic
def add_rule_version(
    *,
    actor: User | None,
    scope: Scope | None,
    code: str,
    kind: str,
    name: str,
    document: PolicyDocument,
    clause: str,
    effective_from: dt.date,
    terms: dict[str, Any],
    programme: Programme | None = None,
) -> Rule:
    """Add the next version of the rule ``code`` (version 1 if new).

    The previous version's period ends the day before this one starts; saved versions are
    otherwise never changed, so the decisions that cite them keep their meaning. ``scope``
    None is the system (data loading); people always pass theirs.
    """
    if scope is not None:
        _require(scope)
    try:
        clean = parse_terms(kind, terms)
    except TermsError as exc:
        raise PolicyError(str(exc)) from exc
    if kind in {"reward", "honour", "subsidy", "innovation"} and programme is None:
        raise PolicyError(_("A rule that pays money must name the programme that funds it."))
    previous = Rule.objects.select_for_update().filter(code=code).order_by("-version").first()
    version = 1
    if previous is not None:
        if previous.kind != kind:
            raise PolicyError(_("Rule “%(code)s” is a rule of another kind.") % {"code": code})
        if effective_from <= previous.effective_from:
            raise PolicyError(
                _("The new version must start after %(day)s, when the current version started.")
                % {"day": previous.effective_from.isoformat()}
            )
        before = audit.snapshot(previous, ("effective_to",))
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=previous,
            before=before,
            after={"effective_to": previous.effective_to.isoformat()},
        )
        version = (Rule.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    rule = Rule.objects.create(
        code=code,
        version=version,
        kind=kind,
        name=name,
        document=document,
        clause=clause,
        effective_from=effective_from,
        terms=clean,
        programme=programme,
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=rule, after=audit.snapshot(rule, RULE_FIELDS))
    return rule


@transaction.atomic
def save_goal(*, actor: User | None, scope: Scope | None, fields: dict[str, Any], goal: Goal | None = None) -> Goal:
    """Set a craftsman goal (province officials managing policy); every change is audited."""
    if scope is not None:
        _require(scope)
    taken = Goal.objects.filter(honour_level=fields["honour_level"])
    if goal is not None:
        taken = taken.exclude(pk=goal.pk)
    if taken.exists():
        raise PolicyError(_("This honour level has a goal already; change that one."))
    if fields["by_year"] < fields["document"].issued_on.year:
        raise PolicyError(_("The goal's year comes before the document that sets it was issued."))
    before = audit.snapshot(goal, GOAL_FIELDS) if goal else None
    goal = goal or Goal()
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=goal,
        before=before,
        after=audit.snapshot(goal, GOAL_FIELDS),
    )
    return goal
