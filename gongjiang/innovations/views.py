"""Pages of workers' innovations: the list (filters, pager, exports, bulk check), the submit form, the
detail page with each review step as a form or a button, attachments. Views are thin: the services
check scope and state and say why a step is refused."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.competitions.queries import competitions_for_user
from gongjiang.core import audit
from gongjiang.core.actions import act, submit
from gongjiang.core.batch import outcome_page, run_each, selection
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow
from gongjiang.orgs.rules import APPRAISE_INNOVATIONS, CONFIRM_BENEFITS, REVIEW_INNOVATIONS, VIEW_WORKERS
from gongjiang.studios.queries import projects_for_user, studios_for_user

from . import services
from .enums import Grade, Kind, State
from .exports import InnovationExporter
from .forms import (
    AUTHOR_ROWS,
    AppraiseForm,
    AttachmentsForm,
    CalculateForm,
    CheckForm,
    InnovationForm,
    NoticeForm,
    ObjectionForm,
    ReasonForm,
    ResolveForm,
)
from .models import Attachment, Innovation, Objection
from .queries import (
    filter_innovations,
    innovations_for_user,
    may_appraise,
    may_confirm,
    may_review,
    own_worker,
    submit_choices,
)
from .rewards import lines as reward_lines
from .rewards import may_propose, propose_rewards
from .todos import TODOS

AUTHOR_KEYS = tuple(f"author_{n}" for n in range(1, AUTHOR_ROWS + 1))
SHARE_KEYS = tuple(f"share_{n}" for n in range(1, AUTHOR_ROWS + 1))

PAGE_SIZE = 30
MAX_BULK = 200


def _may_use(request: HttpRequest) -> None:
    scope = request.scope
    if not (scope.has(VIEW_WORKERS) or scope.has(CONFIRM_BENEFITS) or own_worker(scope) is not None):
        raise PermissionDenied


def _innovation(request: HttpRequest, pk: int) -> Innovation:
    return get_object_or_404(
        innovations_for_user(request.scope).select_related(
            "employer", "competition", "studio", "project__alliance", "named_after", "labour_team__unit__employer"
        ),
        pk=pk,
    )


@login_required
def innovation_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    scope = request.scope
    qs = innovations_for_user(scope).select_related("employer", "competition", "studio", "project")
    qs = filter_innovations(qs, request.GET.dict()).order_by("-pk")
    qs = narrow(request, qs, TODOS)
    if fmt := request.GET.get("fmt"):
        return InnovationExporter().response(qs.prefetch_related("authors__worker"), fmt)
    page = CappedPaginator(qs.prefetch_related("authors__worker"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": request.GET.get("q", ""),
        "states": State.choices,
        "kinds": Kind.choices,
        "grades": Grade.choices,
        "may_check": scope.has(REVIEW_INNOVATIONS),
        "may_confirm": scope.has(CONFIRM_BENEFITS),
        "may_submit": scope.has(REVIEW_INNOVATIONS) or own_worker(scope) is not None,
        "nav": "innovations",
    }
    template = "innovations/list.html#table" if is_htmx(request) else "innovations/list.html"
    return render(request, template, context)


@login_required
def innovation_create(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    me = own_worker(scope)
    if not (scope.has(REVIEW_INNOVATIONS) or me is not None):
        raise PermissionDenied
    pick = scope.has(REVIEW_INNOVATIONS)
    initial: dict[str, Any] = {}
    if me is not None and not pick:
        initial["authors"] = f"{me.name} 100"
    # what the page was opened with, or (typing in a search box) what was chosen so far
    for key in ("employer", "competition", "studio", "project", "labour_team", *AUTHOR_KEYS):
        if (value := request.GET.get(key, "")).isdigit():
            initial[key] = int(value)
    for key in ("title", "kind", "team", "description", *SHARE_KEYS):
        if value := request.GET.get(key, "").strip():
            initial[key] = value
    form = InnovationForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        pick_authors=pick,
        employer_q=request.GET.get("employer_q", ""),
        worker_q=request.GET.get("worker_q", ""),
        competition_q=request.GET.get("competition_q", ""),
        **submit_choices(scope),
    )

    if pick:  # choosing another employer refreshes its workers and teams (htmx; a button without script)
        form.fields["employer"].widget.attrs.update(
            {
                "hx-get": request.path,
                "hx-trigger": "change",
                "hx-include": "#innovation-form, [name=worker_q]",
                "hx-target": "#employer-dependent",
                "hx-select": "#employer-dependent",
                "hx-swap": "outerHTML",
            }
        )

    def call() -> Innovation:
        d = form.cleaned_data
        return services.submit_innovation(
            actor=request.user,
            scope=scope,
            data=services.InnovationData(
                title=d["title"],
                kind=d["kind"],
                description=d["description"],
                employer=d["employer"],
                authors=d["author_list"],
                team=d.get("team") or "",
                labour_team=d.get("labour_team"),
                method_name=d.get("method_name") or "",
                named_after=d.get("named_worker"),
                competition=d.get("competition"),
                studio=d.get("studio"),
                project=d.get("project"),
            ),
            attachments=d.get("attachments") or [],
        )

    if done := submit(request, form, call, success=_("Innovation submitted to the enterprise union.")):
        return done
    context = {
        "form": form,
        "picking": pick,
        "employer_q": request.GET.get("employer_q", ""),
        "worker_q": request.GET.get("worker_q", ""),
        "competition_q": request.GET.get("competition_q", ""),
        "title": _("Submit an innovation"),
        "back": reverse("innovations:list"),
        "nav": "innovations",
    }
    return render(request, "innovations/form.html", context)


@login_required
def innovation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _innovation(request, pk)
    scope = request.scope
    state = innovation.state
    review, appraise, finance = (
        may_review(scope, innovation),
        may_appraise(scope, innovation),
        may_confirm(scope, innovation),
    )
    context = {
        "innovation": innovation,
        # link where it came from only for those who may open it
        "links": {
            "competition": bool(innovation.competition_id)
            and competitions_for_user(scope).filter(pk=innovation.competition_id).exists(),
            "studio": bool(innovation.studio_id) and studios_for_user(scope).filter(pk=innovation.studio_id).exists(),
            "project": bool(innovation.project_id)
            and projects_for_user(scope).filter(pk=innovation.project_id).exists(),
        },
        "authors": innovation.authors.select_related("worker"),
        "attachments": innovation.attachments.all(),
        "objections": innovation.objections.all(),
        "history": audit.history(innovation),
        "check_form": CheckForm() if review and state == State.SUBMITTED else None,
        "appraise_form": AppraiseForm() if appraise and state == State.CHECKED else None,
        "calculate_form": CalculateForm(
            initial={
                k: getattr(innovation, k) for k in ("annual_saving", "added_output", "years", "deductions", "method")
            }
        )
        if review and state == State.APPRAISED
        else None,
        "may_confirm": finance and state == State.CALCULATED,
        "notice_form": NoticeForm() if review and state == State.CONFIRMED else None,
        "may_recognise": review and state == State.IN_NOTICE,
        "objection_form": ObjectionForm() if state == State.IN_NOTICE else None,
        "resolve_form": ResolveForm() if review else None,
        "reject_form": ReasonForm()
        if (review or appraise) and state in (State.SUBMITTED, State.CHECKED, State.APPRAISED, State.CALCULATED)
        else None,
        "send_back_form": ReasonForm() if finance and state == State.CALCULATED else None,
        "may_attach": state not in (State.RECOGNISED, State.REJECTED),
        "reward_lines": reward_lines(innovation).select_related("worker"),
        "may_propose_rewards": may_propose(scope, innovation),
        "nav": "innovations",
    }
    return render(request, "innovations/detail.html", context)


def _step(
    request: HttpRequest, pk: int, form_class: type | None, call: Callable[..., Any], success: str
) -> HttpResponse:
    innovation = _innovation(request, pk)
    if form_class is None:
        act(request, lambda: call(innovation), success)
        return redirect(innovation)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                from django.contrib import messages

                messages.error(request, error)
        return redirect(innovation)
    act(request, lambda: call(innovation, **form.cleaned_data), success)
    return redirect(innovation)


def _kw(request: HttpRequest) -> dict[str, Any]:
    return {"actor": request.user, "scope": request.scope}


@login_required
@require_POST
def innovation_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, CheckForm, lambda i, note: services.check(innovation=i, note=note, **_kw(request)), _("Checked.")
    )


@login_required
@require_POST
def innovation_appraise(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        AppraiseForm,
        lambda i, **d: services.appraise(innovation=i, **d, **_kw(request)),
        _("Appraisal recorded."),
    )


@login_required
@require_POST
def innovation_calculate(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, CalculateForm, lambda i, **d: services.calculate(innovation=i, **d, **_kw(request)),
        _("Benefit calculated; finance confirms it next."),
    )  # fmt: skip


@login_required
@require_POST
def innovation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, None, lambda i: services.confirm(innovation=i, **_kw(request)), _("Benefit confirmed."))


@login_required
@require_POST
def innovation_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, ReasonForm, lambda i, reason: services.send_back(innovation=i, reason=reason, **_kw(request)),
        _("Sent back to be calculated again."),
    )  # fmt: skip


@login_required
@require_POST
def innovation_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, NoticeForm, lambda i, until: services.publish_notice(innovation=i, until=until, **_kw(request)),
        _("On public notice."),
    )  # fmt: skip


@login_required
@require_POST
def innovation_object(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, ObjectionForm, lambda i, text: services.object_to(innovation=i, text=text, **_kw(request)),
        _("Objection recorded; the union will answer it."),
    )  # fmt: skip


@login_required
@require_POST
def innovation_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, None, lambda i: services.recognise(innovation=i, **_kw(request)), _("Recognised."))


@login_required
@require_POST
def innovation_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, ReasonForm, lambda i, reason: services.reject(innovation=i, reason=reason, **_kw(request)),
        _("Marked as not accepted."),
    )  # fmt: skip


@login_required
@require_POST
def innovation_rewards(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, None, lambda i: propose_rewards(innovation=i, **_kw(request)),
        _("Rewards proposed in the ledger; they are approved and paid there."),
    )  # fmt: skip


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(
        Objection.objects.filter(innovation__in=innovations_for_user(request.scope)).select_related("innovation"), pk=pk
    )
    form = ResolveForm(request.POST)
    if form.is_valid():
        act(
            request,
            lambda: services.resolve_objection(objection=objection, **form.cleaned_data, **_kw(request)),
            _("Objection answered."),
        )
    else:
        from django.contrib import messages

        messages.error(request, _("Choose the decision and give the answer."))
    return redirect(objection.innovation)


@login_required
@require_POST
def attachments_add(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _innovation(request, pk)
    form = AttachmentsForm(request.POST, request.FILES)
    if not form.is_valid():
        from django.contrib import messages

        messages.error(request, " ".join(str(e) for e in form.errors.get("attachments", [])))
        return redirect(innovation)
    act(
        request,
        lambda: services.add_attachments(
            innovation=innovation, attachments=form.cleaned_data["attachments"], **_kw(request)
        ),
        _("Attachments added."),
    )
    return redirect(innovation)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    found = get_object_or_404(Attachment.objects.filter(innovation__in=innovations_for_user(request.scope)), pk=pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=found.name)


@login_required
@require_POST
def innovations_bulk(request: HttpRequest) -> HttpResponse:
    """The ticked submissions checked (accept) or not accepted (reject, with the reason), each through
    the same service as its own page; or, for finance, the ticked calculations confirmed."""
    scope = request.scope
    if not (scope.has(REVIEW_INNOVATIONS) or scope.has(APPRAISE_INNOVATIONS) or scope.has(CONFIRM_BENEFITS)):
        raise PermissionDenied
    step = request.POST.get("step", "check")
    back = reverse("innovations:list") + ("?state=calculated" if step == "confirm" else "?state=submitted")
    picked = selection(request)
    if picked is None:
        return redirect(back)
    ids, verdict, note = picked
    ids = list(dict.fromkeys(ids))[:MAX_BULK]
    found = innovations_for_user(scope).in_bulk(ids)

    def decide(pk: int) -> Innovation:
        innovation = found.get(pk)
        if innovation is None:
            raise services.InnovationError(_("Not found, or not yours to decide."))
        if verdict == "reject":
            if step == "confirm":
                return services.send_back(innovation=innovation, reason=note, **_kw(request))
            return services.reject(innovation=innovation, reason=note, **_kw(request))
        if step == "confirm":
            return services.confirm(innovation=innovation, **_kw(request))
        return services.check(innovation=innovation, note=note, **_kw(request))

    outcomes = run_each(
        ids,
        decide,
        label=lambda pk: found[pk].title if pk in found else _("Innovation %(id)s") % {"id": pk},
        link=lambda pk: found[pk].get_absolute_url() if pk in found else "",
    )
    title = _("Benefits confirmed") if step == "confirm" else _("Innovations checked")
    return outcome_page(request, outcomes, title=title, back=back, nav="innovations")
