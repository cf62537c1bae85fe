"""Every to-do on the home page links to exactly the rows it counts, for every role of the demo.

The demo is seeded once; each demo user logs in, reads the to-dos on their home page, follows each
link and reads the pager's total on the page it opens."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from gongjiang.core.models import User
from gongjiang.core.plugins import contributions
from tests.conftest import finish_sign_in

DEMO_USERS = (
    "sheng",
    "caiwu",
    "haerbin",
    "qiqihaer",
    "jixie",
    "hafei",
    "xueyuan",
    "caipan",
    "caipan2",
    "caipan3",
    "gongzuoshi",
    "qinshijun",
    "lingdao",
)
TODO = re.compile(
    r'<a class="[^"]*\btodo\b[^"]*" id="todo-(?P<key>[\w-]+)" href="(?P<href>[^"]+)">.*?'
    r'<span class="[^"]*todo-count[^"]*">(?P<n>\d+)</span>',
    re.S,
)
TOTAL = re.compile(r'id="result-count">\s*(?:共\s*)?(?P<n>[\d,]+)')


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", workers=120, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _todos(client: Client) -> list[tuple[str, str, int]]:
    page = client.get("/").content.decode()
    return [(m["key"], m["href"].replace("&amp;", "&"), int(m["n"])) for m in TODO.finditer(page)]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_todo_count_is_the_rows_its_link_shows(username, demo, db) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    user = User.objects.get(username=username)
    client.force_login(user)
    finish_sign_in(client, user)
    seen = {}
    for key, href, n in _todos(client):
        response = client.get(href)
        assert response.status_code == 200, (key, href)
        total = TOTAL.search(response.content.decode())
        assert total is not None, f"{key}: {href} shows no pager total"
        seen[key] = (n, int(total["n"].replace(",", "")))
    assert {k: shown for k, (shown, _rows) in seen.items()} == {k: rows for k, (_n, rows) in seen.items()}


def test_the_demo_has_something_waiting_for_every_role(demo, db) -> None:  # type: ignore[no-untyped-def]
    """Not a vacuous check: the demo gives each role's to-dos something to count."""
    waiting = {}
    for username in DEMO_USERS:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        user = User.objects.get(username=username)
        client.force_login(user)
        finish_sign_in(client, user)
        waiting[username] = sorted(key for key, _href, _n in _todos(client))
    print(waiting)
    keys = {t.key for t in contributions("todos", "TODOS")}
    assert len(keys) == len(contributions("todos", "TODOS")), "to-do keys are unique across apps"
    # the demo's judges have finished marking (its competitions are past marking), so they are left out
    for role in ("sheng", "haerbin", "hafei", "xueyuan", "gongzuoshi", "qinshijun"):
        assert waiting[role], f"{role} has nothing waiting in the demo"
