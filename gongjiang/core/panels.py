"""A panel one app adds to another app's page, without the page's app importing it.

An app offers panels in its ``panels.py`` (e.g. ``EVENT_PANELS = [courses_from_event]``): functions
from the user's scope and the page's object to a :class:`Panel`, or None when there is nothing to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Panel:
    id: str  # the HTML id of the list
    title: Promise | str
    rows: list[tuple[str, str, str]]  # (link, text, note)
    summary: str = ""  # a line under the title, e.g. a total
