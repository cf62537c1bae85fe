"""Labour competitions end to end through the services and pages: units and teams, figures, checks,
a veto, closing a round, the red-flag board, the final standing, exports, the importer, the API."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.core.models import AuditEntry
from gongjiang.labour import services
from gongjiang.labour.errors import LabourError
from gongjiang.labour.models import Evidence, Figure, Standing, Team, Unit
from gongjiang.orgs.scope import Scope


def report(user, round_, unit, ind, figures, *, check=False):
    values = {ind[key].pk: (Decimal(v) if v is not None else None, "") for key, v in figures.items()}
    return services.report_figures(actor=user, scope=Scope(user), round_=round_, unit=unit, values=values, check=check)


def test_a_clerk_enters_only_its_own_employer(labour):
    staff = labour.users.staff
    with pytest.raises(LabourError):
        services.enter_unit(
            actor=staff, scope=Scope(staff), competition=labour.highway, employer=labour.qiqihar_employer
        )
    with pytest.raises(LabourError):  # the same unit twice
        services.enter_unit(
            actor=staff,
            scope=Scope(staff),
            competition=labour.highway,
            employer=labour.harbin_employer,
            section="第一标段",
        )
    unit = services.enter_unit(
        actor=staff, scope=Scope(staff), competition=labour.highway, employer=labour.harbin_employer
    )
    assert (unit.union_id, unit.section) == (labour.harbin_employer.union_id, "")
    assert AuditEntry.objects.filter(model="labour.unit", object_id=str(unit.pk)).exists()


def test_a_team_member_works_for_the_unit(labour):
    staff = labour.users.staff
    team = services.add_team(actor=staff, scope=Scope(staff), unit=labour.harbin_unit, name="路基一班")
    with pytest.raises(LabourError):
        services.add_member(actor=staff, scope=Scope(staff), team=team, worker=labour.qiqihar_worker)
    services.add_member(actor=staff, scope=Scope(staff), team=team, worker=labour.harbin_worker)
    assert list(team.members.all()) == [labour.harbin_worker]
    bob = labour.users.bob
    with pytest.raises(LabourError):  # Bob may not change Harbin's unit
        services.add_team(actor=bob, scope=Scope(bob), unit=labour.harbin_unit, name="越权班")


def _run_first_quarter(labour, *, veto: bool):
    prov, staff, bob = labour.users.prov, labour.users.staff, labour.users.bob
    ind, q1 = labour.indicators, labour.q1
    report(staff, q1, labour.harbin_unit, ind, {"progress": 100, "safety": 0, "innovation": 3})
    report(bob, q1, labour.qiqihar_unit, ind, {"progress": 80, "safety": 1, "innovation": 1})
    # the unit may not enter the committee's judged score; the committee enters it and checks
    report(staff, q1, labour.harbin_unit, ind, {"quality": 100})
    assert not Figure.objects.filter(unit=labour.harbin_unit, indicator=ind["quality"]).exists()
    report(prov, q1, labour.harbin_unit, ind, {"quality": 90}, check=True)
    with pytest.raises(LabourError):
        services.close_round(actor=prov, scope=Scope(prov), round_=q1)  # Qiqihar's figures are unchecked
    report(prov, q1, labour.qiqihar_unit, ind, {"quality": 95}, check=True)
    if veto:
        services.record_veto(
            actor=prov, scope=Scope(prov), round_=q1, unit=labour.harbin_unit, reason="高处坠落死亡事故"
        )
    return services.close_round(actor=prov, scope=Scope(prov), round_=q1)


def test_closing_a_round_publishes_standings_and_the_red_flag(labour):
    _run_first_quarter(labour, veto=False)
    rows = list(Standing.objects.filter(round=labour.q1).values_list("unit_id", "rank", "score", "vetoed", "red_flag"))
    # Harbin: 30 + 22.5 + 25 + 20 = 97.5; Qiqihar: 24 + 23.75 + 20 + 0 = 67.75
    assert rows == [
        (labour.harbin_unit.pk, 1, Decimal("97.5000"), False, True),
        (labour.qiqihar_unit.pk, 2, Decimal("67.7500"), False, False),
    ]


def test_a_vetoed_unit_ranks_last_and_carries_no_flag(labour, client):
    _run_first_quarter(labour, veto=True)
    rows = list(Standing.objects.filter(round=labour.q1).values_list("unit_id", "rank", "vetoed", "red_flag"))
    assert rows == [(labour.qiqihar_unit.pk, 1, False, True), (labour.harbin_unit.pk, 2, True, False)]
    # the public board: no log-in, the order and the marks
    page = client.get(f"/labour/rounds/{labour.q1.pk}/board/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("齐齐哈尔第二机床有限公司") < text.index("哈尔滨锅炉厂有限责任公司")
    assert labour.harbin_worker.name not in text
    # a closed round takes no figures, and the scheme is fixed
    prov = labour.users.prov
    with pytest.raises(LabourError):
        report(prov, labour.q1, labour.harbin_unit, labour.indicators, {"progress": 1})
    with pytest.raises(LabourError):
        services.add_indicator(
            actor=prov,
            scope=Scope(prov),
            competition=labour.highway,
            data=services.IndicatorData("节能减排", "energy", Decimal(10), "judged"),
        )


def test_an_open_round_has_no_public_board(labour, client):
    assert client.get(f"/labour/rounds/{labour.q1.pk}/board/").status_code == 404


def test_a_checked_figure_is_the_committees_to_change(labour):
    staff, prov = labour.users.staff, labour.users.prov
    report(staff, labour.q1, labour.harbin_unit, labour.indicators, {"progress": 50})
    report(prov, labour.q1, labour.harbin_unit, labour.indicators, {}, check=True)
    with pytest.raises(LabourError):
        report(staff, labour.q1, labour.harbin_unit, labour.indicators, {"progress": 60})
    report(prov, labour.q1, labour.harbin_unit, labour.indicators, {"progress": 60}, check=True)
    assert Figure.objects.get(unit=labour.harbin_unit, indicator=labour.indicators["progress"]).value == 60


def test_the_committees_table_of_a_round_is_each_units_report_at_once(labour):
    """report_round takes every unit's figures as report_figures takes them one unit at a time: the
    same figures, checks and audit rows (one per unit); one refused unit refuses the whole table."""
    prov, staff, bob = labour.users.prov, labour.users.staff, labour.users.bob
    ind, q1 = labour.indicators, labour.q1
    report(staff, q1, labour.harbin_unit, ind, {"progress": 100, "safety": 0})  # Harbin reported already

    def values(figures):
        return {ind[key].pk: (Decimal(v), "") for key, v in figures.items()}

    table = {
        labour.harbin_unit: values({"progress": 90, "quality": 90, "innovation": 3}),
        labour.qiqihar_unit: values({"progress": 80, "quality": 95, "safety": 1, "innovation": 1}),
    }
    with pytest.raises(LabourError):  # Bob's union may not change Harbin's unit: nothing is written
        services.report_round(actor=bob, scope=Scope(bob), round_=q1, figures=table)
    assert not Figure.objects.filter(unit=labour.qiqihar_unit).exists()
    audited = AuditEntry.objects.filter(model="labour.unit").count()
    changed = services.report_round(actor=prov, scope=Scope(prov), round_=q1, figures=table, check=True)
    assert len(changed) == 7
    rows = Figure.objects.filter(round=q1).values_list("unit_id", "indicator_id", "value", "state", "checked_by_id")
    assert sorted(rows) == sorted(
        [
            (labour.harbin_unit.pk, ind[k].pk, Decimal(v), "checked", prov.pk)
            for k, v in (("progress", 90), ("quality", 90), ("safety", 0), ("innovation", 3))
        ]
        + [
            (labour.qiqihar_unit.pk, ind[k].pk, Decimal(v), "checked", prov.pk)
            for k, v in (("progress", 80), ("quality", 95), ("safety", 1), ("innovation", 1))
        ]
    )
    assert AuditEntry.objects.filter(model="labour.unit").count() == audited + 2
    services.close_round(actor=prov, scope=Scope(prov), round_=q1)
    with pytest.raises(LabourError):  # a closed round takes no table either
        services.report_round(actor=prov, scope=Scope(prov), round_=q1, figures=table)


def _second_quarter(labour, *, close: bool = True):
    """The highway's second quarter: Harbin 52.5, Qiqihar 100 (reported, checked and, unless ``close=False``, closed)."""
    prov = labour.users.prov
    q2 = services.open_round(
        actor=prov,
        scope=Scope(prov),
        competition=labour.highway,
        data=services.RoundData("2026年第二季度", dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 10)),
    )
    ind = labour.indicators
    report(prov, q2, labour.harbin_unit, ind, {"progress": 50, "quality": 50, "safety": 0, "innovation": 1}, check=True)
    report(
        prov, q2, labour.qiqihar_unit, ind, {"progress": 100, "quality": 100, "safety": 0, "innovation": 2}, check=True
    )
    if close:
        services.close_round(actor=prov, scope=Scope(prov), round_=q2)
    return q2


