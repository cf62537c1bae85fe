"""Exports, certificates and skill grades from completions; a worker's own training page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.actions import act, submit
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow
from gongjiang.orgs.rules import CHANGE_WORKERS

from .. import certificates, services
from ..enums import CohortState, EnrolmentStatus
from ..exports import AttendanceExporter, CompletionExporter, EnrolmentExporter
from ..forms import (
    GradeFromCompletionForm,
)
from ..models import Attendance, Completion, CompletionCertificate
from ..queries import (
    certificates_for_user,
    cohorts_for_user,
    completions_for_user,
    enrolments_for_user,
    managed_cohorts,
    own_worker,
)
from ..todos import TODOS
from .base import NAV, _cohort


@login_required
def cohort_export(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    visible = enrolments_for_user(request.scope).filter(cohort=cohort)
    fmt = request.GET.get("fmt", "xlsx")
    what = request.GET.get("what", "enrolments")
    if what == "attendance":
        rows = (
            Attendance.objects.filter(enrolment__in=visible)
            .select_related("session", "enrolment__worker")
            .order_by("session__day", "session__starts_at", "enrolment__worker__name")
        )
        return AttendanceExporter().response(rows, fmt)
    if what == "completions":
        completions = (
            Completion.objects.filter(enrolment__in=visible)
            .select_related("worker__employer", "grade__occupation")
            .prefetch_related("certificates")
            .order_by("worker__name")
        )
        return CompletionExporter().response(completions, fmt)
    items = services.with_hours(visible.select_related("worker__employer")).order_by("status", "queued_at", "id")
    return EnrolmentExporter().response(items, fmt)


@login_required
@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk, manage=True)
    act(
        request,
        lambda: certificates.issue_all(actor=request.user, scope=request.scope, cohort=cohort),
        lambda count: _("%(count)s certificates issued.") % {"count": count},
    )
    return redirect(cohort)


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        CompletionCertificate.objects.filter(
            completion__enrolment__cohort__in=managed_cohorts(request.scope)
        ).select_related("completion__enrolment__cohort__college"),
        pk=pk,
    )
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "reissue":
            new = certificates.reissue(actor=request.user, scope=request.scope, certificate=certificate, reason=reason)
            messages.success(request, _("Reissued as %(code)s.") % {"code": new.code})
        else:
            certificates.revoke(actor=request.user, scope=request.scope, certificate=certificate, reason=reason)
            messages.success(request, _("Certificate revoked."))
    except services.CollegeError as exc:
        messages.error(request, str(exc))
    return redirect(certificate.completion.enrolment.cohort)


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(
        certificates_for_user(request.scope).select_related(
            "completion__enrolment__cohort__college__union",
            "completion__enrolment__cohort__course",
            "completion__worker",
        ),
        code=code,
    )
    if not certificates.can_download(request.scope, request.user, certificate):
        raise Http404
    response = HttpResponse(certificates.render_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="completion-{certificate.code}.pdf"'
    return response


@login_required
def completion_grade(request: HttpRequest, pk: int) -> HttpResponse:
    """Count a completion as evidence: add the skill grade it led to, citing it."""
    completion = get_object_or_404(
        completions_for_user(request.scope).select_related("worker", "enrolment__cohort__course"), pk=pk
    )
    request.scope.require(CHANGE_WORKERS, completion.worker.union_id)
    course = completion.enrolment.cohort.course
    form = GradeFromCompletionForm(
        request.POST or None, initial={"occupation": course.occupation_id, "awarded_on": completion.completed_on}
    )
    if done := submit(
        request,
        form,
        lambda: services.record_grade(
            actor=request.user, scope=request.scope, completion=completion, **form.cleaned_data
        ),
        success=_("Grade recorded, citing the completion."),
        then=lambda _done: completion.worker,
    ):
        return done
    context = {
        "form": form,
        "title": _("Record a skill grade from this completion"),
        "intro": f"{completion.worker.name} · {completion.enrolment.cohort}",
        "back": completion.enrolment.cohort.get_absolute_url(),
        "nav": NAV,
    }
    return render(request, "colleges/form.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A worker's classes, certificates and grades, and the classes open to them; phone-sized."""
    worker = own_worker(request.scope)
    if worker is None:
        return render(request, "colleges/mine.html", {"worker": None, "nav": "mine"})
    enrolments = (
        worker.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("cohort__college", "cohort__course", "completion")
        .prefetch_related(
            Prefetch(
                "completion__certificates",
                queryset=CompletionCertificate.objects.filter(revoked_at__isnull=True),
                to_attr="valid_certificates",
            )
        )
        .order_by("-cohort__starts_on")
    )
    enrolments = narrow(request, enrolments, TODOS)
    page = CappedPaginator(enrolments, 50).get_page(request.GET.get("page")) if request.GET.get("todo") else None
    enrolments = list(services.with_hours(enrolments))
    for e in enrolments:
        if e.status == EnrolmentStatus.WAITING:
            e.position = list(services.waiting_list(e.cohort).values_list("pk", flat=True)).index(e.pk) + 1
    taken = [e.cohort_id for e in enrolments]
    open_classes = (
        cohorts_for_user(request.scope)
        .filter(state=CohortState.OPEN)
        .exclude(pk__in=taken)
        .exclude(teachers__worker=worker)  # a teacher is not offered a place in their own class
        .select_related("college", "course")
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .order_by("starts_on")[:20]
    )
    return render(
        request,
        "colleges/mine.html",
        {
            "worker": worker,
            "enrolments": enrolments,
            "page": page,
            "open_classes": open_classes,
            "grades": worker.grades.select_related("occupation").order_by("-awarded_on"),
            "nav": "mine",
        },
    )
