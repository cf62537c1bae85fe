"""What the colleges add to other apps' pages: on an event's page, the courses derived from it."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongjiang.core.panels import Panel
from gongjiang.orgs.scope import Scope

from .queries import derived_courses


def courses_from_event(scope: Scope, event: Any) -> Panel | None:
    """The user's visible courses derived from, or citing, the event (lineage, the other way round)."""
    rows = [(c.get_absolute_url(), c.title, c.college.name) for c in derived_courses(scope, event)]
    return Panel("derived-courses", _("Courses derived from this event"), rows) if rows else None


EVENT_PANELS = [courses_from_event]
