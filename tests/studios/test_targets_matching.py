"""Targets counted exactly on a fixed data set, and the matcher's ranking with its reasons."""

import datetime as dt

from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from gongjiang.studios.matching import Doc, rank, tokens
from gongjiang.studios.queries import suggest_studios, target_rows

from . import factories as f


def _alliance(user, union, name, founded):
    return services.create_alliance(
        actor=user,
        scope=Scope(user),
        data=services.AllianceData(
            name=name, level="city", lead_union=union, founded_on=founded, founding_document=f"{name}成立文件"
        ),
    )


def test_targets_count_alliances_per_union_and_province_wide(org, as_user):
    prov, bob = org.users.prov, org.users.bob
    _alliance(prov, org.harbin, "哈尔滨市联盟", dt.date(2025, 3, 1))
    _alliance(prov, org.harbin_employer.union, "锅炉厂联盟", dt.date(2025, 6, 1))  # under Harbin and machinery
    _alliance(prov, org.machinery, "机械冶金联盟", dt.date(2024, 5, 1))
    _alliance(prov, org.qiqihar, "齐齐哈尔联盟", dt.date(2026, 2, 1))
    assert services.set_yearly_targets(actor=prov, scope=Scope(prov), year=2025, alliances=1) == 3
    services.set_target(actor=prov, scope=Scope(prov), union=org.province, year=2025, alliances=50, cumulative=True)
    rows = target_rows(Scope(prov), 2025)
    assert [(r.target.union.name, r.target.alliances, r.achieved, r.met, r.missing) for r in rows] == [
        ("哈尔滨市总工会", 1, 2, True, 0),
        ("齐齐哈尔市总工会", 1, 0, False, 1),
        ("黑龙江省机械冶金建材工会", 1, 1, True, 0),
        ("黑龙江省总工会", 50, 3, False, 47),
    ]
    assert [(r.target.union.name, r.achieved) for r in target_rows(Scope(bob), 2025)] == [("齐齐哈尔市总工会", 0)]
    response = as_user(prov).get("/studios/targets/?year=2025")
    assert response.context["summary"] == {"met": 2, "open": 0, "behind": 2}  # 2025 is over: nothing open
    assert as_user(org.users.charlie).get("/studios/targets/").status_code == 403


def test_tokens_drop_stopwords_and_single_characters():
    # search mode: the industry word 红松种植 and the jieba word 成活率 come with the words inside them
    assert tokens("红松种植中幼苗成活率低的问题") == ["红松", "种植", "红松种植", "幼苗", "成活", "成活率"]


def test_rank_is_bm25_with_reasons_and_ties_by_id():
    docs = [
        Doc(3, [("领域", "林下经济 红松")]),
        Doc(1, [("领域", "红松种植与嫁接育苗"), ("项目“红松果林高效栽培”", "红松果林高效栽培")]),
        Doc(2, [("领域", "重型锻件锻造")]),
        Doc(4, [("领域", "林下经济 红松")]),
    ]
    matches = rank("红松嫁接成活率低", docs)
    assert [m.key for m in matches] == [1, 3, 4]
    assert matches[0].terms == (("嫁接", ("领域",)), ("红松", ("领域", "项目“红松果林高效栽培”")))
    assert matches[1].score == matches[2].score
    assert rank("", docs) == []


def test_suggestions_come_from_the_alliance_members_past_projects(org):
    alice = org.users.alice
    pine = f.studio(alice, org.harbin_employer, "红松育苗创新工作室", "林木育苗", projects=("红松嫁接育苗成活率提升",))
    boiler = f.studio(alice, org.harbin_employer, "锅炉焊接创新工作室", "锅炉焊接")
    poster = f.studio(alice, org.harbin_employer, "林场管护创新工作室", "森林管护")
    alliance = _alliance(alice, org.harbin, "林业联盟", dt.date(2025, 1, 1))
    for s in (pine, boiler, poster):
        services.add_member(actor=alice, scope=Scope(alice), alliance=alliance, studio=s)
    problem = services.post_problem(
        actor=alice,
        scope=Scope(alice),
        alliance=alliance,
        studio=poster,
        data=services.ProblemData(
            title="红松嫁接苗成活率低",
            field="林木育苗",
            description="春季嫁接的红松苗成活率不足六成",
            deadline=dt.date.today() + dt.timedelta(days=60),
        ),
    )
    suggestions = suggest_studios(Scope(alice), problem)
    assert [s.studio for s in suggestions] == [pine]
    terms = dict(suggestions[0].terms)
    assert set(terms) == {"红松", "嫁接", "成活", "成活率", "林木", "育苗"}  # search mode: 成活率 and 成活
    assert any("红松嫁接育苗成活率提升" in source for source in terms["红松"])
