"""Pages of the assessment rounds: open one, report and check figures, veto, close, the public red-flag
board (红旗榜), the final standing, exports and evidence."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.competitions import services as competition_services
from gongjiang.competitions.enums import Kind, State
from gongjiang.competitions.models import Competition
from gongjiang.core.actions import act, submit
from gongjiang.orgs.rules import MANAGE_COMPETITIONS

from . import services
from .enums import FigureState, RoundState
from .exports import FinalStandingExporter, RoundStandingExporter
from .finish import final_facts, final_refusals
from .forms import FiguresForm, RoundForm, VetoForm
from .models import Figure, Round, Unit, Veto
from .queries import changeable_unit, evidence_for_user, manages, published_standings, rounds_for_user, units_for_user
from .standings import compute, final_table, indicators_of, scheme_of
from .views import units_shown, visible_competition


def visible_round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(rounds_for_user(request.scope).select_related("competition__organiser"), pk=pk)


@login_required
def round_add(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    form = RoundForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda: services.open_round(
            actor=request.user, scope=request.scope, competition=competition, data=form.to_data()
        ),
        success=_("Round opened: units may report their figures."),
    ):
        return done
    return render(request, "labour/round_form.html", {"competition": competition, "form": form, "nav": "labour"})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    competition = round_.competition
    committee = manages(request.scope, competition)
    units = list(units_shown(request, competition))
    indicators = indicators_of(competition.pk)
    figures: dict[tuple[int, int], Figure] = {
        (f.unit_id, f.indicator_id): f
        for f in Figure.objects.filter(round=round_, unit__in=units).prefetch_related("evidence")
    }
    vetoes = {v.unit_id: v for v in Veto.objects.filter(round=round_, unit__in=units)}
    rows = [
        {
            "unit": u,
            "cells": [figures.get((u.pk, i.pk)) for i in indicators],
            "reported": sum(1 for i in indicators if (u.pk, i.pk) in figures),
            "unchecked": sum(
                1 for i in indicators if (f := figures.get((u.pk, i.pk))) and f.state == FigureState.REPORTED
            ),
            "veto": vetoes.get(u.pk),
            "changes": committee or changeable_unit(request.scope, u),
        }
        for u in units
    ]
    context = {
        "round": round_,
        "competition": competition,
        "indicators": indicators,
        "rows": rows,
        "committee": committee,
        "scheme": scheme_of(competition.pk),
        "preview": compute(round_) if committee and round_.state == RoundState.OPEN else None,
        "standings": published_standings(round_).filter(unit__in=units),
        "veto_form": VetoForm(units=Unit.objects.filter(competition=competition).select_related("employer"))
        if committee
        else None,
        "nav": "labour",
    }
    return render(request, "labour/round_detail.html", context)


@login_required
def figures_edit(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    unit_obj = get_object_or_404(units_for_user(request.scope).select_related("employer", "competition"), pk=unit)
    if unit_obj.competition_id != round_.competition_id:
        raise Http404
    committee = manages(request.scope, round_.competition)
    if not committee and not changeable_unit(request.scope, unit_obj):
        raise PermissionDenied
    indicators = indicators_of(round_.competition_id)
    existing = {
        f.indicator_id: f for f in Figure.objects.filter(round=round_, unit=unit_obj).prefetch_related("evidence")
    }
    form = FiguresForm(
        request.POST or None, request.FILES or None, indicators=indicators, figures=existing, committee=committee
    )
    if round_.state != RoundState.OPEN and request.method == "POST":
        raise PermissionDenied
    if done := submit(
        request,
        form,
        lambda: services.report_figures(
            actor=request.user,
            scope=request.scope,
            round_=round_,
            unit=unit_obj,
            values=form.values(),
            evidence=form.evidence(),
            check=committee and "check" in request.POST,
        ),
        success=_("Figures saved."),
        then=lambda _f: round_ if committee else unit_obj,
    ):
        return done
    context = {
        "round": round_,
        "competition": round_.competition,
        "unit": unit_obj,
        "form": form,
        "existing": existing,
        "committee": committee,
        "nav": "labour",
    }
    return render(request, "labour/figures_form.html", context)


@login_required
@require_POST
def veto_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, round_.competition.organiser_id)
    form = VetoForm(request.POST, units=Unit.objects.filter(competition=round_.competition))
    if form.is_valid():
        act(
            request,
            lambda: services.record_veto(
                actor=request.user,
                scope=request.scope,
                round_=round_,
                unit=form.cleaned_data["unit"],
                reason=form.cleaned_data["reason"],
            ),
            _("Veto recorded: the unit ranks last in this round."),
        )
    else:
        from django.contrib import messages

        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(round_)


@login_required
@require_POST
def veto_lift(request: HttpRequest, pk: int) -> HttpResponse:
    veto = get_object_or_404(
        Veto.objects.filter(round__in=rounds_for_user(request.scope)).select_related("round__competition", "unit"),
        pk=pk,
    )
    request.scope.require(MANAGE_COMPETITIONS, veto.round.competition.organiser_id)
    act(request, lambda: services.lift_veto(actor=request.user, scope=request.scope, veto=veto), _("Veto lifted."))
    return redirect(veto.round)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, round_.competition.organiser_id)
    if act(
        request,
        lambda: services.close_round(actor=request.user, scope=request.scope, round_=round_),
        _("Round closed; its red-flag board is published."),
    ):
        return redirect("labour:board", pk=round_.pk)
    return redirect(round_)


def board(request: HttpRequest, pk: int) -> HttpResponse:
    """The red-flag board (红旗榜) of a closed round: public, like a competition's notice of results.
    Units (enterprises and sections), their scores, places and red flags; no person's data."""
    round_ = get_object_or_404(
        Round.objects.filter(state=RoundState.CLOSED, competition__kind="labour").select_related(
            "competition__organiser"
        ),
        pk=pk,
    )
    scheme = scheme_of(round_.competition_id)
    return render(
        request,
        "labour/board.html",
        {
            "round": round_,
            "competition": round_.competition,
            "standings": published_standings(round_),
            "scheme": scheme,
        },
    )


