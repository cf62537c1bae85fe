"""Browser tests: Debian chromium driven by Playwright against pytest-django's live server.

One browser per (xdist) worker session, a fresh context per test. Every page a test
opens is watched for console errors and uncaught exceptions (a CSP violation is a
console error), and ``Tab.assert_clean`` fails the test on any of them.

The live server needs ``transactional_db``, which empties every table after each
test, including the regions and occupations the migrations load; ``_reference_data``
puts them back before each test so the shared ``org`` fixture can find them.
"""

import base64
import os

# Playwright's sync API runs an event loop in this thread; the ORM would refuse to run beside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation
from django_otp.oath import totp
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, Response, sync_playwright

from tests.conftest import PASSWORD, reload_reference_data

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
_FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d{3})")


def zh(msgid: str, plural: str | None = None, *, context: str | None = None, **params: object) -> str:
    """``msgid`` as the zh-Hans catalog has it; fails if the catalog has no translation.

    With ``plural``, the message is the plural pair a ``{% blocktranslate count counter=… %}``
    looks up, and ``counter`` picks the form; ``context`` is a ``pgettext`` context.
    """
    with translation.override("zh-hans"):
        if context is not None:
            text = translation.pgettext(context, msgid)
        elif plural is None:
            text = translation.gettext(msgid)
        else:
            text = translation.ngettext(msgid, plural, int(params["counter"]))
    assert text not in {msgid, plural}, f"no zh-Hans translation for {msgid!r}"
    return text % params if params else text


# The recovery codes each user was shown at set-up, by username (one is used per later log-in).
RECOVERY_CODES: dict[str, list[str]] = {}


@dataclass
class Tab:
    """A page plus everything it logged; ``goto`` checks the status of the document."""

    page: Page
    base_url: str
    problems: list[str] = field(default_factory=list)
    expected_failures: set[tuple[str, int]] = field(default_factory=set)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, status: int = 200) -> Response:
        if status >= 400:
            self.expected_failures.add((self.url(path), status))
        response = self.page.goto(self.url(path))
        assert response is not None
        assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        return response

    def login(self, username: str, password: str = PASSWORD, *, shot: str | None = None) -> None:
        """Log in through the real form, as a person would."""
        self.goto("/login/")
        form = self.page.locator("form:has(#id_username)")
        form.locator("#id_username").fill(username)
        form.locator("#id_password").fill(password)
        if shot:
            self.shot(shot)
        form.locator("button[type=submit]").click()
        self.page.wait_for_url(lambda url: urlsplit(url).path in {"/", "/account/2fa/setup/", "/account/2fa/"})
        self.second_factor(username, shot=shot)
        self.page.wait_for_url(self.url("/"))

    def second_factor(self, username: str, *, shot: str | None = None) -> None:
        """An administrator's second step, as a person with an authenticator app does it: at the
        first log-in scan (here: read) the secret, type the app's code and note the recovery codes;
        at a later one, type one of those codes (each works once; the app's code may not be reused
        inside its 30 seconds)."""
        page = self.page
        path = urlsplit(page.url).path
        if path == "/account/2fa/setup/":
            secret = page.locator("#totp-secret").inner_text().replace(" ", "")
            key = base64.b32decode(secret + "=" * (-len(secret) % 8))
            if shot:
                self.shot(f"{shot}-2fa-setup")
            page.locator("#id_token").fill(f"{totp(key):06d}")
            page.locator("form:has(#id_token) button[type=submit]").click()
            page.locator("#recovery-codes").wait_for()
            RECOVERY_CODES[username] = page.locator("#recovery-codes li").all_inner_texts()
            page.locator("#recovery-codes ~ a").click()
        elif path == "/account/2fa/":
            page.locator("#id_token").fill(RECOVERY_CODES[username].pop())
            page.locator("form:has(#id_token) button[type=submit]").click()

    def live_search(self, text: str, *, typed: bool = True) -> Locator:
        """Search the worker list as a person would and wait for htmx to swap in the new table.

        The table on screen is marked stale first; the swap replaces it (outerHTML), so the
        unmarked table is the answer to this search and not to an earlier one.
        """
        page = self.page
        page.locator("#table").evaluate("el => { el.dataset.stale = '1'; }")
        box = page.locator("#worker-search")
        # the search form posts (a whole ID number must never be in a URL): match the body
        with page.expect_response(lambda r: parse_qs(r.request.post_data or "").get("q") == [text]) as response:
            if typed:
                box.clear()
                box.press_sequentially(text, delay=25)
            else:
                box.fill(text)
        assert response.value.status == 200
        page.locator("#table:not([data-stale])").wait_for()
        return page.locator("#worker-table tbody tr")

    def shot(self, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        failed = _FAILED_LOAD.search(message.text)
        if failed and (url, int(failed.group(1))) in self.expected_failures:
            return  # the document itself, whose 403/404 the test asked for
        self.problems.append(f"console error at {url}: {message.text}")

    def _on_pageerror(self, error: Exception) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db: None) -> None:
    reload_reference_data()


@pytest.fixture
def org(_reference_data: None, live_server: object, org: object) -> object:
    """The shared fixture, built in the live server's (transactional) database."""
    return org


@pytest.fixture
def open_tab(browser: Browser, live_server: object) -> Iterator[Callable[..., Tab]]:
    """``open_tab(**context_options)`` gives a new browser context (zh-CN by default) and a page in it."""
    contexts: list[BrowserContext] = []

    def make(**options: object) -> Tab:
        options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "accept_downloads": True, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page=page, base_url=live_server.url)
        page.on("console", tab._on_console)
        page.on("pageerror", tab._on_pageerror)
        return tab

    yield make
    for context in contexts:
        # let a request the page still has in flight (an htmx search typed last) finish before the
        # live server's database is flushed: on a busy machine it ran on into the flush ("table is locked")
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()
