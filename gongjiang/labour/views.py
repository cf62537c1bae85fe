"""Pages of a labour competition: the list, the competition's page, its scheme, its units and teams."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.competitions.models import Competition
from gongjiang.core.actions import act, submit
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow as narrow_todo
from gongjiang.orgs.models import Employer, UnionAncestor
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS, VIEW_COMPETITIONS
from gongjiang.people.models import Worker

from . import services
from .enums import FigureState, Method, RoundState
from .finish import final_refusals
from .forms import IndicatorForm, MemberForm, SchemeForm, TeamForm, UnitForm
from .models import Figure, FinalStanding, Indicator, Round, Standing, Team, Unit
from .queries import changeable_unit, labour_competitions_for_user, manages, reads_all, units_for_user
from .standings import indicators_of, scheme_of
from .todos import TODOS

PAGE_SIZE = 50
CAPS = (MANAGE_COMPETITIONS, ENTER_COMPETITIONS, VIEW_COMPETITIONS)


def need_any(request: HttpRequest) -> None:
    if not any(request.scope.has(c) for c in CAPS):
        raise PermissionDenied


def visible_competition(request: HttpRequest, pk: int) -> Competition:
    return get_object_or_404(labour_competitions_for_user(request.scope).select_related("organiser"), pk=pk)


def visible_unit(request: HttpRequest, pk: int) -> Unit:
    return get_object_or_404(units_for_user(request.scope).select_related("competition__organiser", "employer"), pk=pk)


def units_shown(request: HttpRequest, competition: Competition):  # type: ignore[no-untyped-def]
    """Every unit for the committee (and leadership above it); a union's own units otherwise."""
    qs = (
        Unit.objects.filter(competition=competition)
        if reads_all(request.scope, competition)
        else units_for_user(request.scope).filter(competition=competition)
    )
    return qs.select_related("employer", "competition").order_by("employer__name", "section", "pk")


@login_required
def competition_list(request: HttpRequest) -> HttpResponse:
    need_any(request)
    qs = labour_competitions_for_user(request.scope).select_related("organiser").order_by("-starts_on", "-pk")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q)
    qs = narrow_todo(request, qs, TODOS)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [c.pk for c in page.object_list]
    mine = dict(
        units_for_user(request.scope)
        .filter(competition_id__in=shown)
        .values_list("competition_id")
        .annotate(n=Count("pk"))
    )
    for c in page.object_list:
        c.my_units = mine.get(c.pk, 0)
    return render(request, "labour/competition_list.html", {"page": page, "q": q, "nav": "labour"})


@login_required
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    scheme = scheme_of(competition.pk)
    units = list(units_shown(request, competition).annotate(team_count=Count("teams", distinct=True)))
    rounds = list(Round.objects.filter(competition=competition).order_by("number"))
    committee = manages(request.scope, competition)
    published = FinalStanding.objects.filter(competition=competition).exists()
    open_rounds = sum(1 for r in rounds if r.state == RoundState.OPEN)
    ready = committee and not final_refusals(
        competition, open_rounds=open_rounds, closed=len(rounds) - open_rounds, published=published
    )
    context = {
        "finished": published,
        "ready_to_finish": ready,
        "competition": competition,
        "scheme": scheme,
        "indicators": indicators_of(competition.pk),
        "units": units,
        "rounds": rounds,
        "manages": committee,
        "may_enter": request.scope.has(ENTER_COMPETITIONS) or committee,
        "nav": "labour",
    }
    return render(request, "labour/competition_detail.html", context)


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    scheme = scheme_of(competition.pk)
    which = request.POST.get("form")
    scheme_form = SchemeForm(request.POST if which == "scheme" else None, instance=scheme, prefix="scheme")
    indicator_form = IndicatorForm(request.POST if which == "indicator" else None, prefix="ind")
    if which == "scheme" and (
        done := submit(
            request,
            scheme_form,
            lambda: services.save_scheme(
                actor=request.user, scope=request.scope, competition=competition, **scheme_form.cleaned_data
            ),
            success=_("Scheme saved."),
            then=lambda _s: request.path,
        )
    ):
        return done
    if which == "indicator" and (
        done := submit(
            request,
            indicator_form,
            lambda: services.add_indicator(
                actor=request.user, scope=request.scope, competition=competition, data=indicator_form.to_data()
            ),
            success=_("Indicator added."),
            then=lambda _i: request.path,
        )
    ):
        return done
    indicators = indicators_of(competition.pk)
    context = {
        "competition": competition,
        "scheme": scheme,
        "scheme_form": scheme_form,
        "indicator_form": indicator_form,
        "indicators": indicators,
        "total_weight": sum(i.weight for i in indicators),
        "locked": Round.objects.filter(competition=competition, state=RoundState.CLOSED).exists(),
        "nav": "labour",
    }
    return render(request, "labour/scheme.html", context)


