"""Pages of the colleges: thin views over :mod:`.queries` (reads) and :mod:`.services` (writes)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.competitions.enums import State as CompetitionState
from gongjiang.competitions.models import Competition
from gongjiang.core.audit import history
from gongjiang.core.models import User
from gongjiang.core.pagination import CappedPaginator
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.rules import CHANGE_WORKERS, ENROL_COLLEGES, MANAGE_COLLEGES, STAFF_COLLEGES
from gongjiang.people.models import Worker
from gongjiang.people.queries import search_workers

from . import certificates, services
from .enums import COHORT_TRANSITIONS, CohortState, EnrolmentStatus
from .exports import AttendanceExporter, CompletionExporter, EnrolmentExporter
from .forms import (
    CohortForm,
    CollegeForm,
    CourseForm,
    DeriveForm,
    GradeFromCompletionForm,
    SessionForm,
    TeacherForm,
    UnitEditForm,
    UnitForm,
)
from .models import Attendance, CollegeStaff, Completion, CompletionCertificate, Session, Teacher, Unit
from .queries import (
    certificates_for_user,
    cohorts_for_user,
    colleges_for_user,
    completions_for_user,
    courses_for_user,
    enrolments_for_user,
    managed_cohorts,
    managed_colleges,
    manages,
    own_worker,
)

PAGE_SIZE = 50
NAV = "colleges"


def _may_use(request: HttpRequest) -> None:
    scope = request.scope
    if not any(scope.has(c) for c in (MANAGE_COLLEGES, STAFF_COLLEGES, ENROL_COLLEGES)) and own_worker(scope) is None:
        raise PermissionDenied


def _college(request: HttpRequest, pk: int, *, manage: bool = False):  # type: ignore[no-untyped-def]
    qs = managed_colleges(request.scope) if manage else colleges_for_user(request.scope)
    return get_object_or_404(qs.select_related("union"), pk=pk)


def _cohort(request: HttpRequest, pk: int, *, manage: bool = False):  # type: ignore[no-untyped-def]
    qs = managed_cohorts(request.scope) if manage else cohorts_for_user(request.scope)
    return get_object_or_404(qs.select_related("college__union", "course"), pk=pk)


def _course(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(courses_for_user(request.scope).select_related("college", "event__competition"), pk=pk)


def _next_or(request: HttpRequest, fallback):  # type: ignore[no-untyped-def]
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# colleges ------------------------------------------------------------------------------------


@login_required
def college_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    qs = (
        colleges_for_user(request.scope)
        .select_related("union")
        .annotate(
            cohort_count=Count("cohorts", distinct=True),
            teacher_count=Count("teachers", distinct=True),
        )
        .order_by("name")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(industry__contains=q))
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "colleges/college_list.html", {"page": page, "q": q, "nav": NAV})


def _college_form(request: HttpRequest, college=None) -> HttpResponse:  # type: ignore[no-untyped-def]
    if not request.scope.has(MANAGE_COLLEGES):
        raise PermissionDenied
    initial = None
    if college is not None:
        initial = {name: getattr(college, name) for name in CollegeForm.base_fields if name != "employers"}
        initial["employers"] = list(college.employers.all())
    form = CollegeForm(request.POST or None, scope=request.scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            college = services.save_college(
                actor=request.user, scope=request.scope, college=college, fields=form.cleaned_data
            )
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("College saved."))
            return redirect(college)
    title = college.name if college else _("New college")
    back = college.get_absolute_url() if college else "/colleges/"
    return render(request, "colleges/form.html", {"form": form, "title": title, "back": back, "nav": NAV})


@login_required
def college_create(request: HttpRequest) -> HttpResponse:
    return _college_form(request)


@login_required
def college_edit(request: HttpRequest, pk: int) -> HttpResponse:
    college = _college(request, pk, manage=True)
    request.scope.require(MANAGE_COLLEGES, college.union_id)
    return _college_form(request, college)


@login_required
def college_detail(request: HttpRequest, pk: int) -> HttpResponse:
    college = _college(request, pk)
    scope = request.scope
    is_manager = manages(scope, college)
    teachers = college.teachers.select_related("worker").prefetch_related("worker__honours").order_by("-active", "name")
    courses = college.courses.annotate(hours=Sum("units__hours"), unit_count=Count("units")).select_related(
        "event__competition"
    )
    cohorts = college.cohorts.select_related("course").annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))
    )
    runs_union = scope.covers(MANAGE_COLLEGES, college.union_id)
    # a college hosts competitions: announced ones that name it as their host (Competition.host is free text)
    # (those organised by the college's union or above it, which everyone who sees the college may see)
    above = UnionAncestor.objects.filter(descendant_id=college.union_id).values("ancestor_id")
    hosted = (
        Competition.objects.filter(host=college.name, organiser_id__in=above)
        .exclude(state=CompetitionState.DRAFT)
        .order_by("-starts_on")[:20]
    )
    return render(
        request,
        "colleges/college_detail.html",
        {
            "college": college,
            "manages": is_manager,
            "runs_union": runs_union,
            "teachers": teachers,
            "courses": courses,
            "cohorts": cohorts,
            "partners": college.employers.all(),
            "hosted": hosted,
            "staff": college.staff.select_related("user") if runs_union else [],
            "history": history(college)[:30] if runs_union else [],
            "nav": NAV,
        },
    )


@login_required
@require_POST
def staff_add(request: HttpRequest, pk: int) -> HttpResponse:
    college = _college(request, pk, manage=True)
    user = User.objects.filter(username=request.POST.get("username", "").strip()).first()
    try:
        if user is None:
            raise services.CollegeError(_("No account has this user name."))
        services.add_staff(actor=request.user, scope=request.scope, college=college, user=user)
    except services.CollegeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(user)s now runs this college.") % {"user": user})
    return redirect(college)


@login_required
@require_POST
def staff_remove(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(
        CollegeStaff.objects.filter(college__in=managed_colleges(request.scope)).select_related("college", "user"),
        pk=pk,
    )
    services.remove_staff(actor=request.user, scope=request.scope, link=link)
    messages.success(request, _("Removed."))
    return redirect(link.college)


# teachers ------------------------------------------------------------------------------------


def _teacher_form(request: HttpRequest, college, teacher=None) -> HttpResponse:  # type: ignore[no-untyped-def]
    initial = None
    if teacher is not None:
        initial = {
            k: getattr(teacher, k) for k in ("name", "kind", "affiliation", "subjects", "availability", "active")
        }
    form = TeacherForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            worker = None
            if form.cleaned_data["id_number"]:
                worker = services.worker_for_teacher(form.cleaned_data["name"], form.cleaned_data["id_number"])
            services.save_teacher(
                actor=request.user,
                scope=request.scope,
                college=college,
                teacher=teacher,
                fields=form.fields_data(),
                worker=worker,
                unlink=form.cleaned_data["unlink"],
            )
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Teacher saved."))
            return redirect(college)
    title = teacher.name if teacher else _("New teacher")
    context = {"form": form, "title": title, "back": college.get_absolute_url(), "college": college, "nav": NAV}
    return render(request, "colleges/form.html", context)


@login_required
def teacher_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _teacher_form(request, _college(request, pk, manage=True))


@login_required
def teacher_edit(request: HttpRequest, pk: int) -> HttpResponse:
    teacher = get_object_or_404(
        Teacher.objects.filter(college__in=managed_colleges(request.scope)).select_related("college"), pk=pk
    )
    return _teacher_form(request, teacher.college, teacher)


# courses -------------------------------------------------------------------------------------


@login_required
def course_create(request: HttpRequest, pk: int) -> HttpResponse:
    college = _college(request, pk, manage=True)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(
                actor=request.user, scope=request.scope, college=college, **form.cleaned_data
            )
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Course created. Add its units."))
            return redirect(course)
    context = {"form": form, "title": _("New course"), "back": college.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


@login_required
def course_derive(request: HttpRequest, pk: int) -> HttpResponse:
    """Competition standards become training standards: one action, one unit per criterion."""
    college = _college(request, pk, manage=True)
    form = DeriveForm(request.POST or None, college=college)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.derive_course(
                actor=request.user, scope=request.scope, college=college, **form.cleaned_data
            )
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Course derived from the marking scheme: one unit per criterion."))
            return redirect(course)
    context = {
        "form": form,
        "title": _("Derive a course from a marking scheme"),
        "intro": _(
            "Competition standards become training standards: the new course has one unit per criterion of "
            "the event's marking scheme, and each unit cites its criterion."
        ),
        "back": college.get_absolute_url(),
        "nav": NAV,
    }
    return render(request, "colleges/form.html", context)


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    is_manager = manages(request.scope, course.college)
    form = UnitForm(request.POST or None, course=course) if is_manager else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.add_unit(
                    actor=request.user,
                    scope=request.scope,
                    course=course,
                    title=d["title"],
                    hours=d["hours"],
                    event=d["event"],
                    criteria=d["criterion_objects"],
                )
            except services.CollegeError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Unit added."))
                return redirect(course)
    units = course.units.select_related("event__competition").prefetch_related("criteria")
    return render(
        request,
        "colleges/course_detail.html",
        {
            "course": course,
            "college": course.college,
            "units": units,
            "total_hours": sum((u.hours for u in units), Decimal(0)),
            "cohorts": course.cohorts.all(),
            "manages": is_manager,
            "form": form,
            "nav": NAV,
        },
    )


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    if not manages(request.scope, course.college):
        raise PermissionDenied
    initial = {"title": course.title, "occupation": course.occupation_id, "description": course.description}
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_course(actor=request.user, scope=request.scope, course=course, **form.cleaned_data)
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Course saved."))
            return redirect(course)
    context = {"form": form, "title": _("Edit course"), "back": course.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(
        Unit.objects.filter(course__in=courses_for_user(request.scope)).select_related("course__college"), pk=pk
    )
    if not manages(request.scope, unit.course.college):
        raise PermissionDenied
    return unit


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = UnitEditForm(request.POST or None, initial={"title": unit.title, "hours": unit.hours})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(actor=request.user, scope=request.scope, unit=unit, **form.cleaned_data)
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Unit saved."))
            return redirect(unit.course)
    context = {"form": form, "title": _("Edit unit"), "back": unit.course.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


@login_required
@require_POST
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    course = unit.course
    services.remove_unit(actor=request.user, scope=request.scope, unit=unit)
    messages.success(request, _("Unit removed."))
    return redirect(course)


# classes -------------------------------------------------------------------------------------


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    qs = (
        cohorts_for_user(request.scope)
        .select_related("college", "course")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )
        .order_by("-starts_on", "-id")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(course__title__contains=q) | Q(college__name__contains=q))
    if (state := request.GET.get("state", "")) in CohortState.values:
        qs = qs.filter(state=state)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "state": state, "states": CohortState.choices, "nav": NAV}
    return render(request, "colleges/cohort_list.html", context)


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
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.create_cohort(actor=request.user, scope=request.scope, course=course, data=form.to_data())
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Class opened for enrolment. Add its sessions."))
            return redirect(cohort)
    context = {"form": form, "title": _("New training class"), "back": course.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


@login_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk, manage=True)
    initial = {name: getattr(cohort, name) for name in CohortForm.base_fields if name != "teachers"}
    initial["teachers"] = list(cohort.teachers.all())
    form = CohortForm(request.POST or None, college=cohort.college, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cohort(actor=request.user, scope=request.scope, cohort=cohort, data=form.to_data())
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(cohort)
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
            "can_enrol_me": worker is not None and mine is None and cohort.state == CohortState.OPEN,
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
    try:
        services.transition(actor=request.user, scope=request.scope, cohort=cohort, to=to)
    except services.CollegeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The class is now “%(state)s”.") % {"state": CohortState(to).label})
    return redirect(cohort)


@login_required
@require_POST
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk, manage=True)
    form = SessionForm(request.POST, course=cohort.course)
    if form.is_valid():
        try:
            services.add_session(actor=request.user, scope=request.scope, cohort=cohort, **form.cleaned_data)
        except services.CollegeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Session added."))
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
        try:
            count = services.record_attendance(actor=request.user, scope=request.scope, session=session, present=ids)
        except services.CollegeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Attendance saved: %(count)s present.") % {"count": count})
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
        try:
            if bad:
                raise services.CollegeError(_("Not a number: %(names)s.") % {"names": "、".join(bad)})
            services.record_scores(actor=request.user, scope=request.scope, cohort=cohort, scores=scores)
        except services.CollegeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Scores saved."))
            return redirect(cohort)
    context = {"cohort": cohort, "enrolled": enrolled, "nav": NAV}
    return render(request, "colleges/assessment.html", context)


# enrolment -----------------------------------------------------------------------------------


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


# exports, certificates, grades --------------------------------------------------------------


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
    try:
        count = certificates.issue_all(actor=request.user, scope=request.scope, cohort=cohort)
    except services.CollegeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)s certificates issued.") % {"count": count})
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
    if request.method == "POST" and form.is_valid():
        try:
            services.record_grade(actor=request.user, scope=request.scope, completion=completion, **form.cleaned_data)
        except services.CollegeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Grade recorded, citing the completion."))
            return redirect(completion.worker)
    context = {
        "form": form,
        "title": _("Record a skill grade from this completion"),
        "intro": f"{completion.worker.name} · {completion.enrolment.cohort}",
        "back": completion.enrolment.cohort.get_absolute_url(),
        "nav": NAV,
    }
    return render(request, "colleges/form.html", context)


# a worker's own pages ------------------------------------------------------------------------


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
    enrolments = list(services.with_hours(enrolments))
    for e in enrolments:
        if e.status == EnrolmentStatus.WAITING:
            e.position = list(services.waiting_list(e.cohort).values_list("pk", flat=True)).index(e.pk) + 1
    taken = [e.cohort_id for e in enrolments]
    open_classes = (
        cohorts_for_user(request.scope)
        .filter(state=CohortState.OPEN)
        .exclude(pk__in=taken)
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
            "open_classes": open_classes,
            "grades": worker.grades.select_related("occupation").order_by("-awarded_on"),
            "nav": "mine",
        },
    )
