from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.actions import act, submit
from gongjiang.core.audit import history
from gongjiang.core.cells import Links
from gongjiang.core.http import is_htmx
from gongjiang.core.models import User
from gongjiang.core.pagination import CappedPaginator, CountedApart

from . import services
from .enums import UnionKind
from .exports import EmployerExporter
from .forms import AccountForm, EmployerForm
from .models import Employer
from .queries import employers_for_user, listed_employers, own_cities, roles_for_user, unions_for_user
from .rules import CHANGE_EMPLOYERS, MANAGE_ACCOUNTS, VIEW_EMPLOYERS, VIEW_UNIONS
from .scope import Scope

PAGE_SIZE = 50
EMPLOYER_COUNT_CAP = 1_000  # "more than 1,000 results": the employer list counts no further
UNION_COUNT_CAP = 1_000  # and the union list


def _require(request: HttpRequest, cap: str) -> None:
    if not request.scope.has(cap):
        raise PermissionDenied


@login_required
def union_list(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_UNIONS)
    qs = unions_for_user(request.scope)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q)
    if kind := request.GET.get("kind"):
        qs = qs.filter(kind=kind)
    # walked down ``union_list_order`` (orgs 0008); at most UNION_COUNT_CAP unions counted, as the
    # employer and competition lists count (a province official's count read 10,001 of 50,290, issue 17)
    rows = qs.order_by("region_id", "kind", "name")
    page = CappedPaginator(rows, PAGE_SIZE, cap=UNION_COUNT_CAP).get_page(request.GET.get("page"))
    template = "orgs/union_list.html#table" if is_htmx(request) else "orgs/union_list.html"
    return render(request, template, {"page": page, "q": q, "kinds": UnionKind.choices, "nav": "unions"})


@login_required
def union_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_UNIONS)
    union = get_object_or_404(unions_for_user(request.scope), pk=pk)
    children = unions_for_user(request.scope).filter(Q(parent=union) | Q(industry_parent=union))[:200]
    return render(
        request,
        "orgs/union_detail.html",
        {"union": union, "children": children, "history": history(union)[:100], "nav": "unions"},
    )


def _employer_queryset(request: HttpRequest, scope: Scope | None = None):
    return _employer_filters(request, listed_employers(request.scope if scope is None else scope))


def _employer_filters(request: HttpRequest, qs: QuerySet[Employer]):
    """``qs`` with the list's filters (the words searched, the region) in the list's order, and the words."""
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc=q.upper()))
    if region := request.GET.get("region", "").strip():
        qs = qs.filter(region_id__startswith=region[:6])
    return qs.order_by("name", "pk"), q


@login_required
def employer_list(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_EMPLOYERS)
    qs, q = _employer_queryset(request)
    # The page walked down the list's index (a city or county official's: ``employer_city_name``)
    # with each row probed for the reach (``Scope.walking``); at most EMPLOYER_COUNT_CAP rows
    # counted (:func:`_counted`; issue 17: Harbin's admin hashed 26,573 closure rows to count 10,001
    # employers).
    scope = request.scope
    walked, _q = _employer_queryset(request, scope.walking())
    rows = CountedApart(walked, _counted(request, scope, qs, walked))
    page = CappedPaginator(rows, PAGE_SIZE, cap=EMPLOYER_COUNT_CAP).get_page(request.GET.get("page"))
    # Workers are counted for the employers on this page only (one grouped query), not for all of them.
    shown = {employer.pk: employer for employer in page.object_list}
    counts = dict(Employer.objects.filter(pk__in=shown).annotate(n=Count("workers")).values_list("pk", "n"))
    for pk, employer in shown.items():
        employer.worker_count = counts.get(pk, 0)
    template = "orgs/employer_list.html#table" if is_htmx(request) else "orgs/employer_list.html"
    context = {"page": page, "rows": _employer_rows(page.object_list), "q": q, "nav": "employers"}
    return render(request, template, context)


def _employer_rows(employers: list[Employer]) -> list[dict[str, str]]:
    """The list's cells as strings, made here rather than in the template (``core.cells``: a city
    official's page shows 50 employers at province scale, 17 in the demo; each row's ``reverse``,
    region and ``intcomma`` in the template were most of the page's rendering)."""
    link = Links("orgs:employer_detail")
    return [
        {
            "url": link(e.pk),
            "name": e.name,
            "uscc": e.uscc,
            "region": e.region.name,
            "industry": e.industry or "—",
            "workers": intcomma(e.worker_count),
        }
        for e in employers
    ]


