"""The studios' parts of a worker's record (see :mod:`gongjiang.people.record`): the studios the
worker leads or works in with their alliances, and the problem-board projects of those studios.
One query each, within the user's scope (``studios_for_user``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.people.record import ROWS, Link, Section

from .enums import CURRENT_MEMBER_STATES
from .models import Membership, Studio, StudioMember
from .queries import projects_for_user, studios_for_user


def _studios(scope: Scope, worker: Worker) -> Q:
    """Studios the worker leads or is a team member of, that the user sees."""
    return Q(pk__in=studios_for_user(scope).filter(Q(lead=worker) | Q(members__worker=worker)).values("pk"))


def studios(scope: Scope, worker: Worker) -> Section:
    """Each studio with the worker's part in it and its current alliances: three queries (the studios,
    the worker's roles in them, their alliances), whatever the number of rows."""
    shown = list(
        Studio.objects.filter(_studios(scope, worker)).select_related("employer").order_by("-founded_on", "-pk")[:ROWS]
    )
    ids = [s.pk for s in shown]
    roles = dict(StudioMember.objects.filter(worker=worker, studio_id__in=ids).values_list("studio_id", "role"))
    alliances: dict[int, list[str]] = {}
    for studio_id, name in (
        Membership.objects.filter(studio_id__in=ids, state__in=CURRENT_MEMBER_STATES)
        .values_list("studio_id", "alliance__name")
        .order_by("alliance__name")
    ):
        alliances.setdefault(studio_id, []).append(name)
    rows = [
        [
            Link(s.name, s.get_absolute_url()),
            s.get_level_display(),
            s.employer.name,
            _("Lead") if s.lead_id == worker.pk else (roles.get(s.pk) or _("Team member")),
            s.get_state_display(),
            "、".join(alliances.get(s.pk, [])) or "—",
        ]
        for s in shown
    ]
    headers = [_("Studio"), _("Level"), _("Employer"), _("Part"), _("State"), _("Alliances")]
    return Section("record-studios", _("Studios and alliances"), headers, rows)


def projects(scope: Scope, worker: Worker) -> Section:
    """Joint projects the worker's studios lead or take part in, or that took on a problem they posted."""
    theirs = Studio.objects.filter(_studios(scope, worker))
    qs = (
        projects_for_user(scope)  # every row links to its page: only projects the user may open
        .filter(Q(studio__in=theirs) | Q(participants__in=theirs) | Q(problem__studio__in=theirs))
        .distinct()
        .select_related("studio", "alliance")
        .order_by("-started_on", "-pk")[:ROWS]
    )
    rows = [
        [
            Link(p.title, p.get_absolute_url()),
            p.studio.name,
            p.alliance.name if p.alliance else "—",
            p.started_on.isoformat(),
            p.get_state_display(),
            f"{p.progress}%",
        ]
        for p in qs
    ]
    headers = [_("Project"), _("Lead studio"), _("Alliance"), _("Started on"), _("State"), _("Progress")]
    return Section("record-projects", _("Problem-board projects"), headers, rows)


SECTIONS = [studios, projects]
