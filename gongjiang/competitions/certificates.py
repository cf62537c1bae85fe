"""Certificates for final results: issue (in bulk), revoke, reissue, render as PDF, verify.

A certificate carries a random verification code and a QR code of the public verification
address (``PUBLIC_BASE_URL`` + /verify/<code>/), where anyone sees masked data only.
"""

import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.rules import MANAGE_COMPETITIONS, VIEW_WORKERS
from gongjiang.orgs.scope import Scope

from .enums import State
from .models import Certificate, Competition, Result
from .services import CompetitionError

# Crockford's base 32: no I, L, O, U to misread from paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
FINAL_STATES = {State.FINAL, State.ARCHIVED}


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(10))


def verification_url(code: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("verify", args=[code])


def _audit(actor: User, certificate: Certificate, action: str, **after: object) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=certificate,
        after={"code": certificate.code, "result": str(certificate.result), **after},
        union_id=certificate.result.event.competition.organiser_id,
    )


@transaction.atomic
def issue_all(*, actor: User, scope: Scope, competition: Competition) -> int:
    """A certificate for every awarded final result that has no valid one yet; returns how many."""
    scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    competition = Competition.objects.get(pk=competition.pk)  # its current state, not the caller's copy
    if competition.state not in FINAL_STATES:
        raise CompetitionError(_("Certificates are issued for final results only."))
    pending = (
        Result.objects.filter(event__competition=competition)
        .exclude(award="")
        .exclude(Exists(Certificate.objects.filter(result=OuterRef("pk"), revoked_at__isnull=True)))
        .select_related("event__competition", "entry__worker")
    )
    count = 0
    for result in pending:
        certificate = Certificate.objects.create(result=result, code=new_code(), issued_by=actor)
        _audit(actor, certificate, AuditAction.CREATE)
        count += 1
    return count


@transaction.atomic
def revoke(*, actor: User, scope: Scope, certificate: Certificate, reason: str) -> Certificate:
    scope.require(MANAGE_COMPETITIONS, certificate.result.event.competition.organiser_id)
    if certificate.revoked_at is not None:
        raise CompetitionError(_("This certificate is already revoked."))
    if not reason.strip():
        raise CompetitionError(_("Give a reason for the revocation."))
    certificate.revoked_at, certificate.revoked_reason = timezone.now(), reason.strip()[:200]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    _audit(actor, certificate, AuditAction.UPDATE, revoked_reason=certificate.revoked_reason)
    return certificate


@transaction.atomic
def reissue(*, actor: User, scope: Scope, certificate: Certificate, reason: str) -> Certificate:
    """Revoke (e.g. lost or misprinted) and issue a new certificate with a new code."""
    revoke(actor=actor, scope=scope, certificate=certificate, reason=reason)
    new = Certificate.objects.create(result=certificate.result, code=new_code(), issued_by=actor, replaces=certificate)
    _audit(actor, new, AuditAction.CREATE, replaces=certificate.code)
    return new


def can_download(scope: Scope, user: object, certificate: Certificate) -> bool:
    """The organiser, the entrant's own union, and the worker."""
    entry = certificate.result.entry
    if getattr(entry.worker, "user_id", None) == getattr(user, "pk", None):
        return True
    return scope.covers(MANAGE_COMPETITIONS, certificate.result.event.competition.organiser_id) or scope.covers(
        VIEW_WORKERS, entry.union_id
    )


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate as an A4 landscape PDF, typeset with the CJK font the project installs."""
    # imported here: slow to import, and only needed for a PDF
    import segno
    from weasyprint import HTML

    url = verification_url(certificate.code)
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=1)
    result = certificate.result
    with translation.override("zh-hans"):  # an official certificate is always in Chinese
        html = render_to_string(
            "competitions/certificate.html",
            {"certificate": certificate, "result": result, "entry": result.entry, "qr": qr, "url": url},
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def verification_card(code: str) -> tuple[str, dict[str, object]] | None:
    """The public check of a code (masked data only): the card that shows the certificate, or None."""
    certificate = (
        Certificate.objects.filter(code=code)
        .select_related("result__event__competition__organiser", "result__entry__worker", "replaced_by")
        .first()
    )
    return ("competitions/verify_card.html", {"certificate": certificate}) if certificate else None


VERIFIERS = [verification_card]
