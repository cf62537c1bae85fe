import re
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongjiang.core.actions import submit
from gongjiang.core.audit import history
from gongjiang.core.http import URL_SENTINEL, is_htmx, per_row
from gongjiang.core.pagination import CappedPaginator
from gongjiang.orgs.figures import Figure, narrow
from gongjiang.orgs.models import Employer
from gongjiang.orgs.queries import employers_for_user
from gongjiang.orgs.rules import CHANGE_WORKERS, VIEW_PII, VIEW_WORKERS

from . import services
from .enums import Grade, Sex, WorkerStatus
from .exports import WorkerExporter
from .forms import GradeForm, HonourForm, WorkerForm
from .models import Occupation, Worker
from .queries import filter_workers, newest_in_reach, search_branches, workers_for_user

PAGE_SIZE = 50
NARROWED_COUNT_CAP = 1000
LIST_COLUMNS = ("name", "id_number_masked", "employer_id", "top_grade", "status")


# The list's employer column: the row's employer's name (``_table_rows``).
EMPLOYER_NAME = Subquery(Employer.objects.filter(pk=OuterRef("employer_id")).order_by().values("name"))

WHOLE_ID = re.compile(r"^\s*[0-9]{17}[0-9Xx]\s*$")


def _search_params(request: HttpRequest) -> dict[str, str]:
    """The list's filters. A whole ID number arrives only in a POST body (the search form posts);
    in a URL it is ignored, so it never lands in an access log or the browser's history."""
    if request.method == "POST":
        return {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    params = request.GET.dict()
    if WHOLE_ID.match(params.get("q", "")):
        params.pop("q")
    return params


def _list_queryset(
    request: HttpRequest, params: dict[str, str], branches: list[Q] | None = None
) -> tuple[QuerySet[Worker], Figure | None]:
    if not request.scope.has(VIEW_WORKERS):
        raise PermissionDenied
    qs = filter_workers(workers_for_user(request.scope, own=False), params, branches)
    return narrow(request, qs)  # the people behind a statistical figure, and that figure


@login_required
def worker_list(request: HttpRequest) -> HttpResponse:
    params = _search_params(request)
    by_whole_id = bool(WHOLE_ID.match(params.get("q", "")))
    if request.method == "POST" and not by_whole_id:  # any other search stays a bookmarkable URL
        target = f"{request.path}?{urlencode({k: v for k, v in params.items() if v})}"
        if not is_htmx(request):
            see_other = redirect(target)
            see_other.status_code = 303  # the browser follows with a GET
            return see_other
    # Links (pages, exports) never carry a whole ID number.
    link_params = QueryDict(mutable=True)
    link_params.update({k: v for k, v in params.items() if not (k == "q" and by_whole_id)})
    request.GET = link_params  # what {% querystring %} builds the page's links from, and a figure is read from
    # Only the columns the table shows: the encrypted ID number and phone are never read here.
    branches = search_branches(params)  # the employers a name search names, looked up once a request
    qs, figure = _list_queryset(request, params, branches)
    # The employer's name as a subquery of the row, not a join: PostgreSQL evaluates it after the sort and
    # the limit, for the page's 50 rows only. Joined, the employers of every match were read before the
    # sort: a nested loop over all 627 workers named 董志…, or a hash of all 50,146 employers for the
    # 110 workers of a searched employer's name (14 ms of 14, province scale; issue 17).
    # The occupations are read for the page's rows (_table_rows).
    qs = qs.only(*LIST_COLUMNS).annotate(employer_name=EMPLOYER_NAME)
    # The page's rows by primary key, where its ids are read first: the reach and the columns, not the search.
    by_pk = workers_for_user(request.scope, own=False).only(*LIST_COLUMNS).annotate(employer_name=EMPLOYER_NAME)
    rows = newest_in_reach(qs, request.scope, params, branches, by_pk=by_pk)
    # A search or filter counts its matches up to NARROWED_COUNT_CAP: counting 10,001 workers of a
    # surname read 10,001 scattered rows (0.35 s at province scale) to say "more than 10,000". The
    # whole list's count stays exact to 10,000: it is read from the union index alone.
    narrowed = any(v.strip() for k, v in params.items() if k != "page")
    cap = NARROWED_COUNT_CAP if narrowed else None
    page = CappedPaginator(rows, PAGE_SIZE, cap=cap).get_page(params.get("page"))
    context = {
        "page": page,
        "rows": _table_rows(page),
        "nav": "workers",
        "params": params,
        "link_params": link_params,
        "by_whole_id": by_whole_id,
        "figure": figure,
    }
    if is_htmx(request):
        response = render(request, "people/worker_list.html#table", context)
        if request.method == "POST":
            response["HX-Push-Url"] = "false" if by_whole_id else target
        return response
    employer_id = params.get("employer", "")
    context.update(
        # The drop-downs as (value, label) strings: no model instances, no filter per option.
        occupations=[(str(pk), name) for pk, name in Occupation.objects.values_list("pk", "name")],
        grades=[(str(value), label) for value, label in Grade.choices],
        statuses=WorkerStatus.choices,
        sexes=Sex.choices,
        employer=employers_for_user(request.scope).filter(pk=employer_id).first() if employer_id.isdigit() else None,
    )
    return render(request, "people/worker_list.html", context)


def _table_rows(page: Iterable[Worker]) -> list[dict[str, str]]:
    """The table's cells as strings, made in Python: one ``reverse`` and one translation of each
    label per request instead of one per row (``get_FOO_display`` hashes every translated choice
    on each call), which was most of the list's rendering time.

    The rows' occupation names are read in one query of (worker, name) pairs, in the occupations'
    order (by name), not through ``prefetch_related``: its related managers and occupation instances
    cost 4-10 ms a page of 50 workers, ten times the query (issue 17)."""
    workers = list(page)
    occupations: dict[int, list[str]] = defaultdict(list)
    if workers:
        held = Worker.occupations.through.objects.filter(worker_id__in=[w.pk for w in workers])
        for worker_id, name in held.order_by("occupation__name").values_list("worker_id", "occupation__name"):
            occupations[worker_id].append(name)
    grades = {value: str(label) for value, label in Grade.choices}
    statuses = {value: str(label) for value, label in WorkerStatus.choices}
    url = per_row(reverse("people:worker_detail", args=[URL_SENTINEL]))
    return [
        {
            "url": url.format(w.pk),
            "name": w.name,
            "masked": w.id_number_masked,
            "employer": w.employer_name,
            "occupations": "、".join(occupations[w.pk]),
            "grade": grades.get(w.top_grade, "") if w.top_grade is not None else "",
            "status": statuses.get(w.status, w.status),
        }
        for w in workers
    ]


@login_required
def worker_export(request: HttpRequest) -> HttpResponse:
    qs = _list_queryset(request, _search_params(request))[0].select_related("employer").prefetch_related("occupations")
    return WorkerExporter().response(qs.iterator(chunk_size=2000), request.GET.get("fmt", "csv"))


def _visible_worker(request: HttpRequest, pk: int) -> Worker:
    return get_object_or_404(workers_for_user(request.scope).select_related("employer", "union"), pk=pk)


@login_required
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _visible_worker(request, pk)
    scope = request.scope
    return render(
        request,
        "people/worker_detail.html",
        {
            "worker": worker,
            "grades": worker.grades.select_related("occupation").order_by("occupation__name", "awarded_on"),
            "honours": worker.honours.all(),
            "history": history(worker)[:100],
            "can_change": scope.covers(CHANGE_WORKERS, worker.union_id),
            "can_reveal": scope.covers(VIEW_PII, worker.union_id) or worker.user_id == request.user.pk,
            "nav": "workers",
        },
    )


@never_cache  # Cache-Control: no-store: the unmasked value stays out of every cache
@login_required
@require_POST
def worker_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """Show one unmasked identifier (logged); a POST so that it is never cached or prefetched."""
    if field not in {"id_number", "phone"}:
        raise Http404
    worker = _visible_worker(request, pk)
    value = services.reveal(actor=request.user, scope=request.scope, worker=worker, field_name=field, purpose="view")
    element_id = "id-number" if field == "id_number" else "phone"
    return render(request, "people/reveal.html", {"value": value, "element_id": element_id})


@never_cache  # a refused form shows back the ID number typed in
@login_required
def worker_create(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(CHANGE_WORKERS):
        raise PermissionDenied
    if found := _found_employers(request):
        return found
    form = WorkerForm(request.POST or None, scope=request.scope, find=_find(request))
    if done := submit(
        request,
        form,
        lambda: services.create_worker(actor=request.user, scope=request.scope, data=form.to_data()),
        success=_("Worker registered."),
        field="id_number",
    ):
        return done
    return render(request, "people/worker_form.html", {"form": form, "find": _find(request), "nav": "workers"})


@never_cache  # the form shows the unmasked ID number and phone
@login_required
def worker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _visible_worker(request, pk)
    request.scope.require(CHANGE_WORKERS, worker.union_id)
    if found := _found_employers(request, worker.employer_id):  # before any reveal: the drop-down alone
        return found
    if request.method == "POST":
        form = WorkerForm(request.POST, scope=request.scope, find=_find(request))
        if done := submit(
            request,
            form,
            lambda: services.update_worker(actor=request.user, scope=request.scope, worker=worker, data=form.to_data()),
            success=_("Changes saved."),
            field="id_number",
            then=worker,
        ):
            return done
    else:
        # The edit form shows the full identifiers, so opening it is an unmasked view and is logged.
        initial = {
            "name": worker.name,
            "id_number": services.reveal(
                actor=request.user, scope=request.scope, worker=worker, field_name="id_number", purpose="edit"
            ),
            "phone": services.reveal(
                actor=request.user, scope=request.scope, worker=worker, field_name="phone", purpose="edit"
            )
            if worker.phone_enc
            else "",
            "employer": worker.employer_id,
            "occupations": list(worker.occupations.all()),
            "status": worker.status,
        }
        form = WorkerForm(initial=initial, scope=request.scope, find=_find(request))
    context = {"form": form, "worker": worker, "find": _find(request), "nav": "workers"}
    return render(request, "people/worker_form.html", context)


def _find(request: HttpRequest) -> str:
    """The employer name typed in the find box above the worker form."""
    return request.GET.get("employer_q", "").strip()


def _found_employers(request: HttpRequest, chosen: int | None = None) -> HttpResponse | None:
    """The find box's htmx request: the employer drop-down alone, listing the employers in reach
    whose name holds the term, and the one chosen so far (the form's, else ``chosen``)."""
    if not (is_htmx(request) and request.method == "GET" and "employer_q" in request.GET):
        return None
    kept = request.GET.get("employer") or chosen
    form = WorkerForm(initial={"employer": kept}, scope=request.scope, find=_find(request))
    return HttpResponse(str(form["employer"]))


@login_required
def grade_create(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _visible_worker(request, pk)
    request.scope.require(CHANGE_WORKERS, worker.union_id)
    form = GradeForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda: services.add_grade(actor=request.user, scope=request.scope, worker=worker, **form.cleaned_data),
        success=_("Grade recorded."),
        field="certificate_no",
        then=worker,
    ):
        return done
    return render(request, "people/grade_form.html", {"form": form, "worker": worker, "nav": "workers"})


@login_required
def honour_create(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _visible_worker(request, pk)
    request.scope.require(CHANGE_WORKERS, worker.union_id)
    form = HonourForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda: services.add_honour(actor=request.user, scope=request.scope, worker=worker, **form.cleaned_data),
        success=_("Honour recorded."),
        field="title",
        then=worker,
    ):
        return done
    return render(request, "people/honour_form.html", {"form": form, "worker": worker, "nav": "workers"})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The worker's own record, laid out for a phone."""
    worker = Worker.objects.filter(user=request.user).select_related("employer").first()
    grades = worker.grades.select_related("occupation").order_by("-awarded_on") if worker else []
    # awards and subsidies paid through the ledger (the awards app hangs them on the worker)
    awards = (
        worker.ledger_lines.exclude(state="rejected").select_related("programme").order_by("-id")  # type: ignore[attr-defined]
        if worker
        else []
    )
    return render(request, "people/me.html", {"worker": worker, "grades": grades, "awards": awards})
