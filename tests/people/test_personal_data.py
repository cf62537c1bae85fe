"""Issue 13 §2: a whole ID number travels only in a POST body; logs never hold an ID or mobile
number in clear; pages with an unmasked value are not stored by any cache; uploads are 0600."""

import io
import logging
import os
import stat

import pytest
from django.test import Client

from gongjiang.api.models import ApiToken
from tests.conftest import HARBIN_ID, HARBIN_PHONE, QIQIHAR_ID, QIQIHAR_PHONE


def test_whole_id_search_is_posted_and_no_url_carries_it(org, as_user):
    client = as_user(org.users.prov)
    page = client.get("/people/workers/").content.decode()
    assert (
        'id="filters" method="post"' in page
        and "hx-post=" in page
        and "hx-get=" not in page.split('id="filters"')[1][:300]
    )
    found = client.post("/people/workers/", {"q": HARBIN_ID})
    assert found.status_code == 200  # answered in place: no redirect to a URL holding the number
    assert [w.pk for w in found.context["page"]] == [org.harbin_worker.pk]
    assert HARBIN_ID not in "".join(line for line in found.content.decode().splitlines() if "href=" in line)
    htmx = client.post("/people/workers/", {"q": HARBIN_ID}, headers={"HX-Request": "true"})
    assert htmx["HX-Push-Url"] == "false"
    # Any other search becomes a plain, bookmarkable URL.
    by_name = client.post("/people/workers/", {"q": "王铁军"})
    assert by_name.status_code == 303 and by_name["Location"].startswith("/people/workers/?q=")
    # Typed into a URL anyway, the number is not used (nor echoed into links).
    typed = client.get(f"/people/workers/?q={HARBIN_ID}")
    assert typed.context["page"].paginator.count == 2
    assert HARBIN_ID not in "".join(line for line in typed.content.decode().splitlines() if "href=" in line)


def test_api_whole_id_search_is_a_post(org):
    _token, raw = ApiToken.issue(user=org.users.prov, name="t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    refused = client.get(f"/api/workers?q={HARBIN_ID}")
    assert refused.status_code == 422
    assert "POST /api/workers/search" in refused.json()["detail"]
    found = client.post("/api/workers/search", {"q": HARBIN_ID}, content_type="application/json")
    assert found.status_code == 200
    assert [w["id"] for w in found.json()["items"]] == [org.harbin_worker.pk]
    assert client.post("/api/workers/search?limit=1", {}, content_type="application/json").json()["count"] == 2


def test_unmasked_pages_are_never_stored(org, as_user):
    client = as_user(org.users.prov)
    worker = org.harbin_worker
    reveal = client.post(f"/people/workers/{worker.pk}/reveal/id_number/")
    assert HARBIN_ID in reveal.content.decode()
    assert "no-store" in reveal["Cache-Control"]
    edit = client.get(f"/people/workers/{worker.pk}/edit/")
    assert HARBIN_ID in edit.content.decode()
    assert "no-store" in edit["Cache-Control"]
    assert "no-store" in client.get("/people/workers/new/")["Cache-Control"]


def test_uploads_are_stored_for_the_owner_only(org, as_user, monkeypatch):
    from gongjiang.imports import services
    from tests.imports.test_worker_import import _rows, xlsx

    modes = []
    real = services.count_data_rows

    def spy(path):  # type: ignore[no-untyped-def]
        modes.append(stat.S_IMODE(os.stat(path).st_mode))
        return real(path)

    monkeypatch.setattr(services, "count_data_rows", spy)
    as_user(org.users.alice).post("/imports/", {"file": xlsx(_rows(org))})
    assert modes == [0o600]
    from django.conf import settings as project_settings

    assert project_settings.FILE_UPLOAD_PERMISSIONS == 0o600


@pytest.fixture
def captured_logs():
    """Every handler settings.LOGGING configured, writing into one buffer instead of the console."""
    from gongjiang.core.logmask import MaskPersonalData

    buffer = io.StringIO()
    handlers = {
        h
        for name in ("", "django.server", "gunicorn.access", "django.request")
        for h in logging.getLogger(name).handlers
        if any(isinstance(f, MaskPersonalData) for f in h.filters)
    }
    assert handlers, "settings.LOGGING puts the mask on its handlers"
    saved = {h: h.setStream(buffer) for h in handlers}  # type: ignore[attr-defined]
    yield buffer
    for handler, stream in saved.items():
        handler.setStream(stream)  # type: ignore[attr-defined]


def test_logs_hold_no_id_or_mobile_number(org, as_user, captured_logs):
    from tests.imports.test_worker_import import _id, _rows, xlsx

    client = as_user(org.users.prov)
    client.raise_request_exception = False
    # searches, by page and API, and their access-log lines as runserver and gunicorn write them
    client.post("/people/workers/", {"q": HARBIN_ID})
    client.get(f"/people/workers/?q={QIQIHAR_ID}")
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /people/workers/?q={HARBIN_ID} HTTP/1.1", "200", "512")
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "r": f"GET /?p={HARBIN_PHONE}", "s": "200"}
    )
    # not-found pages and errors with the numbers in the path or the exception
    client.get(f"/people/workers/{HARBIN_ID}/")
    try:
        raise ValueError(f"bad row: {QIQIHAR_ID} {QIQIHAR_PHONE}")
    except ValueError:
        logging.getLogger("gongjiang.imports").exception("import failed for %s", HARBIN_ID)
    logging.getLogger("gongjiang").warning("phone %s and ID %s", HARBIN_PHONE, _id(3).lower())
    # an import with a bad row
    rows = _rows(org)
    rows[1][2] = "12"
    as_user(org.users.alice).post("/imports/", {"file": xlsx(rows)})
    text = captured_logs.getvalue()
    assert "Not Found" in text and "import failed" in text and "Traceback" in text
    for secret in (HARBIN_ID, QIQIHAR_ID, HARBIN_PHONE, QIQIHAR_PHONE, _id(3), _id(3).lower(), _id(0), _id(1)):
        assert secret not in text, secret
    assert HARBIN_ID[:6] + "********" + HARBIN_ID[-4:] in text  # masked the way pages mask it
    assert HARBIN_PHONE[:3] + "****" + HARBIN_PHONE[-4:] in text
