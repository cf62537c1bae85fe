"""Training classes: list, create, edit, state, sessions, attendance, assessment; enrolment."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.actions import act, submit
from gongjiang.core.audit import history
from gongjiang.core.cells import Links, day, number
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow as narrow_todo
from gongjiang.orgs.figures import narrow
from gongjiang.orgs.rules import CHANGE_WORKERS, ENROL_COLLEGES
from gongjiang.people.models import Worker
from gongjiang.people.queries import search_workers

from .. import services
from ..enums import COHORT_TRANSITIONS, CohortState, EnrolmentStatus
from ..forms import (
    CohortForm,
    SessionForm,
)
from ..models import Cohort, CompletionCertificate, Enrolment, Session
from ..queries import (
    cohorts_for_user,
    enrolments_for_user,
    managed_cohorts,
    manages,
    own_worker,
)
from ..todos import TODOS
from .base import NAV, PAGE_SIZE, _cohort, _course, _may_use, _next_or

# What the class list reads of each class: the cells of :func:`_cohort_rows`.
COHORT_LIST_COLUMNS = ("name", "starts_on", "ends_on", "place", "capacity", "state", "college__name")


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    # the course is not shown: joining it built a Course per row for nothing; the columns are the
    # page's (the college's plan and the class's other fields read and built 50 times for nothing)
    qs = (
        cohorts_for_user(request.scope)
        .select_related("college")
        .only(*COHORT_LIST_COLUMNS)
        .order_by("-starts_on", "-id")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(course__title__contains=q) | Q(college__name__contains=q))
    if (state := request.GET.get("state", "")) in CohortState.values:
        qs = qs.filter(state=state)
    qs, figure = narrow(request, qs)  # the classes behind a statistical figure
    qs = narrow_todo(request, qs, TODOS)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # Places taken are counted for the classes on this page only (one grouped query), not grouped
    # over every enrolment in reach before the page is cut. What is counted is the status (never
    # null), not the id: the (cohort, status, queued_at) index answers alone, where counting ids
    # read each enrolment from the table (1,217 for a page at province scale, 166 buffers).
    shown = {cohort.pk: cohort for cohort in page.object_list}
    counts = {
        row["cohort_id"]: row
        for row in Enrolment.objects.filter(cohort_id__in=shown)
        .order_by()
        .values("cohort_id")
        .annotate(
            enrolled=Count("status", filter=Q(status=EnrolmentStatus.ENROLLED)),
            waiting=Count("status", filter=Q(status=EnrolmentStatus.WAITING)),
        )
    }
    for pk, cohort in shown.items():
        row = counts.get(pk, {})
        cohort.enrolled, cohort.waiting = row.get("enrolled", 0), row.get("waiting", 0)
    context = {
        "page": page,
        "rows": _cohort_rows(page.object_list),
        "q": q,
        "state": state,
        "states": CohortState.choices,
        "figure": figure,
        "nav": NAV,
    }
    return render(request, "colleges/cohort_list.html", context)


def _cohort_rows(cohorts: list[Cohort]) -> list[dict[str, str]]:
    """The list's cells as strings, made here rather than in the template (core.cells: 50 rows at
    province scale, 4 in the demo)."""
    link = Links("colleges:cohort")
    return [
        {
            "url": link(k.pk),
            "name": k.name,
            "college": k.college.name,
            "starts_on": day(k.starts_on),
            "ends_on": day(k.ends_on),
            "place": k.place,
            "enrolled": number(k.enrolled),
            "capacity": number(k.capacity),
            "waiting": number(k.waiting) if k.waiting else "",
            "state": k.get_state_display(),
        }
        for k in cohorts
    ]


@login_required
def cohort_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    if not manages(request.scope, course.college):
        raise PermissionDenied
    hours = course.units.aggregate(total=Sum("hours"))["total"] or 0
    form = CohortForm(
        request.POST or None,
        college=course.college,
        initial={
            "name": f"{course.title}（第{course.cohorts.count() + 1}期）",
            "required_hours": services.plain_number(Decimal(hours)),
        },
    )
    if done := submit(
        request,
        form,
        lambda: services.create_cohort(actor=request.user, scope=request.scope, course=course, data=form.to_data()),
        success=_("Class opened for enrolment. Add its sessions."),
    ):
        return done
    context = {"form": form, "title": _("New training class"), "back": course.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


@login_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk, manage=True)
    initial = {name: getattr(cohort, name) for name in CohortForm.base_fields if name != "teachers"}
    initial["teachers"] = list(cohort.teachers.all())
    form = CohortForm(request.POST or None, college=cohort.college, initial=initial)
    if done := submit(
        request,
        form,
        lambda: services.update_cohort(actor=request.user, scope=request.scope, cohort=cohort, data=form.to_data()),
        success=_("Changes saved."),
        then=cohort,
    ):
        return done
    context = {"form": form, "title": cohort.name, "back": cohort.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


@login_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    scope = request.scope
    is_manager = manages(scope, cohort.college)
    visible = services.with_hours(
        enrolments_for_user(scope)
        .filter(cohort=cohort)
        .select_related("worker__employer", "completion__grade__occupation")
    ).prefetch_related(Prefetch("completion__certificates", queryset=CompletionCertificate.objects.order_by("-pk")))
    rows = []
    for e in visible.order_by("queued_at", "id"):
        completed, why = services.outcome(cohort, e.hours_attended, e.score)
        rows.append({"e": e, "completes": completed, "why": why})
    enrolled = [r for r in rows if r["e"].status == EnrolmentStatus.ENROLLED]
    waiting = [r for r in rows if r["e"].status == EnrolmentStatus.WAITING]
    withdrawn = [r for r in rows if r["e"].status == EnrolmentStatus.WITHDRAWN]
    counts = cohort.enrolments.aggregate(
        enrolled=Count("pk", filter=Q(status=EnrolmentStatus.ENROLLED)),
        waiting=Count("pk", filter=Q(status=EnrolmentStatus.WAITING)),
    )
    # the place of each visible waiting entry on the whole list
    order = list(services.waiting_list(cohort).values_list("pk", flat=True))
    for r in waiting:
        r["position"] = order.index(r["e"].pk) + 1
    worker = own_worker(scope)
    mine = next(
        (r for r in rows if worker is not None and r["e"].worker_id == worker.pk and r["e"].status != "withdrawn"), None
    )
    sessions = cohort.sessions.select_related("unit", "teacher").annotate(
        present=Count("attendance", filter=Q(attendance__present=True))
    )
    return render(
        request,
        "colleges/cohort_detail.html",
        {
            "cohort": cohort,
            "college": cohort.college,
            "course": cohort.course,
            "manages": is_manager,
            "counts": counts,
            "free": max(cohort.capacity - counts["enrolled"], 0),
            "enrolled": enrolled,
            "waiting": waiting,
            "withdrawn": withdrawn,
            "sessions": sessions,
            "session_form": SessionForm(course=cohort.course) if is_manager else None,
            "next_states": [(s, CohortState(s).label) for s in COHORT_TRANSITIONS[cohort.state]] if is_manager else [],
            "can_enrol_workers": scope.has(ENROL_COLLEGES) and cohort.state == CohortState.OPEN,
            # the trainee list: the college's, and an enrolling union's own workers (a worker has their card)
            "can_see_trainees": is_manager or scope.has(ENROL_COLLEGES),
            "worker": worker,
            "mine": mine,
            "can_enrol_me": worker is not None
            and mine is None
            and cohort.state == CohortState.OPEN
            and not cohort.teachers.filter(worker=worker).exists(),  # a teacher takes no place in their class
            "may_grade": {r["e"].pk for r in enrolled if scope.covers(CHANGE_WORKERS, r["e"].worker.union_id)},
            "teachers": cohort.teachers.all(),
            "history": history(cohort)[:30] if is_manager else [],
            "nav": NAV,
        },
    )


@login_required
@require_POST
def cohort_transition(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk, manage=True)
    to = request.POST.get("to", "")
    if to not in CohortState.values:
        messages.error(request, _("Unknown state."))
        return redirect(cohort)
    act(
        request,
        lambda: services.transition(actor=request.user, scope=request.scope, cohort=cohort, to=to),
        _("The class is now “%(state)s”.") % {"state": CohortState(to).label},
    )
    return redirect(cohort)


@login_required
@require_POST
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk, manage=True)
    form = SessionForm(request.POST, course=cohort.course)
    if form.is_valid():
        act(
            request,
            lambda: services.add_session(actor=request.user, scope=request.scope, cohort=cohort, **form.cleaned_data),
            _("Session added."),
        )
    else:
        problems = [f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items() if f in form.fields]
        messages.error(request, " ".join(problems) or _("Check the session."))
    return redirect(cohort)


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a session's attendance: one big switch per trainee, for a tablet."""
    session = get_object_or_404(
        Session.objects.filter(cohort__in=managed_cohorts(request.scope)).select_related("cohort__college"), pk=pk
    )
    cohort = session.cohort
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        if act(
            request,
            lambda: services.record_attendance(actor=request.user, scope=request.scope, session=session, present=ids),
            lambda count: _("Attendance saved: %(count)s present.") % {"count": count},
        ):
            return redirect(cohort)
    marked = dict(session.attendance.values_list("enrolment_id", "present"))
    trainees = [
        {"e": e, "present": marked.get(e.pk, session.taken_at is None)}
        for e in cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("worker__employer")
    ]
    context = {"session": session, "cohort": cohort, "trainees": trainees, "nav": NAV}
    return render(request, "colleges/attendance.html", context)


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk, manage=True)
    enrolled = list(
        services.with_hours(cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED)).select_related(
            "worker__employer"
        )
    )
    if request.method == "POST":
        scores: dict[int, Decimal | None] = {}
        bad = []
        for e in enrolled:
            raw = request.POST.get(f"score_{e.pk}", "").strip()
            try:
                scores[e.pk] = Decimal(raw) if raw else None
            except InvalidOperation:
                bad.append(e.worker.name)
        if bad:
            messages.error(request, _("Not a number: %(names)s.") % {"names": "、".join(bad)})
        elif act(
            request,
            lambda: services.record_scores(actor=request.user, scope=request.scope, cohort=cohort, scores=scores),
            _("Scores saved."),
        ):
            return redirect(cohort)
    context = {"cohort": cohort, "enrolled": enrolled, "nav": NAV}
    return render(request, "colleges/assessment.html", context)


