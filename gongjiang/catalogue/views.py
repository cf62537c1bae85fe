"""Pages of 立项申报 and the 竞赛目录: apply, my applications, the review queue (with bulk decisions),
an application with its approval trail, the catalogue per union and year, the province's quotas."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.batch import outcome_page, selection
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow as narrow_todo
from gongjiang.orgs.models import Union
from gongjiang.orgs.rules import MANAGE_COMPETITIONS, MANAGE_POLICY, REVIEW_AWARDS

from . import services
from .enums import ApplicationState, StepAction
from .exports import CatalogueExporter
from .forms import ApplicationForm, QuotaForm
from .models import Application
from .queries import applications_for, catalogue_of, catalogue_unions, quotas_for, reach, waiting_for
from .todos import TODOS

PAGE_SIZE = 50


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


def _need_reach(request: HttpRequest) -> None:
    if not reach(request.scope):
        raise PermissionDenied


def _own_unions(request: HttpRequest) -> QuerySet[Union]:
    """The unions a user applies for: those they manage competitions at (their roots)."""
    return Union.objects.filter(pk__in=request.scope.roots(MANAGE_COMPETITIONS)).order_by("kind", "name")


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    _need_reach(request)
    qs = applications_for(request.scope).order_by("-year", "-pk")
    state = request.GET.get("state", "")
    if state in ApplicationState.values:
        qs = qs.filter(state=state)
    if year := request.GET.get("year", ""):
        qs = qs.filter(year=int(year)) if year.isdigit() else qs.none()
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/application_list.html",
        {"page": page, "states": ApplicationState.choices, "state": state, "q": q, "nav": "catalogue"},
    )


def _tiers_for(unions: QuerySet[Union]) -> list[str]:
    found: set[str] = set()
    for union in unions:
        found |= set(services.applicable_tiers(union))
    from gongjiang.competitions.tiers import TIER_ORDER

    return [t for t in TIER_ORDER if t in found]


def _data(form: ApplicationForm) -> services.ApplicationData:
    d = form.cleaned_data
    return services.ApplicationData(
        name=d["name"],
        kind=d["kind"],
        tier=d["tier"],
        leading_body=d["leading_body"],
        indicators=d["indicators"],
        budget=d["budget"],
        starts_on=d["starts_on"],
        ends_on=d["ends_on"],
    )


def _save(request: HttpRequest, form: ApplicationForm, application: Application | None) -> HttpResponse | None:
    """Save the form's application; submit it too when asked. None (with the error on the form) if refused."""
    try:
        with_plan = form.cleaned_data.get("plan") or None
        saved = services.save_application(
            actor=request.user,
            scope=request.scope,
            applicant=form.cleaned_data["applicant"],
            data=_data(form),
            plan=with_plan,
            application=application,
        )
    except services.CatalogueError as exc:
        form.add_error(None, str(exc))
        return None
    if request.POST.get("submit"):
        try:
            sent = services.submit_application(actor=request.user, scope=request.scope, application=saved)
        except services.CatalogueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The application has been submitted to %(union)s.") % {"union": sent.at})
            return redirect(sent)
    messages.success(request, _("The application has been saved."))
    return redirect(saved)


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    unions = _own_unions(request)
    if not unions.exists():
        raise PermissionDenied
    tiers = _tiers_for(unions)
    form = ApplicationForm(request.POST or None, request.FILES or None, unions=unions, tiers=tiers)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, None)
        if response is not None:
            return response
    return render(request, "catalogue/apply.html", {"form": form, "nav": "catalogue"})


