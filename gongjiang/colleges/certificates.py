"""Completion certificates: issue (for a finished class), revoke, reissue, render as PDF, find by code.

The approach of :mod:`gongjiang.competitions.certificates`: a random code from the same alphabet,
a QR code of the same public verification page (which looks in both tables), WeasyPrint with the
CJK font the project installs.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.competitions.certificates import new_code as _random_code
from gongjiang.competitions.certificates import verification_url
from gongjiang.competitions.models import Certificate
from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.rules import ENROL_COLLEGES
from gongjiang.orgs.scope import Scope

from .enums import CohortState
from .models import Cohort, Completion, CompletionCertificate
from .queries import manages
from .services import CollegeError, require_manager


def new_code() -> str:
    """A code no certificate of either kind has yet, so the one verification page finds one thing."""
    while True:
        code = _random_code()
        if not (
            Certificate.objects.filter(code=code).exists() or CompletionCertificate.objects.filter(code=code).exists()
        ):
            return code


def find(code: str) -> CompletionCertificate | None:
    return (
        CompletionCertificate.objects.filter(code=code)
        .select_related("completion__enrolment__cohort__college__union", "completion__worker", "replaced_by")
        .first()
    )


def _audit(actor: User, certificate: CompletionCertificate, action: str, **after: object) -> None:
    completion = certificate.completion
    audit.record(
        actor=actor,
        action=action,
        obj=certificate,
        after={"code": certificate.code, "completion": str(completion), **after},
        union_id=completion.enrolment.cohort.college.union_id,
    )


@transaction.atomic
def issue_all(*, actor: User, scope: Scope, cohort: Cohort) -> int:
    """A certificate for every completion of a finished class that has no valid one yet; returns how many."""
    require_manager(scope, cohort.college)
    cohort = Cohort.objects.get(pk=cohort.pk)
    if cohort.state != CohortState.FINISHED:
        raise CollegeError(_("Certificates are issued once the class has finished."))
    pending = (
        Completion.objects.filter(enrolment__cohort=cohort)
        .exclude(Exists(CompletionCertificate.objects.filter(completion=OuterRef("pk"), revoked_at__isnull=True)))
        .select_related("enrolment__cohort__college")
    )
    count = 0
    for completion in pending:
        certificate = CompletionCertificate.objects.create(completion=completion, code=new_code(), issued_by=actor)
        _audit(actor, certificate, AuditAction.CREATE)
        count += 1
    return count


@transaction.atomic
def revoke(*, actor: User, scope: Scope, certificate: CompletionCertificate, reason: str) -> CompletionCertificate:
    require_manager(scope, certificate.completion.enrolment.cohort.college)
    certificate = CompletionCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise CollegeError(_("This certificate is already revoked."))
    if not reason.strip():
        raise CollegeError(_("Give a reason for the revocation."))
    certificate.revoked_at, certificate.revoked_reason = timezone.now(), reason.strip()[:200]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    _audit(actor, certificate, AuditAction.UPDATE, revoked_reason=certificate.revoked_reason)
    return certificate


@transaction.atomic
def reissue(*, actor: User, scope: Scope, certificate: CompletionCertificate, reason: str) -> CompletionCertificate:
    """Revoke (lost, misprinted) and issue a new certificate with a new code that points back."""
    old = revoke(actor=actor, scope=scope, certificate=certificate, reason=reason)
    new = CompletionCertificate.objects.create(
        completion=old.completion, code=new_code(), issued_by=actor, replaces=old
    )
    _audit(actor, new, AuditAction.CREATE, replaces=old.code)
    return new


def can_download(scope: Scope, user: object, certificate: CompletionCertificate) -> bool:
    """The college's managers, the trainee's enrolling union, and the worker."""
    completion = certificate.completion
    if completion.worker.user_id is not None and completion.worker.user_id == getattr(user, "pk", None):
        return True
    return manages(scope, completion.enrolment.cohort.college) or scope.covers(
        ENROL_COLLEGES, completion.enrolment.union_id
    )


def render_pdf(certificate: CompletionCertificate) -> bytes:
    """The certificate as an A4 landscape PDF in Chinese."""
    import segno
    from weasyprint import HTML

    url = verification_url(certificate.code)
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=1)
    completion = certificate.completion
    cohort = completion.enrolment.cohort
    with translation.override("zh-hans"):
        html = render_to_string(
            "colleges/certificate.html",
            {
                "certificate": certificate,
                "completion": completion,
                "cohort": cohort,
                "course": cohort.course,
                "college": cohort.college,
                "worker": completion.worker,
                "qr": qr,
                "url": url,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def verification_card(code: str) -> tuple[str, dict[str, object]] | None:
    """The public check of a code (masked data only): the card that shows the certificate, or None."""
    certificate = find(code)
    return ("colleges/verify_card.html", {"college_certificate": certificate}) if certificate else None


VERIFIERS = [verification_card]
