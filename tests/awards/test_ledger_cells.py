"""The ledger's rows as the view makes them (core.cells): each line's link, number, payee and union,
programme, year, amount (a reversal in red) and its state's badge, as the template used to make them."""

import random
import re

from django.urls import reverse

from gongjiang.awards.enums import LineState
from gongjiang.awards.models import LedgerLine
from gongjiang.core.templatetags.gongjiang import money
from tests.awards.test_line_totals import _random_ledger, mixed  # noqa: F401  (the fixture)

BADGES = {
    LineState.PAID: "text-bg-success",
    LineState.APPROVED: "text-bg-primary",
    LineState.REJECTED: "text-bg-secondary",
    LineState.PROPOSED: "text-bg-warning",
}


def test_each_line_shows_its_cells_and_its_states_badge(mixed, as_user):  # noqa: F811
    _random_ledger(mixed, random.Random(7), 40)
    page = as_user(mixed.officials["prov"]).get("/awards/ledger/")
    html = page.content.decode()
    shown = list(page.context["page"].object_list)
    lines = {
        line.pk: line
        for line in LedgerLine.objects.select_related("union", "programme").filter(pk__in=[x.pk for x in shown])
    }
    assert len(shown) == len(lines) > 0
    states = set()
    negative = 0
    for row in re.findall(r"<tr><td><a href=.*?</tr>", html):
        pk = int(re.search(r"#(\d+)</a>", row).group(1))
        line = lines.pop(pk)
        assert f'href="{reverse("awards:line", args=[pk])}"' in row
        assert f'<td>{line.payee}<div class="small text-muted">{line.union.name}</div></td>' in row
        assert f"<td>{line.programme.name}</td><td>{line.year}</td>" in row
        red = " text-danger" if line.amount < 0 else ""
        assert f'<td class="text-end mono{red}">{money(line.amount)}</td>' in row
        assert f'<span class="badge {BADGES[line.state]}">{line.get_state_display()}</span>' in row
        states.add(line.state)
        negative += line.amount < 0
    assert not lines  # every line of the page was a row
    assert states == set(BADGES) and negative  # the ledger made above has every state and a reversal
