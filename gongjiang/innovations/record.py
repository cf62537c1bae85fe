"""The innovations part of a worker's record (see :mod:`gongjiang.people.record`): the results the
worker is an author of, with their share, state and confirmed benefit; one query, in the user's scope."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.people.record import ROWS, Link, Section

from .models import Author
from .queries import innovations_for_user


def innovations(scope: Scope, worker: Worker) -> Section:
    rows = [
        [
            Link(a.innovation.title, a.innovation.get_absolute_url()),
            a.innovation.get_kind_display(),
            a.innovation.method_name or "—",
            f"{a.share.normalize():f}%",
            a.innovation.get_grade_display() or "—",
            a.innovation.get_state_display(),
            f"{a.innovation.benefit:,}" if a.innovation.confirmed_on and a.innovation.benefit is not None else "—",
        ]
        for a in Author.objects.filter(worker=worker, innovation__in=innovations_for_user(scope))
        .select_related("innovation")
        .order_by("-innovation_id")[:ROWS]
    ]
    headers = [
        pgettext_lazy("work", "Title"),
        _("Kind"),
        _("Named operating method"),
        _("Share"),
        _("Grade"),
        _("State"),
        _("Confirmed benefit (yuan)"),
    ]
    return Section("record-innovations", _("Innovations"), headers, rows)


SECTIONS = [innovations]
