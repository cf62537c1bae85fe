"""Which moves a competition's kind allows, and how a kind finishes: the parts of
``services.transition`` that differ by kind (a labour competition has no marking or notice; it
finishes when the app that runs its rounds publishes its final standing)."""

from django.utils.translation import gettext as _

from gongjiang.core.errors import DomainError
from gongjiang.core.models import User
from gongjiang.core.plugins import cached_contributions

from .enums import SKILLS_ONLY_STATES, Kind, State, next_states
from .errors import CompetitionError
from .models import Competition


def check_move(competition: Competition, to: str) -> None:
    """Refuse a move its kind's state machine does not have, naming a labour competition's own end."""
    if competition.kind == Kind.LABOUR and to in SKILLS_ONLY_STATES:
        raise CompetitionError(
            _(
                "A labour competition has no marking or public notice of results: it ends when its committee "
                "publishes the final standing."
            )
        )
    if to not in next_states(competition.kind, competition.state):
        raise CompetitionError(
            _("A competition in state “%(state)s” cannot move to “%(to)s”.")
            % {"state": competition.get_state_display(), "to": State(to).label}
        )


def finish_by_kind(*, actor: User, competition: Competition) -> None:
    """Run what the apps contribute to finish a competition of this kind (the labour app: publish the
    final standing); refuse the move when nothing does, or when a contribution refuses."""
    finishers = [f for kind, f in cached_contributions("finish", "FINISHERS") if kind == competition.kind]
    if not finishers:
        raise CompetitionError(_("Nothing can finish a competition of this kind."))
    try:
        for finish in finishers:
            finish(actor=actor, competition=competition)
    except DomainError as exc:
        raise CompetitionError(str(exc)) from exc
