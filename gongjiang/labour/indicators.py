"""Labour competitions' figures for the statistics app (see ``core.indicators``): the members of the
teams its units enter, counted as the skills competitions' entrants are (``competitions.indicators``)."""

from django.utils.translation import gettext_lazy as _

from gongjiang.competitions.enums import Kind, Tier
from gongjiang.competitions.indicators import FINAL_STATES, choice_labels
from gongjiang.core.indicators import Dimension, Indicator
from gongjiang.people.indicators import worker_url

from .models import Team


def _members():  # type: ignore[no-untyped-def]
    """A team's members in a labour competition whose results are final: one row per member and team."""
    return Team.members.through.objects.filter(
        team__unit__competition__kind=Kind.LABOUR, team__unit__competition__state__in=FINAL_STATES
    )


_TIER = Dimension("tier", _("tier"), "team__unit__competition__tier", choice_labels(Tier.choices))

INDICATORS = [
    Indicator(
        code="labour_member_times",
        name=_("Labour competition member-times"),
        definition=_(
            "Members of the teams entered in labour competitions whose results are final (final or archived), "
            "counted for the enterprise union of the team's unit and its ancestors, in the year the competition "
            "started. A worker in the teams of two competitions counts twice."
        ),
        unit=_("participant-times"),
        rows=_members,
        union="team__unit__union_id",
        date="team__unit__competition__starts_on",
        dimensions=(_TIER,),
        label="worker__name",
        link_path="worker_id",
        link=worker_url,
        # kept between fills per competition: a competition made final marks one anchor, not each member
        extra={"anchor": "team__unit__competition_id"},
        headline=False,
        order=25,
    ),
    Indicator(
        code="labour_members",
        name=_("Distinct labour competition members"),
        definition=_(
            "Workers in at least one team entered in a labour competition whose results are final, in the year "
            "the competition started; each worker counted once per union and period, so a parent's figure is "
            "not the sum of its children's."
        ),
        unit=_("persons"),
        rows=_members,
        union="team__unit__union_id",
        date="team__unit__competition__starts_on",
        measure="distinct",
        subject="worker_id",
        dimensions=(_TIER,),
        label="worker__name",
        link_path="worker_id",
        link=worker_url,
        listing="people:worker_list",
        listing_path="worker_id",
        headline=False,
        order=35,
    ),
]
