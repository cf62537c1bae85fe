"""Pages for decisions, the ledger, budgets, reports and honour cycles."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gongjiang.competitions.models import Competition, Result
from gongjiang.competitions.queries import competitions_for_user
from gongjiang.core.actions import act
from gongjiang.core.audit import history
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow as narrow_todo
from gongjiang.core.validators import mask_names
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.figures import narrow
from gongjiang.orgs.models import Union
from gongjiang.orgs.rules import APPROVE_PAYMENTS, MANAGE_FUNDS, MANAGE_POLICY, REVIEW_AWARDS, VIEW_AWARDS
from gongjiang.policy.enums import Nominee
from gongjiang.policy.models import Programme, Rule
from gongjiang.policy.queries import rule_view

from . import reports, services
from .cells import line_cells
from .enums import CycleState, DecisionKind, DecisionState, LineState, NominationState
from .exports import DecisionExporter, LedgerExporter
from .models import Decision, HonourCycle, LedgerLine, Nomination, NominationObjection
from .queries import (
    CityNewestLines,
    ReachNewestLines,
    RollupCounted,
    cycles_for,
    decisions_for,
    ledger_rows,
    lines_for,
    nominations_for,
    programmes_for,
    reach_year_totals,
    reviewable_ids,
)
from .todos import TODOS
from .views_deadline import closing_day

PAGE_SIZE = 50
LEDGER_COUNT_CAP = 1_000  # "more than 1,000 lines": the ledger's pager counts no further


def _need(request: HttpRequest, *caps: str) -> None:
    if not any(request.scope.has(c) for c in caps):
        raise PermissionDenied


def _to_int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


# ---------------------------------------------------------------- decisions


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    _need(request, VIEW_AWARDS, REVIEW_AWARDS)
    qs = decisions_for(request.scope).order_by("-decided_on", "result__event_id", "result__rank", "kind")
    state = request.GET.get("state", DecisionState.PROPOSED if "state" not in request.GET else "")
    if state:
        qs = qs.filter(state=state)
    if kind := request.GET.get("kind"):
        qs = qs.filter(kind=kind)
    if competition := _to_int(request.GET.get("competition")):
        qs = qs.filter(result__event__competition_id=competition)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(worker__name__contains=q) | Q(result__event__competition__name__contains=q))
    qs = narrow_todo(request, qs, TODOS)
    if request.GET.get("fmt") in {"xlsx", "csv"}:
        return DecisionExporter().response(qs, request.GET["fmt"])
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "state": state, "reviewable": reviewable_ids(request.scope, page)}
    if is_htmx(request):  # the search swaps in the table only
        return render(request, "awards/decision_list.html#table", context)
    context |= {
        "states": DecisionState.choices,
        "kinds": DecisionKind.choices,
        "final_without": _final_without_proposals(request),
        "nav": "awards",
    }
    return render(request, "awards/decision_list.html", context)


def _final_without_proposals(request: HttpRequest) -> QuerySet[Competition]:
    """Final competitions of the user's review with no proposals, from days some competition rule was in force."""
    first_rule = Rule.objects.filter(kind__in=DecisionKind.values).aggregate(day=Min("effective_from"))["day"]
    # A city federation's reach probed competition by competition down the primary key
    # (``Scope.walking``): its ten are among the newest few dozen, where hashing the reach (Harbin:
    # 26,573 closure rows) cost 15 ms of a 0.5 ms walk at province scale (issue 17). A smaller, sparser
    # reach (a county's) may walk far for its ten: there the hash is cheaper.
    scope = request.scope.walking() if request.scope.city_wide(REVIEW_AWARDS) else request.scope
    return (
        competitions_for_user(scope)
        .filter(state__in=["final", "archived"], finalised_on__gte=first_rule or dt.date.max)
        .filter(organiser_id__in=request.scope.union_ids(REVIEW_AWARDS))
        # EXISTS, not a join and DISTINCT: each competition stops at its first result (no scan of all results).
        .filter(Exists(Result.objects.filter(event__competition=OuterRef("pk"))))
        .exclude(Exists(Decision.objects.filter(result__event__competition=OuterRef("pk"))))
        # the newest ten: a walk down the primary key that stops at the tenth (the competitions'
        # own order, by start day, sorted every final competition in reach: 120-340 ms at province scale)
        .order_by("-pk")[:10]
    )


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(decisions_for(request.scope), pk=pk)
    can_review = decision.state == DecisionState.PROPOSED and request.scope.covers(REVIEW_AWARDS, decision.owner_id)
    if request.method == "POST":
        if not request.scope.covers(REVIEW_AWARDS, decision.owner_id):
            raise PermissionDenied
        amount = None
        if request.POST.get("amount"):
            try:
                amount = Decimal(request.POST["amount"])
            except InvalidOperation:
                messages.error(request, _("Enter the amount in yuan, e.g. 15000 or 15000.50."))
                return redirect(decision)
        act(
            request,
            lambda: services.review_decision(
                actor=request.user,
                scope=request.scope,
                decision=decision,
                verdict=request.POST.get("verdict", ""),
                amount=amount,
                note=request.POST.get("note", ""),
            ),
            _("Review recorded."),
        )
        return redirect(decision)
    others = decisions_for(request.scope).filter(result=decision.result).exclude(pk=decision.pk)
    return render(
        request,
        "awards/decision_detail.html",
        {
            "decision": decision,
            "line": LedgerLine.objects.filter(decision=decision).first(),
            "others": others,
            "can_review": can_review,
            "history": history(decision)[:50],
            "nav": "awards",
        },
    )


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the rules over a final competition that has no proposals yet (e.g. final before the rules)."""
    competition = get_object_or_404(competitions_for_user(request.scope), pk=pk)
    request.scope.require(REVIEW_AWARDS, competition.organiser_id)
    act(
        request,
        lambda: services.propose_for_competition(competition),
        lambda n: _("%(n)s proposals made.") % {"n": n},
    )
    return redirect("awards:decisions")


# ---------------------------------------------------------------- the ledger


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    _need(request, VIEW_AWARDS, APPROVE_PAYMENTS)
    qs = lines_for(request.scope).select_related("union").order_by("-id")
    if state := request.GET.get("state"):
        qs = qs.filter(state=state)
    if programme := _to_int(request.GET.get("programme")):
        qs = qs.filter(programme_id=programme)
    if year := _to_int(request.GET.get("year")):
        qs = qs.filter(year=year)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(payee__contains=q) | Q(payment_ref__contains=q))
    qs, figure = narrow(request, qs)  # the lines behind a statistical figure
    qs = narrow_todo(request, qs, TODOS)
    if request.GET.get("fmt") in {"xlsx", "csv"}:
        return LedgerExporter().response(qs, request.GET["fmt"])
    # Totals per state for one budget year (the one asked for, else this year), never over the whole
    # ledger; lines behind a figure or a to-do are few and are totalled as they are.
    totals_year = None
    summed = qs
    if not year and figure is None and request.GET.get("todo") not in {todo.key for todo in TODOS}:
        totals_year = timezone.localdate().year
        summed = qs.filter(year=totals_year)
    # The pager counts at most LEDGER_COUNT_CAP rows, in the page's order (unordered: a seq scan, issue 17).
    shown = qs.select_related(None).select_related("programme", "union")  # what the table shows, no worker row
    plain = not (state or programme or year or q or request.GET.get("figure") or request.GET.get("todo"))
    rows = ledger_rows(request.scope, shown, plain=plain)  # a city's lines down its index, a county's union by union
    if plain and isinstance(rows, QuerySet):  # the province's, an industrial union's: counted from the rollup
        rows = RollupCounted.of(request.scope, rows)
    # The plain ledger's year totals from the rollup (a few rows at any scale), else by the city or
    # union by union, else summed over the lines.
    totals = reach_year_totals(request.scope, totals_year) if plain and totals_year else None
    if totals is None and totals_year and isinstance(rows, (CityNewestLines, ReachNewestLines)):
        totals = rows.year_totals(totals_year)
    if totals is None:
        totals = {row["state"]: row["total"] for row in summed.order_by().values("state").annotate(total=Sum("amount"))}
    pager = CappedPaginator(rows, PAGE_SIZE, cap=LEDGER_COUNT_CAP, count_in_order=True)
    page = pager.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": line_cells(page.object_list),
        "q": q,
        "states": LineState.choices,
        "programmes": Programme.objects.all(),
        "totals": totals,
        "totals_year": totals_year,
        "figure": figure,
        "nav": "ledger",
    }
    template = "awards/ledger.html#table" if is_htmx(request) else "awards/ledger.html"
    return render(request, template, context)


@login_required
def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(lines_for(request.scope).select_related("decision", "nomination", "reverses"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        actions = {
            "approve": lambda: services.approve_line(actor=request.user, scope=request.scope, line=line),
            "pay": lambda: services.pay_line(
                actor=request.user, scope=request.scope, line=line, payment_ref=request.POST.get("payment_ref", "")
            ),
            "reject": lambda: services.reject_line(
                actor=request.user, scope=request.scope, line=line, reason=request.POST.get("reason", "")
            ),
            "reverse": lambda: services.reverse_line(
                actor=request.user, scope=request.scope, line=line, reason=request.POST.get("reason", "")
            ),
        }
        if action not in actions:
            raise Http404
        try:
            result = actions[action]()
        except services.AwardError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Done."))
            return redirect(result)
        return redirect(line)
    reversal = LedgerLine.objects.filter(reverses=line).first()
    can_move = services.may_move_money(request.scope, line.programme)
    return render(
        request,
        "awards/line_detail.html",
        {"line": line, "reversal": reversal, "can_move": can_move, "history": history(line)[:50], "nav": "ledger"},
    )


@login_required
def budgets(request: HttpRequest) -> HttpResponse:
    """Budgets of the programmes whose money the user moves; a union may keep programmes of its own."""
    _need(request, APPROVE_PAYMENTS, MANAGE_FUNDS)
    programmes = programmes_for(request.scope)
    if request.GET.get("fmt") in {"xlsx", "csv"}:
        return reports.BudgetExporter().response(reports.budget_rows(programmes), request.GET["fmt"])
    owners = Union.objects.filter(pk__in=request.scope.roots(MANAGE_FUNDS)).order_by("pk")
    if request.method == "POST" and request.POST.get("action") == "programme":
        owner = get_object_or_404(owners, pk=request.POST.get("owner") or 0)
        act(
            request,
            lambda: services.create_programme(
                actor=request.user, scope=request.scope, owner=owner, name=request.POST.get("name", "")
            ),
            _("Programme created. Set its budget below."),
        )
        return redirect("awards:budgets")
    if request.method == "POST":
        programme = get_object_or_404(programmes, pk=request.POST.get("programme") or 0)
        try:
            year = int(request.POST.get("year", ""))
            amount = Decimal(request.POST.get("amount", ""))
            if not 2000 <= year <= 2100 or amount < 0:
                raise ValueError
        except (ValueError, InvalidOperation):
            messages.error(request, _("Enter a year and an amount in yuan."))
        else:
            act(
                request,
                lambda: services.set_budget(
                    actor=request.user, scope=request.scope, programme=programme, year=year, amount=amount
                ),
                _("Budget saved."),
            )
        return redirect("awards:budgets")
    settable = [p for p in programmes if p.owner_id is not None or request.scope.has(MANAGE_POLICY)]
    return render(
        request,
        "awards/budgets.html",
        {
            "rows": reports.budget_rows(programmes),
            "programmes": settable,
            "owners": owners,
            "this_year": timezone.localdate().year,
            "nav": "ledger",
        },
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """Payouts by programme, city (or industrial union) and year, from the lines the user may see."""
    _need(request, VIEW_AWARDS, APPROVE_PAYMENTS)
    year = _to_int(request.GET.get("year"))
    rows = reports.payout_rows(lines_for(request.scope), year)
    fmt = request.GET.get("fmt")
    if fmt in {"xlsx", "csv"}:
        return reports.PayoutExporter().response(rows, fmt)
    if fmt == "pdf":
        budgets = reports.budget_rows(programmes_for(request.scope))
        pdf = reports.render_pdf(rows, year, decisions_for(request.scope), request.user, budgets)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="payouts-{year or "all"}.pdf"'
        return response
    years = sorted(set(lines_for(request.scope).values_list("year", flat=True)), reverse=True)
    return render(request, "awards/report.html", {"rows": rows, "year": year, "years": years, "nav": "ledger"})


# ---------------------------------------------------------------- honours


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = cycles_for(request.scope, request.user.pk).annotate(
        nominated=Count("nominations", distinct=True),
        approved=Count("nominations", filter=Q(nominations__state=NominationState.APPROVED), distinct=True),
    )
    if not (cycles.exists() or request.scope.has(REVIEW_AWARDS) or request.scope.has(APPROVE_PAYMENTS)):
        raise PermissionDenied
    if request.method == "POST":
        _need(request, MANAGE_POLICY)
        rule = get_object_or_404(Rule, pk=request.POST.get("rule") or 0, kind="honour")
        try:
            year = _to_int(request.POST.get("year"))
            if year is None:
                raise ValueError(_("Enter a year."))
            cycle = services.open_cycle(
                actor=request.user,
                scope=request.scope,
                rule=rule,
                year=year,
                nominations_close_on=closing_day(request.POST.get("nominations_close_on")),
            )
        except (services.AwardError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect(cycle)
        return redirect("awards:cycles")
    today = timezone.localdate()
    rules = [r for r in Rule.objects.filter(kind="honour").select_related("document") if rule_view(r).in_force(today)]
    page = CappedPaginator(narrow_todo(request, cycles.order_by("-year", "title", "pk"), TODOS), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "awards/cycle_list.html",
        {"cycles": page.object_list, "page": page, "rules": rules, "this_year": today.year, "nav": "honours"},
    )


def _visible_cycle(request: HttpRequest, pk: int) -> HonourCycle:
    return get_object_or_404(cycles_for(request.scope, request.user.pk).select_related("rule__document"), pk=pk)


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _visible_cycle(request, pk)
    kind = services.nominee_kind(cycle)
    nominations = nominations_for(request.scope, request.user.pk).filter(cycle=cycle)
    allocations = cycle.allocations.select_related("union").annotate(
        used=Count("nominations", filter=~Q(nominations__state=NominationState.WITHDRAWN))
    )
    mine = [a for a in allocations if request.scope.covers(REVIEW_AWARDS, a.union_id)]
    allocatable = Union.objects.filter(kind__in=[UnionKind.CITY, UnionKind.INDUSTRY]).order_by("kind", "region_id")
    return render(
        request,
        "awards/cycle_detail.html",
        {
            "cycle": cycle,
            "nominee_kind_value": kind,
            "nominee_kind": Nominee(kind).label,
            "unit_header": _("Employer") if kind == Nominee.PERSON else pgettext("nominee", "Unit"),
            "nominations": nominations.order_by("-score", "id"),
            "allocations": allocations if request.scope.has(MANAGE_POLICY) else mine,
            "allocated": sum(a.quota for a in allocations),
            "mine": mine,
            "allocatable": allocatable,
            "is_reviewer": cycle.reviewers.filter(pk=request.user.pk).exists(),
            "next_state": _next_stage(cycle.state),
            "bulk_decide": request.scope.has(APPROVE_PAYMENTS) and cycle.state == CycleState.NOTICE,
            "nav": "honours",
        },
    )


def _next_stage(state: str) -> str | None:
    order = list(CycleState.values)
    i = order.index(state)
    return order[i + 1] if i + 1 < len(order) else None


@login_required
@require_POST
def cycle_advance(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _visible_cycle(request, pk)
    act(
        request,
        lambda: services.advance_cycle(
            actor=request.user, scope=request.scope, cycle=cycle, to=request.POST.get("to", "")
        ),
        None,
    )
    return redirect(cycle)


@login_required
@require_POST
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _visible_cycle(request, pk)
    _need(request, MANAGE_POLICY)
    union = get_object_or_404(Union, pk=request.POST.get("union") or 0)
    try:
        services.allocate(
            actor=request.user, scope=request.scope, cycle=cycle, union=union, quota=int(request.POST.get("quota", ""))
        )
    except ValueError:
        messages.error(request, _("Enter the number of places."))
    except services.AwardError as exc:
        messages.error(request, str(exc))
    return redirect(cycle)


def _visible_nomination(request: HttpRequest, pk: int) -> Nomination:
    return get_object_or_404(
        nominations_for(request.scope, request.user.pk).select_related("cycle__rule", "worker__employer", "employer"),
        pk=pk,
    )


@login_required
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _visible_nomination(request, pk)
    cycle = nomination.cycle
    return render(
        request,
        "awards/nomination_detail.html",
        {
            "nomination": nomination,
            "cycle": cycle,
            "reviews": nomination.reviews.select_related("reviewer"),
            "objections": nomination.objections.select_related("raised_by"),
            "my_review": nomination.reviews.filter(reviewer=request.user).first(),
            "is_reviewer": cycle.reviewers.filter(pk=request.user.pk).exists() and cycle.state == CycleState.REVIEWING,
            "can_object": nomination.state == NominationState.IN_NOTICE
            and services.can_object(request.scope, nomination),
            "can_decide": request.scope.has(APPROVE_PAYMENTS) and nomination.state == NominationState.IN_NOTICE,
            "line": LedgerLine.objects.filter(nomination=nomination).first(),
            "history": history(nomination)[:50],
            "nav": "honours",
            # an enterprise's clerk sees its worker's nomination, not the cycle: link only what opens
            "can_open_cycle": cycles_for(request.scope, request.user.pk).filter(pk=cycle.pk).exists(),
        },
    )


@login_required
@require_POST
def nomination_action(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _visible_nomination(request, pk)
    action = request.POST.get("action")
    try:
        if action == "review":
            try:
                score = Decimal(request.POST.get("score", ""))
            except InvalidOperation:
                raise services.AwardError(_("A score is from 0 to 100.")) from None
            services.review_nomination(
                actor=request.user, nomination=nomination, score=score, comment=request.POST.get("comment", "")
            )
        elif action == "object":
            services.raise_nomination_objection(
                actor=request.user, scope=request.scope, nomination=nomination, text=request.POST.get("text", "")
            )
        elif action == "approve":
            services.approve_nomination(
                actor=request.user, scope=request.scope, nomination=nomination, note=request.POST.get("note", "")
            )
        elif action == "reject":
            services.reject_nomination(
                actor=request.user, scope=request.scope, nomination=nomination, note=request.POST.get("note", "")
            )
        else:
            raise Http404
    except services.AwardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect(nomination)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(
        NominationObjection.objects.filter(nomination__in=nominations_for(request.scope, request.user.pk)), pk=pk
    )
    act(
        request,
        lambda: services.decide_nomination_objection(
            actor=request.user,
            scope=request.scope,
            objection=objection,
            uphold=request.POST.get("uphold") == "1",
            decision=request.POST.get("decision", ""),
        ),
        None,
    )
    return redirect(objection.nomination)


@login_required
def nomination_materials(request: HttpRequest, pk: int) -> FileResponse:
    nomination = _visible_nomination(request, pk)
    if not nomination.materials:
        raise Http404
    try:
        handle = nomination.materials.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=nomination.materials.name.rsplit("/", 1)[-1])


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The nominees in public notice, for anyone: names masked, deeds and employers shown."""
    cycle = get_object_or_404(HonourCycle, pk=pk)
    nominees = (
        cycle.nominations.filter(state__in=[NominationState.IN_NOTICE, NominationState.APPROVED])
        .select_related("worker__employer", "employer")
        .order_by("-score", "id")
    )
    if cycle.state in {CycleState.NOMINATING, CycleState.REVIEWING}:
        nominees = nominees.none()
    # The deeds are published during the notice (that is what objections are raised against),
    # with every nominee's name masked inside them as it is in the name column.
    nominees = list(nominees)
    names = [n.worker.name for n in nominees if n.worker_id]
    for n in nominees:
        n.public_statement = mask_names(n.statement, names)
    return render(request, "awards/public_notice.html", {"cycle": cycle, "nominees": nominees})


def showcase(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """Each year's honourees, public: the roll the province releases (e.g. before May Day)."""
    years = sorted(
        set(Nomination.objects.filter(state=NominationState.APPROVED).values_list("cycle__year", flat=True)),
        reverse=True,
    )
    year = year or (years[0] if years else timezone.localdate().year)
    approved = (
        Nomination.objects.filter(cycle__year=year, state=NominationState.APPROVED)
        .select_related("worker__employer", "employer", "cycle")
        .order_by("cycle__title", "-score", "id")
    )
    groups: dict[str, list[Nomination]] = {}
    for n in approved:
        groups.setdefault(n.cycle.title, []).append(n)
    return render(request, "awards/showcase.html", {"year": year, "years": years, "groups": groups})
