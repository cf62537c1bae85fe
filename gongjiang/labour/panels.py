"""What a labour competition's page in the competitions app shows of it (see ``core.panels``): its
rounds with their state and red-flag winners, and the way to its units, scheme and boards. The
competitions app asks for ``COMPETITION_PANELS`` through ``core.plugins`` and imports nothing of this app."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjiang.competitions.enums import Kind
from gongjiang.core.panels import Panel
from gongjiang.orgs.scope import Scope

from .enums import RoundState
from .models import FinalStanding, Round, Standing, Unit
from .queries import labour_competitions_for_user


def from_competition(scope: Scope, competition: object) -> Panel | None:
    if getattr(competition, "kind", None) != Kind.LABOUR:
        return None
    pk = competition.pk  # type: ignore[attr-defined]
    flags: dict[int, list[str]] = {}
    for round_id, unit in Standing.objects.filter(round__competition_id=pk, red_flag=True).values_list(
        "round_id", "unit__section"
    ):
        flags.setdefault(round_id, []).append(unit)
    # the labour pages are the committee's and the units' (their own scope); the boards are public
    opens = labour_competitions_for_user(scope).filter(pk=pk).exists()
    detail = reverse("labour:detail", args=[pk])
    rows = [(detail, _("Units, teams and indicator scheme"), "")] if opens else []
    for round_ in Round.objects.filter(competition_id=pk).order_by("number"):
        if round_.state == RoundState.CLOSED:
            winners = "、".join(flags.get(round_.pk, [])) or "—"
            rows.append(
                (reverse("labour:board", args=[round_.pk]), str(round_), _("Red flag: %(units)s") % {"units": winners})
            )
        elif opens:
            rows.append((detail, str(round_), round_.get_state_display()))
    if FinalStanding.objects.filter(competition_id=pk).exists():
        first = FinalStanding.objects.filter(competition_id=pk, rank=1).select_related("unit__employer").first()
        rows.append(
            (
                reverse("labour:final_board", args=[pk]),
                _("Final standing"),
                _("Published; first: %(unit)s") % {"unit": first.unit if first else "—"},
            )
        )
    elif opens:
        rows.append((reverse("labour:standings", args=[pk]), _("Final standing"), _("Not published yet")))
    units = Unit.objects.filter(competition_id=pk).count()
    summary = _("A labour competition: %(units)s units assessed in rounds against its indicator scheme.") % {
        "units": units
    }
    return Panel("competition-labour", _("Labour competition"), rows, summary)


COMPETITION_PANELS = [from_competition]