def test_final_standing_combines_the_rounds_by_the_rule(labour, as_user):
    prov = labour.users.prov
    _run_first_quarter(labour, veto=False)
    _second_quarter(labour)
    # Q2: Harbin 15 + 12.5 + 25 + 0 = 52.5; Qiqihar 30 + 25 + 25 + 20 = 100
    # average: Harbin (97.5 + 52.5) / 2 = 75; Qiqihar (67.75 + 100) / 2 = 83.875
    page = as_user(prov).get(f"/labour/{labour.highway.pk}/standings/")
    rows = [(r.placed.rank, r.unit.pk, r.placed.score) for r in page.context["rows"]]
    assert rows == [(1, labour.qiqihar_unit.pk, Decimal("83.875")), (2, labour.harbin_unit.pk, 75)]
    # Bob sees only his own unit's row, with its rank among all
    rows = as_user(labour.users.bob).get(f"/labour/{labour.highway.pk}/standings/").context["rows"]
    assert [(r.placed.rank, r.unit.pk) for r in rows] == [(1, labour.qiqihar_unit.pk)]
    # the export says the same
    raw = b"".join(as_user(prov).get(f"/labour/{labour.highway.pk}/standings/export/?fmt=xlsx").streaming_content)
    sheet = list(openpyxl.load_workbook(io.BytesIO(raw)).active.values)
    assert [row[0] for row in sheet[1:]] == [1, 2]
    assert sheet[1][1] == "齐齐哈尔第二机床有限公司"
    assert sheet[1][5] == 83.88
    csv = b"".join(as_user(prov).get(f"/labour/rounds/{labour.q1.pk}/export/?fmt=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert csv.splitlines()[1].startswith("1,哈尔滨锅炉厂有限责任公司,第一标段,97.50")


def test_pages_walk_for_the_committee_and_the_clerk(labour, as_user):
    prov, staff = labour.users.prov, labour.users.staff
    committee = as_user(prov)
    for url in (
        "/labour/",
        f"/labour/{labour.highway.pk}/",
        f"/labour/{labour.highway.pk}/scheme/",
        f"/labour/{labour.highway.pk}/rounds/new/",
        f"/labour/rounds/{labour.q1.pk}/",
        f"/labour/rounds/{labour.q1.pk}/units/{labour.harbin_unit.pk}/",
        f"/labour/units/{labour.harbin_unit.pk}/",
    ):
        assert committee.get(url).status_code == 200, url
    clerk = as_user(staff)
    page = clerk.get(f"/labour/{labour.highway.pk}/")
    assert [u.pk for u in page.context["units"]] == [labour.harbin_unit.pk]
    assert clerk.get(f"/labour/{labour.highway.pk}/scheme/").status_code == 403
    # the clerk reports through the page, with evidence
    ind = labour.indicators
    pdf = SimpleUploadedFile("进度报表.pdf", b"%PDF-1.4 progress", content_type="application/pdf")
    response = clerk.post(
        f"/labour/rounds/{labour.q1.pk}/units/{labour.harbin_unit.pk}/",
        {
            f"value_{ind['progress'].pk}": "88.5",
            f"note_{ind['progress'].pk}": "桥梁主体完成",
            f"evidence_{ind['progress'].pk}": pdf,
        },
    )
    assert response.status_code == 302
    figure = Figure.objects.get(unit=labour.harbin_unit, indicator=ind["progress"])
    assert (figure.value, figure.state, figure.evidence.count()) == (Decimal("88.5"), "reported", 1)
    evidence = Evidence.objects.get()
    download = clerk.get(f"/labour/evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 progress"
    assert as_user(labour.users.bob).get(f"/labour/evidence/{evidence.pk}/").status_code == 404
    # what is missing shows on the unit's page
    rounds = clerk.get(f"/labour/units/{labour.harbin_unit.pk}/").context["rounds"]
    assert [i.name for i in rounds[0]["missing"]] == ["安全生产", "技术创新"]
    # a renamed executable is refused, with its name, and nothing is written
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = clerk.post(
        f"/labour/rounds/{labour.q1.pk}/units/{labour.harbin_unit.pk}/",
        {f"value_{ind['safety'].pk}": "0", f"evidence_{ind['safety'].pk}": bad},
    )
    assert response.status_code == 200
    assert "x.pdf" in response.content.decode()
    assert not Figure.objects.filter(unit=labour.harbin_unit, indicator=ind["safety"]).exists()


def test_teams_and_members_through_the_pages(labour, as_user):
    from tests.conftest import HARBIN_ID, QIQIHAR_ID

    clerk = as_user(labour.users.staff)
    clerk.post(f"/labour/units/{labour.harbin_unit.pk}/teams/", {"name": "桥梁施工班"})
    team = Team.objects.get(unit=labour.harbin_unit)
    clerk.post(f"/labour/teams/{team.pk}/members/", {"id_number": QIQIHAR_ID})
    assert team.members.count() == 0
    clerk.post(f"/labour/teams/{team.pk}/members/", {"id_number": HARBIN_ID})
    assert list(team.members.all()) == [labour.harbin_worker]
    clerk.post(f"/labour/teams/{team.pk}/members/{labour.harbin_worker.pk}/remove/")
    assert team.members.count() == 0


def test_importing_a_rounds_figures(labour, as_user, settings):
    prov = labour.users.prov
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业", "标段", "指标", "数值", "备注"])
    sheet.append(["哈尔滨锅炉厂有限责任公司", "第一标段", "工程进度", "95", ""])
    sheet.append(["哈尔滨锅炉厂有限责任公司", "第一标段", "工程质量", "88", "现场检查"])
    sheet.append(["齐齐哈尔第二机床有限公司", "第二标段", "工程进度", "70", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    client = as_user(prov)
    url = f"/imports/labour-figures/?round={labour.q1.pk}"
    assert client.get(url).context["target"] == (str(labour.q1), labour.q1.get_absolute_url())
    response = client.post(url, {"file": ContentFile(buffer.getvalue(), name="figures.xlsx")})
    assert response.status_code == 302
    got = sorted(
        Figure.objects.filter(round=labour.q1).values_list("unit__section", "indicator__name", "value", "state")
    )
    assert got == [
        ("第一标段", "工程质量", Decimal("88"), "checked"),
        ("第一标段", "工程进度", Decimal("95"), "checked"),
        ("第二标段", "工程进度", Decimal("70"), "checked"),
    ]


def test_a_bad_import_writes_nothing_and_says_where(labour, as_user):
    from gongjiang.imports.models import ImportJob

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业", "标段", "指标", "数值"])
    sheet.append(["哈尔滨锅炉厂有限责任公司", "第一标段", "工程进度", "95"])
    sheet.append(["不存在的公司", "", "工程进度", "abc"])
    buffer = io.BytesIO()
    book.save(buffer)
    as_user(labour.users.prov).post(
        f"/imports/labour-figures/?round={labour.q1.pk}", {"file": ContentFile(buffer.getvalue(), name="bad.xlsx")}
    )
    job = ImportJob.objects.get(kind="labour-figures")
    assert job.status == "invalid"
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "数值")]
    assert not Figure.objects.exists()


def test_the_api_scopes_units_rounds_and_standings(labour):
    _run_first_quarter(labour, veto=True)

    def api(user):
        _t, raw = ApiToken.issue(user=user, name="t")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    bob = api(labour.users.bob)
    units = bob.get("/api/labour/units").json()
    assert [u["id"] for u in units["items"]] == [labour.qiqihar_unit.pk]
    rounds = bob.get(f"/api/labour/rounds?competition_id={labour.highway.pk}").json()["items"]
    assert [r["name"] for r in rounds] == ["2026年第一季度"]
    standings = api(labour.users.prov).get(f"/api/labour/rounds/{labour.q1.pk}/standings").json()["items"]
    assert [(s["unit_id"], s["rank"], s["vetoed"], s["red_flag"]) for s in standings] == [
        (labour.qiqihar_unit.pk, 1, False, True),
        (labour.harbin_unit.pk, 2, True, False),
    ]
    final = bob.get(f"/api/labour/competitions/{labour.highway.pk}/standings").json()["items"]
    assert [(s["unit_id"], s["rank"]) for s in final] == [(labour.qiqihar_unit.pk, 1)]
    assert bob.get(f"/api/labour/rounds/{labour.harbin_round.pk}/standings").status_code == 404


def test_to_dos(labour, as_user, settings):
    from gongjiang.labour.todos import TODOS

    clerk = as_user(labour.users.staff)
    # the clerk's employer is a unit of both competitions, and has reported nothing in either
    page = clerk.get("/labour/?todo=labour_figures")
    assert sorted(c.pk for c in page.context["page"]) == [labour.highway.pk, labour.harbin_labour.pk]
    report(
        labour.users.staff,
        labour.q1,
        labour.harbin_unit,
        labour.indicators,
        {"progress": 1, "safety": 0, "innovation": 1},
    )
    assert [c.pk for c in clerk.get("/labour/?todo=labour_figures").context["page"]] == [labour.harbin_labour.pk]
    committee = as_user(labour.users.prov)
    assert [c.pk for c in committee.get("/labour/?todo=labour_close").context["page"]] == [labour.highway.pk]
    assert {t.key for t in TODOS} == {"labour_close", "labour_figures", "labour_final"}
    assert Unit.objects.count() == 3


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_pages_cost_the_same_for_one_unit_as_for_three(labour, as_user):
    """The round, unit, standings pages and exports: no query per unit, figure or round."""
    from gongjiang.core.fakeids import make_uscc
    from gongjiang.orgs import services as org_services

    prov = labour.users.prov
    client = as_user(prov)
    report(prov, labour.q1, labour.harbin_unit, labour.indicators, {"progress": 1, "quality": 2}, check=True)
    urls = [
        "/labour/",
        f"/labour/{labour.highway.pk}/",
        f"/labour/rounds/{labour.q1.pk}/",
        f"/labour/{labour.highway.pk}/standings/",
        f"/labour/{labour.highway.pk}/standings/export/?fmt=csv",
    ]
    before = {url: _queries(client, url) for url in urls}
    for n in range(2):
        employer = org_services.create_employer(
            actor=None,
            name=f"测试建设公司{n}",
            uscc=make_uscc("230102", 900 + n),
            region=labour.harbin_employer.region,
            parent_union=labour.daoli,
        )
        unit = services.enter_unit(actor=prov, scope=Scope(prov), competition=labour.highway, employer=employer)
        report(prov, labour.q1, unit, labour.indicators, {"progress": 5, "quality": 6}, check=True)
    after = {url: _queries(client, url) for url in urls}
    assert after == before


def test_a_round_needs_the_indicator_scheme(org):
    from tests.labour.conftest import labour_competition

    alice = org.users.alice
    bare = labour_competition(alice, org.harbin, "哈尔滨某工程劳动竞赛（无指标）", "city")
    with pytest.raises(LabourError, match=r"指标|indicator"):
        services.open_round(
            actor=alice,
            scope=Scope(alice),
            competition=bare,
            data=services.RoundData("2026年第一季度", dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
        )


def test_a_scheme_set_up_at_once_is_each_indicator_added_in_turn(org):
    """add_indicators checks and audits every indicator as add_indicator does one, in order, all or
    nothing: a name already in the scheme, twice in the batch, or one indicator's rule refuses them all."""
    from tests.labour.conftest import labour_competition

    alice = org.users.alice
    competition = labour_competition(alice, org.harbin, "哈尔滨某工程劳动竞赛（一次设指标）", "city")
    D, scope = services.IndicatorData, Scope(alice)
    services.add_indicator(
        actor=alice, scope=scope, competition=competition, data=D("工程质量", "quality", Decimal(20), "judged")
    )
    refused = (
        [
            D("形象进度", "progress", Decimal(30), "measured", "linear", Decimal(100)),
            D("工程质量", "quality", Decimal(5), "judged"),
        ],
        [
            D("形象进度", "progress", Decimal(30), "measured", "linear", Decimal(100)),
            D("形象进度", "own", Decimal(5), "judged"),
        ],
        [
            D("形象进度", "progress", Decimal(30), "measured", "linear", Decimal(100)),
            D("安全", "safety", Decimal(0), "judged"),
        ],
    )
    for batch in refused:
        with pytest.raises(LabourError):
            services.add_indicators(actor=alice, scope=scope, competition=competition, data=batch)
    assert list(competition.labour_scheme.indicators.values_list("name", flat=True)) == ["工程质量"]
    added = services.add_indicators(
        actor=alice,
        scope=scope,
        competition=competition,
        data=[
            D("形象进度", "progress", Decimal(30), "measured", "linear", Decimal(100), "%"),
            D("文明施工", "civilised", Decimal(10), "judged", "linear", Decimal(100)),  # judged: no formula kept
        ],
    )
    rows = list(competition.labour_scheme.indicators.order_by("position").values_list("name", "position", "formula"))
    assert rows == [("工程质量", 1, ""), ("形象进度", 2, "linear"), ("文明施工", 3, "")]
    later = competition.labour_scheme.indicators.filter(position__gt=1).order_by("position")
    assert [i.pk for i in added] == list(later.values_list("pk", flat=True))
    audited = AuditEntry.objects.filter(model="labour.indicator", action="create").order_by("pk")
    assert [a.object_id for a in audited] == [
        str(pk) for pk in competition.labour_scheme.indicators.order_by("pk").values_list("pk", flat=True)
    ]
    # the committee's only: another city's admin may not
    bob = org.users.bob
    with pytest.raises(PermissionDenied):
        services.add_indicators(
            actor=bob, scope=Scope(bob), competition=competition, data=[D("x", "own", Decimal(1), "judged")]
        )


def test_closing_a_round_refuses_unchecked_figures_and_a_round_without_units(labour, org):
    from tests.labour.conftest import labour_competition, standard_scheme

    prov, staff = labour.users.prov, labour.users.staff
    report(staff, labour.q1, labour.harbin_unit, labour.indicators, {"progress": 50})
    with pytest.raises(LabourError, match="1"):
        services.close_round(actor=prov, scope=Scope(prov), round_=labour.q1)
    alice = org.users.alice
    empty = labour_competition(alice, org.harbin, "哈尔滨某工程劳动竞赛（无单位）", "city")
    standard_scheme(alice, empty)
    round_ = services.open_round(
        actor=alice,
        scope=Scope(alice),
        competition=empty,
        data=services.RoundData("2026年第一季度", dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
    )
    with pytest.raises(LabourError, match=r"尚无单位报名参赛|No unit is entered"):
        services.close_round(actor=alice, scope=Scope(alice), round_=round_)
    assert not Standing.objects.filter(round__in=[labour.q1, round_]).exists()
