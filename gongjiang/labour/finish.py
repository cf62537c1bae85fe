"""How a labour competition finishes (see ``competitions.services.transition``): its committee publishes
the final standing over the closed rounds, in the transaction that moves the competition to final."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from gongjiang.competitions.enums import Kind, State
from gongjiang.competitions.models import Competition
from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User

from .enums import RoundState
from .errors import LabourError
from .models import FinalStanding, Round, Unit
from .scoring import to_decimal
from .standings import closed_rounds, combined, scheme_of


def final_refusals(competition: Competition, *, open_rounds: int, closed: int, published: bool) -> list[str]:
    """Why the final standing may not be published yet (empty: it may): the competition is under way,
    it has closed at least one round and has no open one, and its final standing is not out already."""
    reasons = []
    if published:
        reasons.append(_("The final standing is already published."))
    if competition.state != State.IN_PROGRESS:
        reasons.append(_("The final standing is published while the competition is in progress."))
    if open_rounds:
        reasons.append(_("%(n)s rounds are still open: close them first.") % {"n": open_rounds})
    if not closed:
        reasons.append(_("No round has closed yet."))
    return reasons


def final_facts(competition: Competition) -> dict[str, int | bool]:
    rounds = Round.objects.filter(competition=competition).aggregate(
        open_rounds=Count("pk", filter=Q(state=RoundState.OPEN)), closed=Count("pk", filter=Q(state=RoundState.CLOSED))
    )
    return {**rounds, "published": FinalStanding.objects.filter(competition=competition).exists()}


def write_final_standing(*, actor: User, competition: Competition) -> list[FinalStanding]:
    """Publish the final standing: every unit placed over the closed rounds by the scheme's rule (a unit
    vetoed in any round last), stored once, with its audit row. Contributed to
    ``competitions.services.transition`` (``labour.finish``), which calls it inside the transaction that
    moves the labour competition to final, after checking the committee's right; nothing else calls it."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    reasons = final_refusals(competition, **final_facts(competition))  # type: ignore[arg-type]
    if reasons:
        raise LabourError(" ".join(reasons))
    closed = closed_rounds(competition.pk)
    scheme = scheme_of(competition.pk)
    units = {u.pk: u for u in Unit.objects.filter(competition=competition).select_related("employer")}
    placed = combined(competition.pk, closed, scheme=scheme, units=list(units))
    if not placed:
        raise LabourError(_("No unit is entered."))
    rows = FinalStanding.objects.bulk_create(
        FinalStanding(competition=competition, unit_id=p.unit, rank=p.rank, score=to_decimal(p.score), vetoed=p.vetoed)
        for p in placed
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=competition,
        after={
            "final_standing": [
                {"rank": p.rank, "unit": str(units[p.unit]), "score": str(to_decimal(p.score, 2)), "vetoed": p.vetoed}
                for p in placed
            ],
            "combine": scheme.combine,
            "rounds": [r.name for r in closed],
        },
        union_id=competition.organiser_id,
    )
    return rows


FINISHERS = [(Kind.LABOUR, write_final_standing)]
