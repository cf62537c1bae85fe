"""Workflow guards (issue 11 §3): a competition opens registration only with an event and starts
only when every event has a chief judge, a marking scheme and enough judges; each refusal names
what is missing, on the page and in the API. Which tiers a union may organise is policy data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.competitions import marking, services
from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition, OrganisingRight
from gongjiang.core.audit import history
from gongjiang.orgs.scope import Scope

ALL_TIERS = ["world", "national_1", "national_2", "provincial_1", "provincial_2", "city", "enterprise"]


def api(user, language: str = "zh-hans") -> Client:
    _token, raw = ApiToken.issue(user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": language})


def _draft(user, organiser, tier="city") -> Competition:
    return services.create_competition(
        actor=user,
        scope=Scope(user),
        data=services.CompetitionData(
            name="道里区钳工比武",
            tier=tier,
            kind="skills",
            organiser=organiser,
            registration_closes_on=dt.date(2026, 5, 1),
            starts_on=dt.date(2026, 5, 10),
            ends_on=dt.date(2026, 5, 12),
        ),
    )


def test_registration_needs_an_event_on_the_page_and_in_the_api(org, as_user):
    alice = org.users.alice
    comp = _draft(alice, org.harbin)
    with pytest.raises(services.CompetitionError, match="请先添加至少一个赛项，再开放报名。"):
        services.transition(actor=alice, scope=Scope(alice), competition=comp, to=State.REGISTRATION)

    client = as_user(alice)
    page = client.get(f"/competitions/{comp.pk}/").content.decode()
    assert "转入“报名中”之前还需：" in page and "请先添加至少一个赛项，再开放报名。" in page
    response = client.post(f"/competitions/{comp.pk}/transition/", {"to": "registration"}, follow=True)
    assert "请先添加至少一个赛项，再开放报名。" in response.content.decode()

    url = f"/api/competitions/{comp.pk}/transition"
    response = api(alice).post(url, {"to": "registration"}, content_type="application/json")
    assert (response.status_code, response.json()) == (409, {"detail": "请先添加至少一个赛项，再开放报名。"})
    response = api(alice, "en").post(url, {"to": "registration"}, content_type="application/json")
    assert response.json() == {"detail": "Add at least one event before opening registration."}
    comp.refresh_from_db()
    assert comp.state == State.DRAFT


def test_starting_names_every_event_and_what_it_lacks(contest, as_user):
    prov = contest.users.prov
    scope = Scope(prov)
    comp, event = contest.province_comp, contest.province_event
    url = f"/api/competitions/{comp.pk}/transition"
    response = api(prov).post(url, {"to": "in_progress"}, content_type="application/json")
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "赛项“数控车工”：没有裁判长；没有评分方案；裁判不足（已有0名，至少需要1名）。"},
    )

    criterion = marking.add_criterion(actor=prov, scope=scope, event=event, code="A", name="零件加工")
    marking.add_aspect(
        actor=prov,
        scope=scope,
        criterion=criterion,
        code="A1",
        description="表面质量",
        kind="judgement",
        max_mark=Decimal(6),
        descriptors=["不合格", "基本合格", "良好", "优秀"],
    )
    judges = [
        services.add_judge(
            actor=prov, scope=scope, pool=contest.province, name=name, region_code="230600", occupations=[contest.lathe]
        )
        for name in ("李建华", "周立新", "孙志强")
    ]
    first = services.assign_judge(actor=prov, scope=scope, event=event, judge=judges[0])
    # a judgement aspect is scored by three judges: one is too few, and there is no chief yet
    page = as_user(prov).post(f"/competitions/{comp.pk}/transition/", {"to": "in_progress"}, follow=True)
    assert "赛项“数控车工”：没有裁判长；裁判不足（已有1名，至少需要3名）。" in page.content.decode()
    with pytest.raises(services.CompetitionError) as info:
        services.transition(actor=prov, scope=scope, competition=comp, to=State.IN_PROGRESS)
    assert str(info.value) == "赛项“数控车工”：没有裁判长；裁判不足（已有1名，至少需要3名）。"

    services.set_chief(actor=prov, scope=scope, assignment=first)
    for judge in judges[1:]:
        services.assign_judge(actor=prov, scope=scope, event=event, judge=judge)
    assert "not-ready" not in as_user(prov).get(f"/competitions/{comp.pk}/").content.decode()
    response = api(prov).post(url, {"to": "in_progress"}, content_type="application/json")
    assert (response.status_code, response.json()["state"]) == (200, "in_progress")


def test_the_transition_api_keeps_to_the_scope(contest):
    url = f"/api/competitions/{contest.harbin_comp.pk}/transition"
    assert api(contest.users.bob).post(url, {"to": "in_progress"}, content_type="application/json").status_code == 404
    # Bob sees the provincial competition (his union enters it) but may not move it
    url = f"/api/competitions/{contest.province_comp.pk}/transition"
    assert api(contest.users.bob).post(url, {"to": "in_progress"}, content_type="application/json").status_code == 403
    response = api(contest.users.prov).post(url, {"to": "nowhere"}, content_type="application/json")
    # the schema declares the states: the edge refuses an unknown one, naming the choices, in Chinese
    assert response.status_code == 422
    assert "请从以下选项中选择" in response.json()["detail"] and "registration" in response.json()["detail"]


def test_default_rights_are_data_seeded_by_a_migration(db):
    rows = dict(OrganisingRight.objects.filter(union__isnull=True).values_list("union_kind", "highest_tier"))
    assert rows == {
        "province": "world",
        "city": "city",
        "industry": "city",
        "county": "enterprise",
        "grassroots": "enterprise",
    }


def test_the_form_offers_only_the_allowed_tiers_lowest_first_chosen(org, as_user):
    response = as_user(org.users.alice).get("/competitions/new/")
    field = response.context["form"]["tier"]
    assert [value for value, _label in field.field.choices] == ["city", "enterprise"]
    assert field.value() == "enterprise"
    province_form = as_user(org.users.prov).get("/competitions/new/").context["form"]["tier"]
    assert [value for value, _label in province_form.field.choices] == ALL_TIERS
    assert province_form.value() == "enterprise"


def test_a_city_admin_cannot_organise_worldskills(org, as_user):
    data = {
        "name": "哈尔滨世界技能大赛",
        "tier": "world",
        "kind": "skills",
        "organiser": org.harbin.pk,
        "registration_closes_on": "2026-11-20",
        "starts_on": "2026-11-30",
        "ends_on": "2026-12-02",
        "notice_working_days": 5,
        "medal_count": 3,
        "merit_percent": 50,
    }
    response = as_user(org.users.alice).post("/competitions/new/", data)
    assert response.status_code == 200
    assert "tier" in response.context["form"].errors
    # a county federation organises enterprise-level competitions only
    response = as_user(org.users.alice).post("/competitions/new/", dict(data, tier="city", organiser=org.daoli.pk))
    assert response.context["form"].errors["tier"] == [
        "哈尔滨市道里区总工会可组织“企业级”及以下级别的竞赛，不能组织“市级”。"
    ]

    client = api(org.users.alice)
    payload = {
        "name": "哈尔滨世界技能大赛",
        "tier": "world",
        "organiser_id": org.harbin.pk,
        "registration_closes_on": "2026-11-20",
        "starts_on": "2026-11-30",
        "ends_on": "2026-12-02",
    }
    response = client.post("/api/competitions", payload, content_type="application/json")
    assert (response.status_code, response.json()) == (
        422,
        {"detail": "哈尔滨市总工会可组织“市级”及以下级别的竞赛，不能组织“世界技能大赛”。"},
    )
    with pytest.raises(services.CompetitionError):
        _draft(org.users.alice, org.harbin, tier="provincial_2")
    assert not Competition.objects.filter(name="哈尔滨世界技能大赛").exists()

    # without a tier, the lowest the organiser may organise
    response = client.post("/api/competitions", dict(payload, tier=""), content_type="application/json")
    assert (response.status_code, response.json()["tier"]) == (201, "enterprise")
    response = client.post("/api/competitions", dict(payload, tier="city"), content_type="application/json")
    assert (response.status_code, response.json()["tier"]) == (201, "city")
    # an organiser outside the scope is not found
    response = client.post(
        "/api/competitions", dict(payload, tier="city", organiser_id=org.qiqihar.pk), content_type="application/json"
    )
    assert response.status_code == 404


def test_the_api_lists_the_allowed_tiers(org):
    body = api(org.users.alice).get("/api/competitions/tiers").json()
    assert ([t["code"] for t in body["tiers"]], body["default"]) == (["city", "enterprise"], "enterprise")
    assert body["tiers"][0] == {"code": "city", "label": "市级"}
    body = api(org.users.alice).get(f"/api/competitions/tiers?organiser_id={org.daoli.pk}").json()
    assert [t["code"] for t in body["tiers"]] == ["enterprise"]
    assert api(org.users.alice).get(f"/api/competitions/tiers?organiser_id={org.qiqihar.pk}").status_code == 404
    body = api(org.users.prov).get("/api/competitions/tiers").json()
    assert ([t["code"] for t in body["tiers"]], body["default"]) == (ALL_TIERS, "enterprise")
    assert api(org.users.charlie).get("/api/competitions/tiers").json() == {
        "organiser_id": None,
        "tiers": [],
        "default": None,
    }


def test_the_province_authorises_an_industrial_union_in_the_data(org, as_user):
    industry = org.users.industry
    with pytest.raises(services.CompetitionError):
        _draft(industry, org.machinery, tier="provincial_2")
    assert as_user(org.users.alice).get("/competitions/tiers/").status_code == 403
    assert as_user(industry).post("/competitions/tiers/", {"union": org.machinery.pk}).status_code == 403

    prov = as_user(org.users.prov)
    response = prov.post(
        "/competitions/tiers/",
        {"union": org.machinery.pk, "highest_tier": "provincial_2", "basis": "黑工发〔2026〕1号 第三条"},
    )
    assert response.status_code == 302
    right = OrganisingRight.objects.get(union=org.machinery)
    assert [h.changes for h in history(right)] == [
        {
            "union_kind": [None, ""],
            "union": [None, "黑龙江省机械冶金建材工会"],
            "highest_tier": [None, "provincial_2"],
            "basis": [None, "黑工发〔2026〕1号 第三条"],
        }
    ]
    page = prov.get("/competitions/tiers/").content.decode()
    assert "黑龙江省机械冶金建材工会" in page and "省级二类" in page
    comp = _draft(industry, org.machinery, tier="provincial_2")
    assert comp.tier == "provincial_2"
    assert [t["code"] for t in api(industry).get("/api/competitions/tiers").json()["tiers"]] == [
        "provincial_2",
        "city",
        "enterprise",
    ]

    # a kind's default is data too: both unions and kinds are edited on the same page
    prov.post("/competitions/tiers/", {"union_kind": "county", "highest_tier": "city"})
    assert OrganisingRight.objects.get(union_kind="county").highest_tier == "city"
    both = prov.post("/competitions/tiers/", {"union_kind": "city", "union": org.harbin.pk, "highest_tier": "city"})
    assert both.context["form"].non_field_errors() == ["请在“一类工会”和“一个工会”中选择其一。"]

    prov.post("/competitions/tiers/", {"remove": right.pk})
    assert not OrganisingRight.objects.filter(union=org.machinery).exists()
    with pytest.raises(services.CompetitionError):
        _draft(industry, org.machinery, tier="provincial_2")


def test_a_labour_competition_opens_and_starts_without_events_or_judges(org):
    """Its units are scored in rounds by the committee (the labour app), not by judges on events."""
    alice = org.users.alice
    competition = _draft(alice, org.harbin)
    Competition.objects.filter(pk=competition.pk).update(kind="labour")
    competition.refresh_from_db()
    for to in (State.REGISTRATION, State.IN_PROGRESS):
        services.transition(actor=alice, scope=Scope(alice), competition=competition, to=to)
    assert Competition.objects.get(pk=competition.pk).state == State.IN_PROGRESS
