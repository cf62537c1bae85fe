"""The pages, exports and API of innovations: filters and a pager that keeps them, the phone form,
the bulk check, the to-dos, and lists whose query count does not grow with rows."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.api.models import ApiToken
from gongjiang.innovations.enums import State
from gongjiang.innovations.models import Innovation
from gongjiang.innovations.views import PAGE_SIZE

from . import factories as f


def test_a_worker_submits_from_the_form_and_a_bad_share_is_said_where(inno, as_user):
    client = as_user(inno.worker_user)
    page = client.get("/innovations/new/")
    assert page.context["form"]["authors"].value() == "王铁军 100"
    data = {
        "title": "集箱焊缝预热工装", "kind": "renovation", "employer": inno.harbin_employer.pk,
        "authors": "王铁军 60\n李强 30", "description": "预热均匀", "competition": inno.labour.pk,
        "studio": inno.studio.pk, "project": inno.project.pk,
    }  # fmt: skip
    from django.utils import translation

    with translation.override("zh-hans"):
        bad = client.post("/innovations/new/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 200 and "90" in str(bad.context["form"].errors)
    assert not Innovation.objects.exists()
    unknown = client.post("/innovations/new/", data | {"authors": "王铁军 60\n张三 40"})
    assert "张三" in str(unknown.context["form"].errors["authors"])
    done = client.post("/innovations/new/", data | {"authors": "王铁军 60\n李强 40"})
    i = Innovation.objects.get()
    assert done.status_code == 302 and done["Location"] == i.get_absolute_url()
    assert [(a.worker.name, a.share) for a in i.authors.all()] == [("王铁军", Decimal(60)), ("李强", Decimal(40))]
    assert (i.competition, i.studio, i.project, i.state) == (inno.labour, inno.studio, inno.project, State.SUBMITTED)


def test_the_pager_goes_to_the_next_page_and_keeps_the_filter(inno, as_user):
    alice = inno.users.alice
    for n in range(PAGE_SIZE + 2):
        f.submitted(alice, inno.harbin_employer, inno.authors, title=f"建议{n}", kind="suggestion")
    f.submitted(alice, inno.harbin_employer, inno.authors, title="另一类", kind="invention")
    client = as_user(alice)
    first = client.get("/innovations/?kind=suggestion")
    assert len(first.context["page"]) == PAGE_SIZE
    body = first.content.decode()
    assert "kind=suggestion&amp;page=2" in body or "page=2&amp;kind=suggestion" in body
    second = client.get("/innovations/?kind=suggestion&page=2")
    titles = [i.title for i in second.context["page"]]
    assert len(titles) == 2 and all(t.startswith("建议") for t in titles)


def test_the_clerk_checks_in_bulk_and_a_refusal_says_why(inno, as_user):
    staff = inno.users.staff
    a = f.submitted(staff, inno.harbin_employer, inno.authors, title="甲")
    b = f.advance(
        f.submitted(staff, inno.harbin_employer, inno.authors, title="乙"), State.CHECKED, admin=inno.users.alice
    )
    client = as_user(staff)
    home = client.get("/").content.decode()
    assert "/innovations/?state=submitted&amp;todo=innovations_check" in home
    listed = client.get("/innovations/?state=submitted&todo=innovations_check")
    assert [i.pk for i in listed.context["page"]] == [a.pk]
    page = client.post("/innovations/decide/", {"ids": [a.pk, b.pk], "verdict": "accept", "step": "check"})
    outcomes = {o.label: o.done for o in page.context["outcomes"]}
    assert outcomes == {"甲": True, "乙": False}
    assert Innovation.objects.get(pk=a.pk).state == State.CHECKED


def test_exports_and_api_carry_the_confirmed_benefit_only(inno, as_user):
    alice = inno.users.alice
    f.confirmed(alice, inno.harbin_employer, inno.authors, Decimal("4321.00"), title="已确认")
    f.advance(f.submitted(alice, inno.harbin_employer, inno.authors, title="未确认"), State.CALCULATED, admin=alice)
    raw = as_user(alice).get("/innovations/?fmt=xlsx")
    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(b"".join(raw.streaming_content) if raw.streaming else raw.content)
        ).active.values
    )
    by_title = {r[0]: r for r in rows[1:]}
    assert (by_title["已确认"][10], by_title["未确认"][10]) == (4321, None)
    _token, key = ApiToken.issue(user=alice, name="t")
    api = as_user(alice).get("/api/innovations?state=confirmed", headers={"Authorization": f"Bearer {key}"}).json()
    assert [(i["title"], i["benefit"]) for i in api["items"]] == [("已确认", "4321.00")]
    detail = as_user(alice).get(f"/api/innovations/{api['items'][0]['id']}", headers={"Authorization": f"Bearer {key}"})
    assert detail.json()["annual_saving"] == "4321.00"


def test_the_worker_record_shows_their_innovations(inno, as_user):
    f.submitted(inno.users.alice, inno.harbin_employer, inno.authors, title="记录里的成果")
    body = as_user(inno.users.alice).get(f"/people/workers/{inno.mate.pk}/record/").content.decode()
    assert 'id="record-innovations"' in body and "记录里的成果" in body and "40%" in body


LISTS = ["/", "/innovations/", "/innovations/?fmt=csv", "/innovations/?fmt=xlsx", "/api/innovations"]


def _count(client, url, headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LISTS)
def test_lists_do_not_grow_with_rows(inno, as_user, url):
    alice = inno.users.alice
    client = as_user(alice)
    headers = {}
    if url.startswith("/api/"):
        _token, raw = ApiToken.issue(user=alice, name="q")
        headers = {"Authorization": f"Bearer {raw}"}
    f.submitted(alice, inno.harbin_employer, inno.authors, studio=inno.studio, competition=inno.labour)
    one = _count(client, url, headers)
    for _n in range(2):
        f.confirmed(alice, inno.harbin_employer, inno.authors, Decimal(10), studio=inno.studio, project=inno.project)
    assert _count(client, url, headers) == one


def test_a_result_comes_only_from_what_its_employer_took_part_in(inno, as_user):
    """The form offers the competitions the employer's workers entered or it entered as a unit, and its own
    studios and their projects: a bounded list at province scale, and a POST naming another is refused."""
    import datetime as dt

    from gongjiang.competitions import services as comp
    from gongjiang.orgs.scope import Scope

    alice = inno.users.alice
    elsewhere = comp.create_competition(
        actor=alice,
        scope=Scope(alice),
        data=comp.CompetitionData(
            name="哈尔滨市电工技能竞赛", tier="city", kind="skills", organiser=inno.harbin,
            registration_closes_on=dt.date(2026, 5, 1), starts_on=dt.date(2026, 5, 10), ends_on=dt.date(2026, 5, 12),
        ),
    )  # fmt: skip
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(state="in_progress")
    client = as_user(inno.worker_user)
    form = client.get("/innovations/new/").context["form"]
    offered = set(form.fields["competition"].queryset)
    assert offered == {inno.labour}  # entered there as a unit; not the city's other competition
    assert list(form.fields["studio"].queryset) == [inno.studio]
    assert list(form.fields["project"].queryset) == [inno.project]
    data = {
        "title": "集箱焊缝预热工装", "kind": "renovation", "employer": inno.harbin_employer.pk,
        "authors": "王铁军 100", "description": "预热均匀", "competition": elsewhere.pk,
    }  # fmt: skip
    refused = client.post("/innovations/new/", data)
    assert refused.status_code == 200 and "competition" in refused.context["form"].errors
    assert not Innovation.objects.exists()
