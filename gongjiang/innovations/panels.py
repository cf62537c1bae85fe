"""The innovations a competition, a studio, an alliance or a project page shows (see ``core.panels``):
each page's app asks for ``<THING>_PANELS`` through ``core.plugins`` and imports nothing of this app.
The summary line gives the confirmed benefit, summed once per innovation (``queries.benefit_of``)."""

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gongjiang.core.panels import Panel
from gongjiang.orgs.scope import Scope

from .models import Innovation
from .queries import benefit_of, innovations_for_user

ROWS = 50


def _panel(scope: Scope, pid: str, qs: QuerySet[Innovation], benefit: Decimal) -> Panel:
    seen = innovations_for_user(scope).filter(pk__in=qs.values("pk")).select_related("employer").order_by("-pk")
    rows = [
        (
            i.get_absolute_url(),
            i.title,
            " · ".join(
                x
                for x in (
                    i.get_kind_display(),
                    i.employer.name,
                    i.get_state_display(),
                    f"¥{i.benefit:,}" if i.confirmed_on and i.benefit is not None else "",
                )
                if x
            ),
        )
        for i in seen[:ROWS]
    ]
    summary = _("Confirmed economic benefit: %(amount)s yuan (each innovation counted once).") % {
        "amount": f"{benefit:,}"
    }
    return Panel(pid, _("Innovation results"), rows, summary)


def from_competition(scope: Scope, competition: object) -> Panel:
    pk = competition.pk  # type: ignore[attr-defined]
    qs = Innovation.objects.filter(competition_id=pk)
    return _panel(scope, "competition-innovations", qs, benefit_of(competition_id=pk))


def from_studio(scope: Scope, studio: object) -> Panel:
    pk = studio.pk  # type: ignore[attr-defined]
    qs = Innovation.objects.filter(Q(studio_id=pk) | Q(project__studio_id=pk) | Q(project__participants__id=pk))
    return _panel(scope, "studio-innovations", qs, benefit_of(studio_id=pk))


def from_project(scope: Scope, project: object) -> Panel:
    pk = project.pk  # type: ignore[attr-defined]
    qs = Innovation.objects.filter(project_id=pk)
    return _panel(scope, "project-innovations", qs, benefit_of(project_id=pk))


def from_alliance(scope: Scope, alliance: object) -> Panel:
    pk = alliance.pk  # type: ignore[attr-defined]
    qs = Innovation.objects.filter(project__alliance_id=pk)
    return _panel(scope, "alliance-innovations", qs, benefit_of(alliance_id=pk))


COMPETITION_PANELS = [from_competition]
STUDIO_PANELS = [from_studio]
PROJECT_PANELS = [from_project]
ALLIANCE_PANELS = [from_alliance]
