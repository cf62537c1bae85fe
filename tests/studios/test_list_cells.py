"""The studio, alliance and problem lists' cells, made by the views (core.cells, issue 17), are the rows'
values as the templates made them: links, labels, dates, counts, money, the badges and the check boxes."""

import datetime as dt
import re
from decimal import Decimal

from gongjiang.core.templatetags.gongjiang import money
from gongjiang.people.models import Worker
from gongjiang.studios.models import Alliance, Problem, Studio

from .test_query_counts import _add


def _rows(body: str) -> list[str]:
    tbody = body[body.find("<tbody") : body.rfind("</tbody>")]
    return re.findall(r"<tr>.*?</tr>", tbody)


def test_studio_list_cells(org, as_user):
    _add(org, 0)
    _add(org, 1)
    gone, closed, applied = Studio.objects.order_by("pk")[:3]
    Worker.objects.filter(pk=gone.lead_id).update(status="retired")
    Worker.objects.filter(pk=closed.lead_id).update(status="retired")
    Studio.objects.filter(pk=closed.pk).update(state="closed")
    Studio.objects.filter(pk=applied.pk).update(state="applied")
    response = as_user(org.users.alice).get("/studios/")
    rows = _rows(response.content.decode())
    studios = list(Studio.objects.select_related("employer", "lead").order_by("-pk"))
    assert len(rows) == len(studios) == 4
    for row, s in zip(rows, studios, strict=True):
        assert f'<a href="{s.get_absolute_url()}">{s.name}</a></td><td>{s.get_level_display()}</td>' in row
        assert f"<td>{s.employer.name}</td><td>{s.lead.name}" in row
        assert ("领衔人已离岗" in row) == (s.pk == gone.pk)  # a closed studio's gone lead is no news
        assert (f'name="ids" value="{s.pk}"' in row) == (s.pk == applied.pk)  # alice names studios
        badge = {"named": "success", "applied": "warning"}.get(s.state, "secondary")
        assert f'<span class="badge text-bg-{badge}">{s.get_state_display()}</span>' in row


def test_alliance_list_cells(org, as_user):
    _add(org, 0)
    _add(org, 1)
    _add(org, 2)
    proposed, rejected, _named = Alliance.objects.order_by("pk")
    Alliance.objects.filter(pk=proposed.pk).update(state="proposed", founded_on=dt.date(2024, 12, 31))
    Alliance.objects.filter(pk=rejected.pk).update(state="rejected")
    response = as_user(org.users.alice).get("/studios/alliances/")
    rows = _rows(response.content.decode())
    alliances = list(Alliance.objects.select_related("lead_union").order_by("-founded_on", "-pk"))
    assert len(rows) == 3
    for row, a in zip(rows, alliances, strict=True):
        members = a.memberships.filter(state__in=("active", "warned")).count()
        assert (
            f'<a href="{a.get_absolute_url()}">{a.name}</a></td><td>{a.get_level_display()}</td>'
            f'<td>{a.lead_union.name}</td><td>{a.founded_on:%Y-%m-%d}</td><td class="text-end">{members}</td>'
        ) in row
        assert (f'name="ids" value="{a.pk}"' in row) == (a.pk == proposed.pk)
        badge = {"named": "success", "proposed": "warning"}.get(a.state, "secondary")
        assert f'<span class="badge text-bg-{badge}">{a.get_state_display()}</span>' in row
    assert "2024-12-31" in rows[-1] and members == 2


def test_problem_list_cells(org, as_user):
    _add(org, 0)
    _add(org, 1)
    first = Problem.objects.order_by("pk").first()
    Problem.objects.filter(pk=first.pk).update(open_to_all=True, reward=Decimal("30000"))
    client = as_user(org.users.alice)
    for url in ("/studios/problems/", "/studios/problems/?q=难题"):
        rows = _rows(client.get(url).content.decode())
        rows_htmx = _rows(client.get(url, headers={"HX-Request": "true"}).content.decode())
        assert rows == rows_htmx
        problems = list(Problem.objects.select_related("studio", "alliance").order_by("-posted_at", "-pk"))
        assert len(rows) == 2
        for row, p in zip(rows, problems, strict=True):
            assert f'<a href="{p.get_absolute_url()}">{p.title}</a>' in row
            assert ('<span class="badge text-bg-info">全体开放</span>' in row) == (p.pk == first.pk)
            assert (
                f"<td>{p.field}</td><td>{p.studio.name}</td><td>{p.alliance.name}</td><td>{p.deadline:%Y-%m-%d}</td>"
                f'<td class="text-end">{money(p.reward)}</td><td>{p.get_state_display()}</td>'
            ) in row
    assert money(Decimal("30000")) in rows[-1] and "—" in rows[0]