@login_required
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise union enrols its own workers, in bulk."""
    cohort = _cohort(request, pk)
    scope = request.scope
    if not scope.has(ENROL_COLLEGES):
        raise PermissionDenied
    own = Worker.objects.filter(scope.union_filter(ENROL_COLLEGES))
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("worker") if v.isdigit()]
        found = {w.pk: w for w in own.filter(pk__in=ids)}
        try:
            if len(found) != len(set(ids)):
                raise PermissionDenied
            made = services.enrol_many(
                actor=request.user, scope=scope, cohort=cohort, workers=[found[i] for i in dict.fromkeys(ids)]
            )
        except services.CollegeError as exc:
            messages.error(request, str(exc))
        else:
            places = sum(1 for e in made if e.status == EnrolmentStatus.ENROLLED)
            messages.success(
                request,
                _("%(places)s enrolled, %(waiting)s on the waiting list.")
                % {"places": places, "waiting": len(made) - places},
            )
            return redirect(cohort)
    active = cohort.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).values("worker_id")
    q = request.GET.get("q", "").strip()
    candidates = search_workers(own.exclude(pk__in=active), q).select_related("employer").order_by("name", "pk")
    page = CappedPaginator(candidates, 100).get_page(request.GET.get("page"))
    context = {"cohort": cohort, "page": page, "q": q, "nav": NAV}
    return render(request, "colleges/enrol.html", context)


@login_required
@require_POST
def enrol_me(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    worker = own_worker(request.scope)
    if worker is None:
        raise PermissionDenied
    try:
        e = services.enrol(actor=request.user, scope=request.scope, cohort=cohort, worker=worker)
    except services.CollegeError as exc:
        messages.error(request, str(exc))
    else:
        if e.status == EnrolmentStatus.ENROLLED:
            messages.success(request, _("You are enrolled."))
        else:
            messages.info(request, _("The class is full: you are on the waiting list."))
    return _next_or(request, cohort)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(enrolments_for_user(request.scope).select_related("cohort__college", "worker"), pk=pk)
    try:
        promoted = services.withdraw(
            actor=request.user, scope=request.scope, enrolment=enrolment, reason=request.POST.get("reason", "")
        )
    except services.CollegeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Withdrawn."))
        if promoted is not None:
            messages.info(request, _("The first on the waiting list has moved up."))
    return _next_or(request, enrolment.cohort)
