"""The studio pages, API, import and export as a user meets them."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.core.fakeids import make_uscc
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from gongjiang.studios.models import Membership, Problem, Studio
from tests.conftest import make_user

from . import factories as f

SOON = dt.date.today() + dt.timedelta(days=30)


@pytest.fixture
def studios(org):
    alice = org.users.alice
    org.lead = make_user("lead", org.harbin_employer.union, RoleKind.STUDIO_LEAD)
    org.own = f.studio(alice, org.harbin_employer, "锅炉焊接创新工作室", "锅炉焊接", lead_user=org.lead)
    org.other = f.studio(alice, org.harbin_employer, "管道安装创新工作室", "管道安装")
    org.alliance = services.create_alliance(
        actor=alice,
        scope=Scope(alice),
        data=services.AllianceData(
            name="哈尔滨锅炉制造联盟",
            level="city",
            lead_union=org.harbin,
            founded_on=dt.date(2025, 4, 1),
            founding_document="哈工发〔2025〕3号",
        ),
        studios=[org.own, org.other],
    )
    return org


def test_a_lead_edits_their_own_studio_and_gets_403_on_any_other(studios, as_user):
    client = as_user(studios.lead)
    assert client.get(f"/studios/{studios.own.pk}/edit/").status_code == 200
    response = client.post(
        f"/studios/{studios.own.pk}/edit/", {"field": "受压件焊接", "has_place_and_funds": "on", "has_rules": "on"}
    )
    assert response.status_code == 302
    studios.own.refresh_from_db()
    assert studios.own.field == "受压件焊接"
    for suffix in ("edit/", "projects/new/", "results/new/", "report/", "members/", "join/"):
        for method in ("get", "post"):
            response = getattr(client, method)(f"/studios/{studios.other.pk}/{suffix}")
            assert response.status_code in {403, 405}, (suffix, method)
            if response.status_code == 405:
                assert method == "get"
    # naming, closing and changing the lead are the union's
    for suffix in ("decide/", "close/", "lead/"):
        assert client.post(f"/studios/{studios.own.pk}/{suffix}").status_code == 403
    studios.other.refresh_from_db()
    assert studios.other.field == "管道安装"


def test_the_lead_writes_a_project_and_a_self_report(studios, as_user):
    client = as_user(studios.lead)
    response = client.post(
        f"/studios/{studios.own.pk}/projects/new/",
        {
            "title": "膜式壁焊接变形控制",
            "started_on": "2025-03-01",
            "closed_on": "2025-10-01",
            "outcome": "变形降低40%",
            "patents": "1",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/studios/{studios.own.pk}/report/",
        {"year": "2025", "summary": "完成攻关两项，培训青工30人", "people_trained": "30"},
    )
    assert response.status_code == 302
    page = client.get(f"/studios/{studios.own.pk}/")
    body = page.content.decode()
    assert "膜式壁焊接变形控制" in body
    assert "完成攻关两项" in body
    assert page.context["totals"].economic_value == Decimal("0.00")  # typed nowhere: innovations confirm it


def test_studio_page_shows_the_lead_honours_and_the_six_checks(studios, as_user):
    page = as_user(studios.users.alice).get(f"/studios/{studios.own.pk}/")
    assert [(c.key, c.ok) for c in page.context["checks"]] == [
        ("lead", True),
        ("team", True),
        ("place", True),
        ("rules", True),
        ("projects", True),
        ("results", True),
    ]
    assert "2019 市劳动模范" in page.content.decode()


def test_bad_input_gets_a_clear_error_and_writes_nothing(studios, as_user):
    client = as_user(studios.users.alice)
    before = Studio.objects.count()
    response = client.post(
        "/studios/new/",
        {
            "name": "新工作室",
            "level": "city",
            "employer": studios.harbin_employer.pk,
            "lead": "230102198503121234",
            "field": "焊接",
            "founded_on": "2099-01-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["founded_on"] == ["日期不能晚于今天。"] or "founded_on" in errors
    assert "lead" in errors
    assert Studio.objects.count() == before


def test_the_alliance_page_shows_members_projects_and_totals(studios, as_user):
    alice = studios.users.alice
    services.add_external_member(
        actor=alice,
        scope=Scope(alice),
        alliance=studios.alliance,
        name="邯钢轧钢工作室",
        employer="邯郸钢铁集团有限责任公司",
        province="河北省",
    )
    problem = services.post_problem(
        actor=studios.lead,
        scope=Scope(studios.lead),
        alliance=studios.alliance,
        studio=studios.own,
        data=services.ProblemData(title="集箱焊缝气孔", field="焊接", description="气孔多", deadline=SOON),
    )
    claim = services.claim_problem(
        actor=alice, scope=Scope(alice), problem=problem, studio=studios.other, plan="改进预热"
    )
    project = services.accept_claim(actor=studios.lead, scope=Scope(studios.lead), claim=claim)
    services.close_project(
        actor=studios.lead,
        scope=Scope(studios.lead),
        project=project,
        outcome="气孔消除",
        patents=1,
    )
    page = as_user(studios.users.alice).get(f"/studios/alliances/{studios.alliance.pk}/")
    body = page.content.decode()
    for text in ("邯钢轧钢工作室", "邯郸钢铁集团有限责任公司", "河北省", "集箱焊缝气孔"):
        assert text in body, text
    assert (page.context["totals"].closed_projects, page.context["totals"].economic_value) == (1, Decimal("0.00"))


def test_evaluation_page_scores_and_warns(studios, as_user):
    client = as_user(studios.users.alice)
    criteria = list(studios.alliance.criteria.all())
    member = Membership.objects.get(alliance=studios.alliance, studio=studios.other)
    data = {"year": "2025"} | {f"s-{member.pk}-{c.pk}": "50" for c in criteria}
    data[f"s-{member.pk}-{criteria[0].pk}"] = "abc"
    response = client.post(f"/studios/alliances/{studios.alliance.pk}/evaluate/", data)
    assert response.status_code == 200
    assert "请为每项指标填写0至100的分数。" in response.content.decode()
    data[f"s-{member.pk}-{criteria[0].pk}"] = "50"
    response = client.post(f"/studios/alliances/{studios.alliance.pk}/evaluate/", data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.state == "warned"
    assert member.warning_reason == "2025年度评价得分50.00，低于合格线60.00。"


def test_export_and_import_of_studios(studios, as_user):
    client = as_user(studios.users.alice)
    response = client.get("/studios/?fmt=xlsx")
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("名称", "级别", "状态")
    assert sorted(r[0] for r in rows[1:]) == ["管道安装创新工作室", "锅炉焊接创新工作室"]

    from gongjiang.studios.importers import StudioImporter
    from tests.conftest import HARBIN_ID

    csv = (
        "工作室名称,级别,统一社会信用代码,领衔人身份证号,领域,成立日期,职业\n"
        f"王铁军创新工作室,市级,{studios.harbin_employer.uscc},{HARBIN_ID},车削加工,2021-05-01,车工\n"
        f"错误工作室,县级,{make_uscc('230202', 9)},{HARBIN_ID},x,2021-13-01,不存在的工种\n"
    )
    importer = StudioImporter(actor=studios.users.alice, scope=Scope(studios.users.alice))
    import csv as csvlib

    records = importer.clean_rows(iter(list(csvlib.reader(io.StringIO(csv)))))
    importer.clean_file(records)
    assert {(e.row, e.column) for e in importer.errors} >= {(3, "级别"), (3, "成立日期")}
    good = csv.splitlines()[:2]
    importer = StudioImporter(actor=studios.users.alice, scope=Scope(studios.users.alice))
    records = importer.clean_rows(iter(list(csvlib.reader(io.StringIO("\n".join(good))))))
    importer.clean_file(records)
    assert importer.errors == []
    assert importer.write(records) == {"created": 1, "updated": 0, "unchanged": 0}
    studio = Studio.objects.get(name="王铁军创新工作室")
    assert (studio.lead, studio.state, [o.name for o in studio.occupations.all()]) == (
        studios.harbin_worker,
        "applied",
        ["车工"],
    )
    importer = StudioImporter(actor=studios.users.alice, scope=Scope(studios.users.alice))
    records = importer.clean_rows(iter(list(csvlib.reader(io.StringIO("\n".join(good))))))
    importer.clean_file(records)
    assert importer.write(records) == {"created": 0, "updated": 0, "unchanged": 1}


def test_bob_cannot_import_a_studio_for_harbin(studios):
    from gongjiang.studios.importers import StudioImporter
    from tests.conftest import HARBIN_ID

    bob = studios.users.bob
    importer = StudioImporter(actor=bob, scope=Scope(bob))
    rows = [
        ["工作室名称", "级别", "统一社会信用代码", "领衔人身份证号", "领域", "成立日期"],
        ["越权工作室", "市级", studios.harbin_employer.uscc, HARBIN_ID, "x", "2021-05-01"],
    ]
    records = importer.clean_rows(iter(rows))
    importer.clean_file(records)
    assert [e.message for e in importer.errors] == ["本工会范围内没有该统一社会信用代码的单位。"]


def _api(user):
    _token, raw = ApiToken.issue(user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_api_posts_a_problem_and_claims_it(studios):
    lead, alice = studios.lead, studios.users.alice
    response = _api(lead).post(
        f"/api/alliances/{studios.alliance.pk}/problems",
        {
            "studio_id": studios.own.pk,
            "title": "过热器管排变形",
            "field": "焊接",
            "description": "变形超差",
            "deadline": SOON.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    problem_id = response.json()["id"]
    response = _api(lead).post(
        f"/api/alliances/{studios.alliance.pk}/problems",
        {"studio_id": studios.other.pk, "title": "x", "field": "x", "description": "x", "deadline": SOON.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 404  # the lead acts for their own studio only
    response = _api(alice).post(
        f"/api/problems/{problem_id}/claims",
        {"studio_id": studios.other.pk, "plan": "反变形工装"},
        content_type="application/json",
    )
    assert response.status_code == 201
    members = _api(alice).get(f"/api/alliances/{studios.alliance.pk}/members").json()
    assert [m["name"] for m in members] == ["锅炉焊接创新工作室", "管道安装创新工作室"]
    assert [s["name"] for s in _api(lead).get("/api/studios").json()["items"]] == ["锅炉焊接创新工作室"]
    assert Problem.objects.get(pk=problem_id).claims.count() == 1


def test_problem_attachments_are_served_only_to_those_who_see_the_problem(studios, as_user):
    client = as_user(studios.lead)
    response = client.post(
        f"/studios/alliances/{studios.alliance.pk}/problems/new/",
        {
            "studio": studios.own.pk,
            "title": "焊缝气孔",
            "field": "焊接",
            "description": "气孔",
            "deadline": SOON.isoformat(),
            "attachments": [
                SimpleUploadedFile("图纸.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
                SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg"),
            ],
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    problem = Problem.objects.get(title="焊缝气孔")
    drawing, photo = problem.attachments.all()
    assert (drawing.name, photo.name) == ("图纸.pdf", "现场.jpg")
    response = as_user(studios.users.alice).get(f"/studios/problems/attachments/{drawing.pk}/")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert as_user(studios.users.bob).get(f"/studios/problems/attachments/{drawing.pk}/").status_code == 404
    # the poster adds a report later; somebody else may not
    report = SimpleUploadedFile("检测报告.xlsx", b"PK\x03\x04 xlsx", content_type="application/vnd.ms-excel")
    client.post(f"/studios/problems/{problem.pk}/attachments/", {"attachments": [report]})
    assert [a.name for a in problem.attachments.all()] == ["图纸.pdf", "现场.jpg", "检测报告.xlsx"]
    other = SimpleUploadedFile("x.pdf", b"%PDF", content_type="application/pdf")
    assert (
        as_user(studios.users.bob)
        .post(f"/studios/problems/{problem.pk}/attachments/", {"attachments": [other]})
        .status_code
        == 404
    )
    bad = client.post(
        f"/studios/alliances/{studios.alliance.pk}/problems/new/",
        {
            "studio": studios.own.pk,
            "title": "x",
            "field": "x",
            "description": "x",
            "deadline": SOON.isoformat(),
            "attachments": [
                SimpleUploadedFile("图纸.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
                SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream"),
            ],
        },
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["attachments"] == [
        "“run.exe”：请上传不超过20MB的文档或图片（pdf, doc, docx, xls, xlsx, ppt, pptx, txt, odt, ods, jpg, jpeg, png）。"
    ]
    assert not Problem.objects.filter(title="x").exists()