def _counted(request: HttpRequest, scope: Scope, qs: QuerySet[Employer], walked: QuerySet[Employer]):
    """The employers the list counts: for a city federation's official, their city's employers
    (:func:`own_cities`, the reach's exactly: each employer carries its union's city) with the list's
    filters and no reach filter, counted from ``employer_city_name`` alone (issue 17: probing each of
    Harbin's first 1,001 employers for the reach was 3.9 ms of the count's 4 ms at province scale);
    another city-wide official's walked as the page; anyone else's through the reach's hash."""
    if own := own_cities(scope, VIEW_EMPLOYERS):
        counted, _q = _employer_filters(request, Employer.objects.filter(city_id__in=own))
        return counted
    return walked if scope.city_wide(VIEW_EMPLOYERS) else qs


@login_required
def employer_export(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_EMPLOYERS)
    qs, _q = _employer_queryset(request)
    qs = qs.annotate(worker_count=Count("workers"))
    return EmployerExporter().response(qs.iterator(chunk_size=2000), request.GET.get("fmt", "csv"))


@login_required
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_EMPLOYERS)
    employer = get_object_or_404(employers_for_user(request.scope).select_related("union__industry_parent"), pk=pk)
    can_change = request.scope.covers(CHANGE_EMPLOYERS, employer.union_id)
    return render(
        request,
        "orgs/employer_detail.html",
        {
            "employer": employer,
            "can_change": can_change,
            "history": history(employer)[:100],
            "worker_count": employer.workers.count(),
            "nav": "employers",
        },
    )


@login_required
def employer_create(request: HttpRequest) -> HttpResponse:
    _require(request, CHANGE_EMPLOYERS)
    find = request.GET.get("union_q", "").strip()
    if is_htmx(request) and request.method == "GET" and "union_q" in request.GET:
        # the find box above the form: the parent-union drop-down alone, keeping the union chosen so far
        found = EmployerForm(scope=request.scope, find=find, initial={"parent_union": request.GET.get("parent_union")})
        return HttpResponse(str(found["parent_union"]))
    form = EmployerForm(request.POST or None, scope=request.scope, find=find)
    if done := submit(
        request,
        form,
        lambda: services.create_employer(
            actor=request.user,
            name=form.cleaned_data["name"],
            uscc=form.cleaned_data["uscc"],
            region=form.cleaned_data["region"],
            parent_union=form.cleaned_data["parent_union"],
            industry_union=form.cleaned_data["industry_union"],
            industry=form.cleaned_data["industry"],
        ),
        success=_("Employer registered."),
    ):
        return done
    return render(request, "orgs/employer_form.html", {"form": form, "find": find, "nav": "employers"})


@login_required
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_object_or_404(employers_for_user(request.scope), pk=pk)
    request.scope.require(CHANGE_EMPLOYERS, employer.union_id)
    initial = {"name": employer.name, "region": employer.region_id, "industry": employer.industry}
    form = EmployerForm(request.POST or None, scope=request.scope, instance=employer, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.update_employer(
            actor=request.user, employer=employer, name=d["name"], region=d["region"], industry=d["industry"]
        )
        messages.success(request, _("Changes saved."))
        return redirect(employer)
    return render(request, "orgs/employer_form.html", {"form": form, "employer": employer, "nav": "employers"})


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE_ACCOUNTS)
    scope = request.scope
    find = request.GET.get("union_q", "").strip()
    form = AccountForm(request.POST or None, scope=scope, find=find)

    @transaction.atomic  # a refused role leaves no account behind
    def create() -> User:
        d = form.cleaned_data
        user = User.objects.create_user(username=d["username"], password=d["password"], display_name=d["display_name"])
        services.grant_role(actor=request.user, scope=scope, user=user, union=d["union"], kind=d["kind"])
        return user

    if done := submit(
        request,
        form,
        create,
        success=lambda user: _("Account %(name)s created.") % {"name": user.username},
        then="orgs:account_list",
    ):
        return done
    roles = roles_for_user(scope).order_by("union__name", "user__username")
    q = request.GET.get("q", "").strip()
    if q:
        roles = roles.filter(
            Q(user__username__contains=q) | Q(user__display_name__contains=q) | Q(union__name__contains=q)
        )
    page = CappedPaginator(roles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "q": q, "find": find, "nav": "accounts"}
    return render(request, "orgs/account_list.html", context)


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, MANAGE_ACCOUNTS)
    role = get_object_or_404(roles_for_user(request.scope), pk=pk)
    act(request, lambda: services.revoke_role(actor=request.user, scope=request.scope, role=role), _("Role revoked."))
    return redirect("orgs:account_list")
