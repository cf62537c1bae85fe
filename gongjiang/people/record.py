"""A worker's whole record on one page, for the officials who may see the worker.

The page belongs to the worker registry, but most of a record lives in the apps above it (entries
and results, certificates, rewards, training, studios). Each app declares its parts in its own
``record.py`` as ``SECTIONS = [function, ...]``: a function of the user's scope and the worker that
returns a :class:`Section` (one query, within the user's scope) or None when the user sees nothing of
that kind. This module finds them (it does not import them) and declares the registry's own parts.
The change history comes last, collapsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.audit import history
from gongjiang.core.plugins import cached_contributions
from gongjiang.orgs.rules import VIEW_WORKERS
from gongjiang.orgs.scope import Scope

from .models import Worker
from .queries import workers_for_user

ROWS = 200  # rows shown per section, the newest first


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Section:
    id: str  # the HTML id of its table
    title: Promise | str
    headers: Sequence[Promise | str]
    rows: Sequence[Sequence[Any]] = field(default_factory=list)  # cells: text, a number, or a Link
    empty: Promise | str = ""  # the template says "Nothing recorded." when empty


def _date(value: Any) -> str:
    return value.isoformat() if value else "—"


def grades(scope: Scope, worker: Worker) -> Section:
    rows = [
        [
            g.occupation.name,
            g.get_grade_display(),
            g.get_source_display(),
            g.certificate_no,
            _date(g.awarded_on),
            g.issuer or "—",
            g.reason or "—",
        ]
        for g in worker.grades.select_related("occupation").order_by("-awarded_on", "-pk")[:ROWS]
    ]
    headers = [
        _("Occupation"),
        _("Grade"),
        _("Source"),
        _("Certificate number"),
        _("Awarded on"),
        _("Issued by"),
        _("Reason"),
    ]
    return Section("record-grades", _("Skill grades"), headers, rows)


def honours(scope: Scope, worker: Worker) -> Section:
    rows = [
        [h.year, h.title, h.get_kind_display(), h.get_level_display(), h.conferred_by or "—"]
        for h in worker.honours.order_by("-year", "-level")[:ROWS]
    ]
    headers = [_("Year"), pgettext_lazy("honour", "Title"), _("Kind"), _("Level"), _("Conferred by")]
    return Section("record-honours", _("Honours"), headers, rows)


SECTIONS = [grades, honours]


def sections(scope: Scope, worker: Worker) -> list[Section]:
    """Every app's sections of the record, in layer order (the registry's own first)."""
    return [s for part in cached_contributions("record", "SECTIONS") if (s := part(scope, worker)) is not None]


@login_required
def worker_record(request: HttpRequest, pk: int) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]  # set by the scope middleware
    if not scope.has(VIEW_WORKERS):
        raise PermissionDenied
    worker = get_object_or_404(workers_for_user(scope).select_related("employer"), pk=pk)
    return render(
        request,
        "people/worker_record.html",
        {
            "worker": worker,
            "sections": sections(scope, worker),
            "history": history(worker)[:100],
            "nav": "workers",
        },
    )
