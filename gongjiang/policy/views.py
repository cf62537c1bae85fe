"""Policy pages: every signed-in official reads documents and rules; the province writes them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.actions import act, submit
from gongjiang.core.audit import history
from gongjiang.core.counts import children_counted
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.orgs.figures import narrow
from gongjiang.orgs.rules import MANAGE_POLICY

from . import services
from .enums import DocumentKind, DocumentStatus, RuleKind
from .forms import AttachmentForm, DocumentForm, GoalForm, RuleForm
from .models import Attachment, Goal, PolicyDocument, Rule
from .queries import require_official, search_documents

PAGE_SIZE = 30


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    require_official(request.scope)
    qs = PolicyDocument.objects.annotate(rule_count=Count("rules")).order_by("-issued_on", "doc_no")
    if kind := request.GET.get("kind"):
        qs = qs.filter(kind=kind)
    if status := request.GET.get("status"):
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    rows = search_documents(qs, q) if q else qs
    rows, figure = narrow(request, rows)  # the documents behind a statistical figure
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "kinds": DocumentKind.choices,
        "statuses": DocumentStatus.choices,
        "figure": figure,
        "nav": "policy",
    }
    template = "policy/document_list.html#table" if is_htmx(request) else "policy/document_list.html"
    return render(request, template, context)


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_official(request.scope)
    document = get_object_or_404(PolicyDocument, pk=pk)
    return render(
        request,
        "policy/document_detail.html",
        {
            "document": document,
            "rules": document.rules.order_by("code", "-version"),
            "attachments": document.attachments.all(),
            "attachment_form": AttachmentForm(),
            "history": history(document)[:50],
            "nav": "policy",
        },
    )


def _document_form(request: HttpRequest, document: PolicyDocument | None) -> HttpResponse:
    if not request.scope.has(MANAGE_POLICY):
        raise PermissionDenied
    initial = {f: getattr(document, f) for f in services.DOCUMENT_FIELDS} if document else {}
    form = DocumentForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda: services.save_document(actor=request.user, scope=request.scope, data=form.to_data(), document=document),
        success=_("Document saved."),
        field="doc_no",
    ):
        return done
    return render(request, "policy/document_form.html", {"form": form, "document": document, "nav": "policy"})


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    return _document_form(request, None)


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_form(request, get_object_or_404(PolicyDocument, pk=pk))


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.scope.has(MANAGE_POLICY):
        raise PermissionDenied
    document = get_object_or_404(PolicyDocument, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        act(
            request,
            lambda: services.add_attachment(
                actor=request.user, scope=request.scope, document=document, upload=form.cleaned_data["file"]
            ),
            _("Attachment added."),
        )
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect(document)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    require_official(request.scope)
    attachment = get_object_or_404(Attachment, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


def _decisions_per_rule() -> Coalesce:
    """How many decisions cite a rule, as a correlated ``COUNT(*)``: an index-only scan of the rule's
    entries in the decisions' ``rule`` index. ``Count("decisions")`` joined every decision to its rule
    and grouped by every column of the rule, its document (full text included) and its programme: with
    500,000 decisions (a copy of the demo, issue 17) the rule list took 2.7 s, sorting the joined rows
    on disk; this way 95-113 ms. (The decisions are the awards app's, above this one: reached through
    the relation, not imported.)"""
    return children_counted(Rule.decisions.rel.related_model.objects.all(), "rule")


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    require_official(request.scope)
    rules = Rule.objects.select_related("document", "programme").annotate(decision_count=_decisions_per_rule())
    if kind := request.GET.get("kind"):
        rules = rules.filter(kind=kind)
    return render(
        request,
        "policy/rule_list.html",
        {"rules": rules.order_by("kind", "code", "-version"), "kinds": RuleKind.choices, "nav": "rules"},
    )


@login_required
def rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_official(request.scope)
    rule = get_object_or_404(Rule.objects.select_related("document", "programme", "created_by"), pk=pk)
    versions = (
        Rule.objects.filter(code=rule.code).select_related("document").annotate(decision_count=_decisions_per_rule())
    )
    return render(
        request,
        "policy/rule_detail.html",
        {"rule": rule, "versions": versions.order_by("-version"), "history": history(rule)[:50], "nav": "rules"},
    )


def _rule_form(request: HttpRequest, *, kind: str, base: Rule | None) -> HttpResponse:
    if not request.scope.has(MANAGE_POLICY):
        raise PermissionDenied
    if kind not in RuleKind.values:
        raise Http404
    initial = RuleForm.initial_for(base) if base else {}
    form = RuleForm(request.POST or None, initial=initial, kind=kind, code_field=base is None)
    if done := submit(
        request,
        form,
        lambda: services.add_rule_version(
            actor=request.user,
            scope=request.scope,
            code=base.code if base else form.cleaned_data["code"],
            kind=kind,
            name=form.cleaned_data["name"],
            document=form.cleaned_data["document"],
            clause=form.cleaned_data["clause"],
            effective_from=form.cleaned_data["effective_from"],
            terms=form.terms(),
            programme=form.cleaned_data.get("programme"),
        ),
        success=_("Rule version saved. Decisions from its first day on will cite it."),
    ):
        return done
    return render(
        request,
        "policy/rule_form.html",
        {"form": form, "base": base, "kind": RuleKind(kind), "kinds": RuleKind.choices, "nav": "rules"},
    )


@login_required
def rule_create(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, kind=request.GET.get("kind") or "reward", base=None)


@login_required
def rule_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    base = get_object_or_404(Rule, pk=pk)
    return _rule_form(request, kind=base.kind, base=base)


@login_required
def goal_list(request: HttpRequest) -> HttpResponse:
    """The province's craftsman goals, each citing its document (the statistics' targets)."""
    require_official(request.scope)
    goals = Goal.objects.select_related("document")
    return render(request, "policy/goal_list.html", {"goals": goals, "nav": "rules"})


def _goal_form(request: HttpRequest, goal: Goal | None) -> HttpResponse:
    if not request.scope.has(MANAGE_POLICY):
        raise PermissionDenied
    initial = {f: getattr(goal, f) for f in services.GOAL_FIELDS} if goal else {}
    form = GoalForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda: services.save_goal(actor=request.user, scope=request.scope, fields=form.cleaned_data, goal=goal),
        success=_("Goal saved."),
        then="policy:goals",
    ):
        return done
    return render(request, "policy/goal_form.html", {"form": form, "goal": goal, "nav": "rules"})


@login_required
def goal_create(request: HttpRequest) -> HttpResponse:
    return _goal_form(request, None)


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _goal_form(request, get_object_or_404(Goal, pk=pk))
