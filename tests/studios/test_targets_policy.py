"""Alliance targets as policy data (studios/data/targets.json): the province's cumulative goal of fifty
alliances by 2025 and every city and industrial union's yearly one, each citing its document and clause;
the page shows progress toward the goal, and a target whose year is not over as open, not behind."""

import datetime as dt

from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import PolicyDocument
from gongjiang.studios import policy_targets, services
from gongjiang.studios.models import Target
from gongjiang.studios.queries import target_rows, target_summary


def _alliance(user, union, name, founded):
    return services.create_alliance(
        actor=user,
        scope=Scope(user),
        data=services.AllianceData(
            name=name, level="city", lead_union=union, founded_on=founded, founding_document=f"{name}成立文件"
        ),
    )


def test_the_policy_file_sets_the_goal_and_the_yearly_targets_citing_their_clauses(org):
    prov = org.users.prov
    assert policy_targets.load(actor=prov, scope=Scope(prov), through=2026) == 1 + 4 * 3  # 2023–2026 × 3 unions
    document = PolicyDocument.objects.get(doc_no="演示〔2021〕12号")
    assert "到2025年底，全省各级劳模和工匠人才创新工作室联盟达到50个以上" in document.full_text
    goal = Target.objects.get(cumulative=True)
    assert (goal.union, goal.year, goal.alliances, goal.document) == (org.province, 2025, 50, "演示〔2021〕12号 第三条")
    yearly = Target.objects.filter(cumulative=False)
    assert sorted({(t.union.name, t.year) for t in yearly}) == sorted(
        (u.name, y) for u in (org.harbin, org.qiqihar, org.machinery) for y in (2023, 2024, 2025, 2026)
    )
    assert {(t.alliances, t.document) for t in yearly} == {(1, "演示〔2021〕12号 第四条")}
    # loading twice changes nothing
    policy_targets.load(actor=prov, scope=Scope(prov), through=2026)
    assert (Target.objects.count(), PolicyDocument.objects.filter(doc_no="演示〔2021〕12号").count()) == (13, 1)


def test_the_goal_stands_on_every_year_with_progress_and_a_target_not_yet_due_is_open(org):
    prov = org.users.prov
    policy_targets.load(actor=prov, scope=Scope(prov), through=2026)
    _alliance(prov, org.harbin, "哈尔滨市联盟", dt.date(2024, 3, 1))
    _alliance(prov, org.machinery, "机械冶金联盟", dt.date(2025, 5, 1))
    _alliance(prov, org.qiqihar, "齐齐哈尔联盟", dt.date(2026, 2, 1))
    document = PolicyDocument.objects.get(doc_no="演示〔2021〕12号")

    def table(year, today):
        return [
            (r.target.union.name, r.target.year, r.target.cumulative, r.achieved, r.status, r.percent)
            for r in target_rows(Scope(prov), year, today=today)
        ]

    # in mid-2024 the 2025 goal is ahead: two in three unions have not formed theirs yet, but may
    assert table(2024, dt.date(2024, 6, 30)) == [
        ("哈尔滨市总工会", 2024, False, 1, "met", 100),
        ("齐齐哈尔市总工会", 2024, False, 0, "open", 0),
        ("黑龙江省机械冶金建材工会", 2024, False, 0, "open", 0),
        ("黑龙江省总工会", 2025, True, 1, "open", 2),
    ]
    # seen in 2026, the 2024 targets and the 2025 goal are over: the unmet ones are behind
    assert [r[4] for r in table(2024, dt.date(2026, 12, 5))] == ["met", "behind", "behind", "behind"]
    # 2026: the goal's year is over; it is shown with what was formed by its end (not the 2026 alliance)
    rows = target_rows(Scope(prov), 2026, today=dt.date(2026, 12, 5))
    assert [(r.target.union.name, r.achieved, r.status) for r in rows] == [
        ("哈尔滨市总工会", 0, "open"),
        ("齐齐哈尔市总工会", 1, "met"),
        ("黑龙江省机械冶金建材工会", 0, "open"),
        ("黑龙江省总工会", 2, "behind"),
    ]
    assert target_summary(rows) == {"met": 1, "open": 2, "behind": 1}
    assert {r.source for r in rows} == {document}
    # Qiqihar sees its own target only, never the province's goal
    bob_rows = target_rows(Scope(org.users.bob), 2026, today=dt.date(2026, 12, 5))
    assert [(r.target.union.name, r.status) for r in bob_rows] == [("齐齐哈尔市总工会", "met")]


def test_the_targets_page_shows_progress_and_links_the_policy_document(org, as_user):
    prov = org.users.prov
    policy_targets.load(actor=prov, scope=Scope(prov), through=2025)
    _alliance(prov, org.harbin, "哈尔滨市联盟", dt.date(2025, 3, 1))
    document = PolicyDocument.objects.get(doc_no="演示〔2021〕12号")
    response = as_user(prov).get("/studios/targets/?year=2025")
    body = response.content.decode()
    assert response.context["summary"] == {"met": 1, "open": 0, "behind": 3}
    assert f'<a href="{document.get_absolute_url()}">演示〔2021〕12号 第三条</a>' in body
    assert 'data-progress="2">2%</div>' in body  # one of fifty
    assert "截至2025年底累计" in body
    assert "1个达标，0个年内待完成，3个滞后。" in body
    assert "已达标" in body and "符合结业条件" not in body
    # the policy document the row links is one the user may open
    assert as_user(prov).get(document.get_absolute_url()).status_code == 200
    assert as_user(org.users.alice).get(document.get_absolute_url()).status_code == 200
