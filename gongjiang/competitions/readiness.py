"""Whether a competition may move on: a pure function of facts, returning every reason that refuses.

- Opening registration needs at least one event (there would be nothing to enter).
- Starting needs, for every event, a chief judge, a marking scheme (at least one aspect) and
  enough judges: three where the scheme has a judgement aspect (each is scored by three judges
  independently), otherwise one.
- A labour competition (劳动竞赛) has none of these: its units are assessed in rounds by the committee
  against an indicator scheme (the labour app, which refuses a round without indicators), so its moves
  are not guarded here.

The service gathers the facts; this decides, so each refusal names the event and what is missing.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .enums import Kind, State
from .scoring import JUDGEMENT_JUDGES

GUARDED = frozenset({State.REGISTRATION, State.IN_PROGRESS})  # the moves these checks apply to


@dataclass(frozen=True)
class EventFacts:
    name: str
    judges: int
    has_chief: bool
    aspects: int
    judgement_aspects: int

    @property
    def judges_needed(self) -> int:
        return JUDGEMENT_JUDGES if self.judgement_aspects else 1


def refusals(to: str, events: list[EventFacts], kind: str = Kind.SKILLS) -> list[str]:
    """Every reason the move to ``to`` is refused; an empty list means it may go ahead."""
    if kind == Kind.LABOUR:
        return []
    if to == State.REGISTRATION and not events:
        return [_("Add at least one event before opening registration.")]
    if to != State.IN_PROGRESS:
        return []
    if not events:
        return [_("The competition has no events.")]
    reasons = []
    for event in events:
        missing = []
        if not event.has_chief:
            missing.append(_("no chief judge"))
        if not event.aspects:
            missing.append(_("no marking scheme"))
        if event.judges < event.judges_needed:
            missing.append(
                _("too few judges (%(n)s of the %(needed)s needed)")
                % {"n": event.judges, "needed": event.judges_needed}
            )
        if missing:
            reasons.append(
                _("Event “%(event)s”: %(missing)s.") % {"event": event.name, "missing": _("; ").join(missing)}
            )
    return reasons
