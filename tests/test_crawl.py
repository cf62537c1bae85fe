"""The crawl: every demo role walks the site as a person would, and every link and button works.

Each role (and an anonymous visitor) starts at the home page, reads the menus, and follows every
same-host link and every GET form it is shown, breadth-first. Nothing is listed by hand, so a new
route is crawled as soon as some page links to it. The walk is bounded by URL *shape* (the path with
its ids replaced, plus the names of its query parameters): a few URLs per shape are opened, which
covers every kind of page without opening each of 300 workers.

It fails on: a 5xx; a link that answers 403/404 (or sends a signed-in user to the login page) to the
user it was shown to; a URL containing ``??``; an export that is not a file of its type; a "next
page" link that shows the same rows again; visible zh-Hans text that is an untranslated English UI
string, or a raw Python/JSON literal.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from gongjiang.core.models import User
from tests.conftest import finish_sign_in

# The demo log-ins seed_demo prints, one per role a person holds.
ROLES = {
    "province admin": "sheng",
    "finance": "caiwu",
    "leadership": "lingdao",
    "city admin": "haerbin",
    "industrial-union admin": "jixie",
    "enterprise clerk": "hafei",
    "enterprise finance": "hafeicaiwu",
    "college admin": "xueyuan",
    "judge": "caipan",
    "studio lead": "gongzuoshi",
    "worker": "qinshijun",
    "anonymous": None,
}
# Enough workers for the worker list to have three pages.
DEMO_WORKERS = 120
PER_SHAPE = 2  # URLs opened per shape
MAX_PAGES = 700  # per role: a safety bound, never reached by today's site
# Never followed: they change state (logout, language), or are not the product's pages.
SKIP_PREFIXES = ("/logout/", "/i18n/", "/static/", "/ops/admin/", "/api/", "/media/")

LITERALS = re.compile(r"\bTrue\b|\bFalse\b|\bNone\b|\{'|\[\{|\[\]|\{\}|quota=|<[a-z]+\.[A-Za-z]+ object")
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pdf": "application/pdf",
}
NUMERIC = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[0-9A-Za-z]{12,})$")


@dataclass
class Page(HTMLParser):
    """What a person sees on a page: links, GET forms, visible text, the rows of its tables."""

    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    forms: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (action, fields)
    texts: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._skip = 0
        self._link: list[str] | None = None
        self._href = ""
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_value: str | None = None
        self._option: str | None = None
        self._row: list[str] | None = None
        self._tbody = 0
        self._code = 0  # inside <code>: an identifier shown as such, not UI text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: PLR0912
        a = {k: v or "" for k, v in attrs}
        if tag in {"script", "style", "template"}:
            self._skip += 1
        if tag == "code":
            self._code += 1
        for name in ("title", "placeholder", "aria-label", "alt"):
            if a.get(name):
                self.texts.append(a[name])
        if tag == "a" and "href" in a:
            self._link, self._href = [], a["href"]
        elif tag == "form":
            if a.get("method", "get").lower() == "get" and "hx-post" not in a:
                self._form = []
                self.forms.append((a.get("action", ""), self._form))
            else:
                self._form = None
        elif self._form is not None and tag in {"input", "button"} and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "reset", "file"}:
                self._form.append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select, self._select_first, self._select_value = a["name"], None, None
        elif self._select is not None and tag == "option":
            self._option = a.get("value", "")
            if self._select_first is None:
                self._select_first = self._option
            if "selected" in a:
                self._select_value = self._option
        elif tag == "tbody":
            self._tbody += 1
        elif tag == "tr" and self._tbody:
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1
        elif tag == "code" and self._code:
            self._code -= 1
        elif tag == "a" and self._link is not None:
            self.links.append((self._href, " ".join(self._link).strip()))
            self._link = None
        elif tag == "select" and self._select is not None and self._form is not None:
            value = self._select_value if self._select_value is not None else self._select_first
            self._form.append((self._select, value or ""))
            self._select = None
        elif tag == "form":
            self._form = None
        elif tag == "tbody" and self._tbody:
            self._tbody -= 1
        elif tag == "tr" and self._row is not None:
            self.rows.append(" ".join(self._row))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        text = " ".join(data.split())
        if not text:
            return
        if not self._code:
            self.texts.append(text)
        if self._link is not None:
            self._link.append(text)
        if self._row is not None:
            self._row.append(text)


def _english_ui_strings() -> set[str]:
    """Every msgid the Chinese catalogue translates into something else: seen verbatim on a
    zh-Hans page, it is an English string that escaped translation."""
    import gettext

    mo = Path(__file__).resolve().parents[1] / "gongjiang/locale/zh_Hans/LC_MESSAGES/django.mo"
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    found = set()
    for key, msgstr in catalog.items():
        msgid = (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]
        if msgid and msgstr and msgstr != msgid and "%" not in msgid and re.search(r"[A-Za-z]{3}", msgid):
            found.add(msgid)
    return found


# English that may stand on a Chinese page: formats, units, codes, names of things.
ALLOWED_ENGLISH = {"xlsx", "CSV", "PDF", "API", "ID", "QR", "OpenAPI", "English", "WorldSkills", "Excel"}
ENGLISH_WORDS = re.compile(r"^[A-Za-z][A-Za-z' -]*[a-z][A-Za-z' .:-]*$")
CODE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")  # a rule code or other identifier, shown as such


def shape(url: str) -> str:
    parts = urlsplit(url)
    path = "/".join(":id" if NUMERIC.match(p) else p for p in parts.path.split("/"))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    fmt = dict(parse_qsl(parts.query)).get("fmt", "")
    return f"{path}?{','.join(keys)}{'=' + fmt if fmt else ''}"


def expected_file(url: str) -> str | None:
    parts = urlsplit(url)
    fmt = dict(parse_qsl(parts.query)).get("fmt")
    if fmt in EXPORT_TYPES:
        return fmt
    for ext in EXPORT_TYPES:
        if parts.path.endswith("." + ext) or parts.path.rstrip("/").endswith("/" + ext):
            return ext
    return None


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def check_file(kind: str, content_type: str, data: bytes) -> str | None:
    if not content_type.startswith(EXPORT_TYPES[kind]):
        return f"{kind} export answered {content_type!r}"
    if kind == "xlsx":
        import openpyxl

        try:
            openpyxl.load_workbook(io.BytesIO(data), read_only=True).close()
        except Exception as exc:
            return f"xlsx does not open: {exc}"
    elif kind == "csv":
        try:
            list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        except UnicodeDecodeError as exc:
            return f"CSV does not decode: {exc}"
    elif not data.startswith(b"%PDF"):
        return "PDF does not start with %PDF"
    return None


@dataclass
class Walk:
    role: str
    client: Client
    signed_in: bool
    english: set[str]
    data: set[str]
    pages: int = 0
    links: int = 0
    files: int = 0
    next_pages: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, url: str, referrer: str, what: str) -> None:
        self.problems.append(f"{what}: {url} (linked from {referrer})")

    def run(self, start: list[str]) -> None:
        queue: deque[tuple[str, str, list[str] | None]] = deque((u, "(start)", None) for u in start)
        seen: set[str] = set()
        per_shape: Counter[str] = Counter()
        while queue and self.pages < MAX_PAGES:
            url, referrer, rows_before = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            is_next = rows_before is not None
            if not is_next and per_shape[shape(url)] >= PER_SHAPE:
                continue
            per_shape[shape(url)] += 1
            for link_url, rows in self.visit(url, referrer, rows_before):
                self.links += 1
                if link_url not in seen:
                    queue.append((link_url, url, rows))

    def visit(  # noqa: PLR0911, PLR0912 (one branch per kind of answer)
        self, url: str, referrer: str, rows_before: list[str] | None
    ) -> list[tuple[str, list[str] | None]]:
        self.pages += 1
        try:
            response = self.client.get(url)
        except Exception as exc:  # the view raised: a 500, reported with its cause, and the walk goes on
            self.fail(url, referrer, f"500 ({type(exc).__name__}: {exc})")
            return []
        status = response.status_code
        if status >= 500:
            self.fail(url, referrer, f"{status}")
            return []
        if status in {403, 404}:
            self.fail(url, referrer, f"{status} to the user it was shown to")
            return []
        if status in {301, 302, 303, 307, 308}:
            target = urljoin(url, response["Location"])
            if self.signed_in and urlsplit(target).path.startswith("/login/"):
                self.fail(url, referrer, "sends a signed-in user to the login page")
                return []
            return [(target, None)] if same_host(target) else []
        content_type = response.get("Content-Type", "")
        kind = expected_file(url) or next((k for k, t in EXPORT_TYPES.items() if content_type.startswith(t)), None)
        if "/export" in urlsplit(url).path and content_type.startswith("text/html"):
            self.fail(url, referrer, "an export link that answers a page, not a file")
            return []
        if kind or not content_type.startswith("text/html"):
            data = body(response)
            if kind:
                self.files += 1
                problem = check_file(kind, content_type, data)
                if problem:
                    self.fail(url, referrer, problem)
            return []
        page = Page()
        page.feed(response.content.decode())
        if rows_before is not None:
            self.next_pages += 1
            if not page.rows or page.rows == rows_before:
                self.fail(url, referrer, "the next page shows the same rows as the page before")
        self.check_text(url, referrer, page)
        found: list[tuple[str, list[str] | None]] = []
        for href, text in page.links:
            target = self.resolve(url, referrer, href)
            if target:
                is_next = "page=" in urlsplit(target).query and text in {"下一页", "Next"}
                found.append((target, page.rows if is_next else None))
        for action, fields in page.forms:
            target = self.resolve(url, referrer, action or url)
            if target:
                base = urlsplit(target)
                query = urlencode([(k, v) for k, v in fields if k != "csrfmiddlewaretoken"])
                found.append((base._replace(query=query).geturl(), None))
        return found

    def resolve(self, url: str, referrer: str, href: str) -> str | None:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            return None
        if "??" in href:
            self.fail(href, url, "a URL with ??")
            return None
        target = urljoin(url, href)
        if not same_host(target):
            return None
        parts = urlsplit(target)
        if parts.path.startswith(SKIP_PREFIXES):
            return None
        return parts._replace(scheme="", netloc="", fragment="").geturl()

    def check_text(self, url: str, referrer: str, page: Page) -> None:
        for text in page.texts:
            literal = LITERALS.search(text)
            if literal:
                self.fail(url, referrer, f"raw literal {literal.group()!r} in {text[:80]!r}")
            if text in self.english or (
                ENGLISH_WORDS.match(text)
                and not CODE.match(text)
                and text not in ALLOWED_ENGLISH | self.data
                and len(text) > 2
            ):
                self.fail(url, referrer, f"untranslated English {text!r}")


def same_host(url: str) -> bool:
    return urlsplit(url).netloc in {"", "testserver"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo, seeded once per test process and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", workers=DEMO_WORKERS, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_and_button_works(role: str, demo, db, record_property) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    username = ROLES[role]
    if username:
        user = User.objects.get(username=username)
        client.force_login(user)
        finish_sign_in(client, user)  # the second factor, as an administrator enters it
    # what people typed is not UI text: log-in names are ASCII
    data = set(User.objects.values_list("username", flat=True))
    walk = Walk(role=role, client=client, signed_in=bool(username), english=_english_ui_strings(), data=data)
    walk.run(["/", "/login/", "/verify/"] if not username else ["/"])
    counts = f"{role}: {walk.pages} pages, {walk.links} links, {walk.files} files, {walk.next_pages} next pages"
    record_property("crawl", counts)
    print("crawl " + counts)
    assert not walk.problems, f"{role}: {len(walk.problems)} problems\n" + "\n".join(walk.problems)
    assert walk.pages > 1