@login_required
@require_POST
def indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(
        Indicator.objects.filter(scheme__competition__in=labour_competitions_for_user(request.scope)).select_related(
            "scheme__competition"
        ),
        pk=pk,
    )
    competition = indicator.scheme.competition
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    act(
        request,
        lambda: services.remove_indicator(actor=request.user, scope=request.scope, indicator=indicator),
        _("Indicator removed."),
    )
    return redirect("labour:scheme", pk=competition.pk)


def enterable_employers(request: HttpRequest, competition: Competition):  # type: ignore[no-untyped-def]
    scope = request.scope
    own = scope.union_filter(ENTER_COMPETITIONS)
    if manages(scope, competition):
        own |= Q(union__in=UnionAncestor.objects.filter(ancestor_id=competition.organiser_id).values("descendant_id"))
    return Employer.objects.filter(own).order_by("name")


@login_required
def unit_add(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    if not (request.scope.has(ENTER_COMPETITIONS) or manages(request.scope, competition)):
        raise PermissionDenied
    employers, find = enterable_employers(request, competition), request.GET.get("employer_q", "").strip()
    if is_htmx(request) and request.method == "GET" and "employer_q" in request.GET:
        # the find box above the form: the employer drop-down alone, keeping the employer chosen so far
        found = UnitForm(employers=employers, find=find, initial={"employer": request.GET.get("employer")})
        return HttpResponse(str(found["employer"]))
    form = UnitForm(request.POST or None, employers=employers, find=find)
    if done := submit(
        request,
        form,
        lambda: services.enter_unit(
            actor=request.user,
            scope=request.scope,
            competition=competition,
            employer=form.cleaned_data["employer"],
            section=form.cleaned_data["section"],
        ),
        success=_("Unit entered. Add its teams."),
    ):
        return done
    context = {"competition": competition, "form": form, "find": find, "nav": "labour"}
    return render(request, "labour/unit_form.html", context)


def unit_rounds(unit: Unit) -> list[dict]:  # type: ignore[type-arg]
    """Per round: the unit's figures, what is missing, its place once the round is closed."""
    indicators = indicators_of(unit.competition_id)
    figures: dict[int, dict[int, Figure]] = {}
    for f in Figure.objects.filter(unit=unit).prefetch_related("evidence"):
        figures.setdefault(f.round_id, {})[f.indicator_id] = f
    standings = {s.round_id: s for s in Standing.objects.filter(unit=unit)}
    rows = []
    for r in Round.objects.filter(competition_id=unit.competition_id).order_by("number"):
        got = figures.get(r.pk, {})
        rows.append(
            {
                "round": r,
                "figures": [(i, got.get(i.pk)) for i in indicators],
                "missing": [i for i in indicators if i.method == Method.MEASURED and got.get(i.pk) is None],
                "unchecked": sum(1 for f in got.values() if f.state == FigureState.REPORTED),
                "standing": standings.get(r.pk),
            }
        )
    return rows


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit(request, pk)
    teams = unit.teams.prefetch_related(Prefetch("members", queryset=Worker.objects.order_by("name")))
    context = {
        "unit": unit,
        "competition": unit.competition,
        "teams": teams,
        "rounds": unit_rounds(unit),
        "changes": changeable_unit(request.scope, unit),
        "team_form": TeamForm(),
        "member_form": MemberForm(unit=unit),
        "nav": "labour",
    }
    return render(request, "labour/unit_detail.html", context)


@login_required
@require_POST
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit(request, pk)
    if not changeable_unit(request.scope, unit):
        raise PermissionDenied
    form = TeamForm(request.POST)
    if form.is_valid():
        act(
            request,
            lambda: services.add_team(
                actor=request.user, scope=request.scope, unit=unit, name=form.cleaned_data["name"]
            ),
            _("Team added."),
        )
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(unit)


def _team(request: HttpRequest, pk: int) -> Team:
    team = get_object_or_404(
        Team.objects.filter(unit__in=units_for_user(request.scope)).select_related(
            "unit__competition__organiser", "unit__employer"
        ),
        pk=pk,
    )
    if not changeable_unit(request.scope, team.unit):
        raise PermissionDenied
    return team


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    form = MemberForm(request.POST, unit=team.unit)
    if form.is_valid():
        worker = form.cleaned_data["id_number"]
        act(
            request,
            lambda: services.add_member(actor=request.user, scope=request.scope, team=team, worker=worker),
            _("%(name)s joined %(team)s.") % {"name": worker.name, "team": team.name},
        )
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(team.unit)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, worker: int) -> HttpResponse:
    team = _team(request, pk)
    member = get_object_or_404(team.members.all(), pk=worker)
    act(
        request,
        lambda: services.remove_member(actor=request.user, scope=request.scope, team=team, worker=member),
        _("Removed from the team."),
    )
    return redirect(team.unit)