@login_required
def standings(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    closed, rows, published = final_table(competition.pk, list(units_shown(request, competition)))
    committee = manages(request.scope, competition)
    context = {
        "competition": competition,
        "scheme": scheme_of(competition.pk),
        "closed": closed,
        "rows": rows,
        "published": published,
        "committee": committee,
        "refusals": final_refusals(competition, **final_facts(competition)) if committee and not published else [],
        "nav": "labour",
    }
    return render(request, "labour/standings.html", context)


@login_required
def standings_export(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    closed, rows, published = final_table(competition.pk, list(units_shown(request, competition)))
    return FinalStandingExporter(closed, published=published).response(rows, request.GET.get("fmt", "xlsx"))


@login_required
@require_POST
def final_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee publishes the final standing: the labour competition's move to final
    (competitions.services.transition, which writes it through ``labour.finish``)."""
    competition = visible_competition(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    if act(
        request,
        lambda: competition_services.transition(
            actor=request.user, scope=request.scope, competition=competition, to=State.FINAL
        ),
        _("The final standing is published; the competition is finished."),
    ):
        return redirect("labour:final_board", pk=competition.pk)
    return redirect("labour:standings", pk=competition.pk)


def final_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The published final standing of a finished labour competition: public, like the rounds' red-flag
    boards. Units (enterprises and sections), their round scores, final score and place; no person's data."""
    competition = get_object_or_404(
        Competition.objects.filter(
            kind=Kind.LABOUR, state__in=[State.FINAL, State.ARCHIVED], labour_final_standings__isnull=False
        )
        .distinct()
        .select_related("organiser"),
        pk=pk,
    )
    units = list(Unit.objects.filter(competition=competition).select_related("employer"))
    closed, rows, _published = final_table(competition.pk, units)
    return render(
        request,
        "labour/final_board.html",
        {"competition": competition, "scheme": scheme_of(competition.pk), "closed": closed, "rows": rows},
    )


@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    units = units_shown(request, round_.competition)
    return RoundStandingExporter().response(
        published_standings(round_).filter(unit__in=units), request.GET.get("fmt", "xlsx")
    )


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(evidence_for_user(request.scope), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=evidence.name)
