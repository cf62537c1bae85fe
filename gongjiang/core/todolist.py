"""What a to-do on the home page is. Each app declares its own in ``<app>/todos.py`` as
``TODOS = [Todo(...), ...]``; the home page (portal) shows those with something waiting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Todo:
    key: str  # unique across apps, e.g. "review"
    label: Promise | str
    icon: str  # a Bootstrap Icons name
    url_name: str  # the list that shows the waiting rows …
    query: str  # … filtered to them, e.g. "state=proposed"
    count: Callable[[Any], int]  # how many wait for this request's user, within their scope

    @property
    def href(self) -> str:
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")