def _visible(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(applications_for(request.scope), pk=pk)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    scope = request.scope
    organiser = scope.covers(MANAGE_COMPETITIONS, application.applicant_id)
    context = {
        "a": application,
        # a stored file can be missing (a restored database without its uploads): no dead link then
        "plan_exists": bool(application.plan) and application.plan.storage.exists(application.plan.name),
        "steps": application.steps.select_related("union", "actor"),
        "may_change": organiser and application.state in {ApplicationState.DRAFT, ApplicationState.RETURNED},
        "may_decide": services.may_decide(scope, application),
        "may_approve": application.at_id is not None and application.at_id == application.approver_id,
        "organiser": organiser,
        "reports": application.stage_reports.all(),
        "commendations": application.commendations.select_related("employer", "worker", "honour_cycle", "team"),
        "reviewer": services.reviewing_union(application),
        "may_review": scope.covers(REVIEW_AWARDS, services.reviewing_union(application).pk),
        "today": timezone.localdate(),
        "nav": "catalogue",
    }
    return render(request, "catalogue/application_detail.html", context)


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    if not request.scope.covers(MANAGE_COMPETITIONS, application.applicant_id):
        raise PermissionDenied
    unions = Union.objects.filter(pk=application.applicant_id)
    initial = {f: getattr(application, f) for f in services.applications.FIELDS if f not in {"year", "plan_name"}}
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        unions=unions,
        tiers=services.applicable_tiers(application.applicant),
        initial=initial | {"applicant": application.applicant},
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, application)
        if response is not None:
            return response
    return render(request, "catalogue/apply.html", {"form": form, "a": application, "nav": "catalogue"})


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    try:
        services.submit_application(actor=request.user, scope=request.scope, application=application)
    except services.CatalogueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The application has been submitted."))
    return redirect(application)


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    action = request.POST.get("action", "")
    if action not in StepAction.values or action == StepAction.SUBMIT:
        messages.error(request, _("Choose recommend, approve or return."))
        return redirect(application)
    try:
        services.decide_application(
            actor=request.user,
            scope=request.scope,
            application=application,
            action=action,
            note=request.POST.get("note", "")[:500],
        )
    except services.CatalogueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": StepAction(action).label})
    return redirect(application)


@login_required
def plan_download(request: HttpRequest, pk: int) -> FileResponse:
    application = _visible(request, pk)
    if not application.plan:
        raise Http404
    try:
        handle = application.plan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=application.plan_name or "plan")


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(MANAGE_COMPETITIONS):
        raise PermissionDenied
    qs = narrow_todo(request, waiting_for(request.scope).order_by("pk"), TODOS)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalogue/review.html", {"page": page, "nav": "catalogue"})


@login_required
@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(MANAGE_COMPETITIONS):
        raise PermissionDenied
    back = reverse("catalogue:review")
    picked = selection(request)
    if picked is None:
        return redirect(back)
    ids, verdict, note = picked
    outcomes = services.review_applications(
        actor=request.user, scope=request.scope, visible=waiting_for(request.scope), ids=ids, verdict=verdict, note=note
    )
    title = _("Applications recommended or approved") if verdict == "accept" else _("Applications returned")
    return outcome_page(request, outcomes, title=title, back=back, nav="catalogue")


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    _need_reach(request)
    unions = catalogue_unions(request.scope)
    chosen = request.GET.get("union", "")
    union = unions.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if union is None:  # the user's own union first (the province's, a city's), else the first one covered
        union = unions.filter(pk__in=reach(request.scope)).order_by("pk").first() or unions.first()
    if union is None:
        raise PermissionDenied
    year = _year(request)
    qs = catalogue_of(request.scope, union, year)
    if request.GET.get("fmt") in {"xlsx", "csv"}:
        return CatalogueExporter().response(qs, request.GET["fmt"])
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/catalogue.html",
        {"page": page, "union": union, "unions": unions[:200], "year": year, "nav": "catalogue"},
    )


@login_required
def quotas(request: HttpRequest) -> HttpResponse:
    _need_reach(request)
    manages = request.scope.has(MANAGE_POLICY)
    form = QuotaForm(request.POST or None, initial={"year": timezone.localdate().year}) if manages else None
    if form is not None:
        form.fields["union"].queryset = Union.objects.exclude(kind="grassroots").order_by("kind", "region_id")
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.set_quota(
                    actor=request.user,
                    scope=request.scope,
                    union=d["union"],
                    tier=d["tier"],
                    year=d["year"],
                    limit=d["limit"],
                    document=d["document"],
                    clause=d["clause"],
                )
            except services.CatalogueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The quota has been set."))
                return redirect("catalogue:quotas")
    qs = quotas_for(request.scope)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalogue/quotas.html", {"page": page, "form": form, "nav": "catalogue"})
