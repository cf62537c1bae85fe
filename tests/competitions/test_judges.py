import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.competitions import services
from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Assignment
from gongjiang.orgs.scope import Scope
from tests.conftest import make_user


@pytest.fixture
def pool(contest):
    """Three lathe judges in the province's pool: one from the Harbin employer (a competitor's own)."""
    prov = contest.users.prov

    def judge(name, employer=None, region="230100"):
        return services.add_judge(
            actor=prov,
            scope=Scope(prov),
            pool=contest.province,
            name=name,
            region_code=region,
            occupations=[contest.lathe],
            employer=employer,
            affiliation="" if employer else "哈尔滨工业大学",
        )

    contest.judge_own = judge("张国庆", contest.harbin_employer)
    contest.judge_a = judge("李建华", region="230600")
    contest.judge_b = judge("周立新", region="231000")
    return contest


def test_a_judge_from_a_competitors_employer_is_refused_with_the_reason(pool):
    prov = pool.users.prov
    with pytest.raises(services.CompetitionError) as info:
        services.assign_judge(actor=prov, scope=Scope(prov), event=pool.province_event, judge=pool.judge_own)
    assert str(info.value) == "张国庆须回避：王铁军代表裁判本人所在单位哈尔滨锅炉厂有限责任公司参赛。"
    assert not Assignment.objects.exists()


def test_region_avoidance_where_the_competition_asks_for_it(pool):
    prov = pool.users.prov
    comp = pool.province_comp
    comp.avoid_same_region = True
    comp.save()
    harbin_judge = services.add_judge(
        actor=prov, scope=Scope(prov), pool=pool.province, name="王振华", region_code="230103", occupations=[pool.lathe]
    )
    with pytest.raises(services.CompetitionError):
        services.assign_judge(actor=prov, scope=Scope(prov), event=pool.province_event, judge=harbin_judge)
    services.assign_judge(actor=prov, scope=Scope(prov), event=pool.province_event, judge=pool.judge_b)


def test_random_draw_never_picks_a_conflicted_judge(pool):
    prov = pool.users.prov
    drawn = services.draw_judges(actor=prov, scope=Scope(prov), event=pool.province_event, count=5)
    assert sorted(a.judge.name for a in drawn) == ["周立新", "李建华"]
    assert all(a.drawn for a in drawn)


def test_one_chief_judge_per_event(pool):
    prov = pool.users.prov
    a = services.assign_judge(actor=prov, scope=Scope(prov), event=pool.province_event, judge=pool.judge_a)
    b = services.assign_judge(actor=prov, scope=Scope(prov), event=pool.province_event, judge=pool.judge_b)
    services.set_chief(actor=prov, scope=Scope(prov), assignment=a)
    services.set_chief(actor=prov, scope=Scope(prov), assignment=b)
    assert list(Assignment.objects.filter(is_chief=True).values_list("judge__name", flat=True)) == ["周立新"]


def test_a_late_entry_from_the_judges_employer_blocks_the_start(pool):
    """Assigned before a conflicting entry: the competition cannot start until the judge steps aside."""
    prov, alice = pool.users.prov, pool.users.alice
    services.assign_judge(actor=prov, scope=Scope(prov), event=pool.harbin_event, judge=pool.judge_a)
    own = services.add_judge(
        actor=alice, scope=Scope(alice), pool=pool.harbin, name="赵德胜", region_code="230100", occupations=[pool.lathe]
    )
    own.employer = pool.harbin_employer
    own.save()
    Assignment.objects.create(event=pool.harbin_event, judge=own, assigned_by=alice)
    with pytest.raises(services.CompetitionError) as info:
        services.transition(actor=alice, scope=Scope(alice), competition=pool.harbin_comp, to=State.IN_PROGRESS)
    assert "赵德胜" in str(info.value)


def test_only_organisers_assign(pool):
    bob = pool.users.bob
    with pytest.raises(PermissionDenied):
        services.assign_judge(actor=bob, scope=Scope(bob), event=pool.province_event, judge=pool.judge_a)


def test_a_judge_sees_only_their_own_assignments(pool, as_user):
    prov = pool.users.prov
    services.assign_judge(actor=prov, scope=Scope(prov), event=pool.province_event, judge=pool.judge_a)
    judge_user = make_user("judge-li")
    pool.judge_a.user = judge_user
    pool.judge_a.save()
    client = as_user(judge_user)
    page = client.get("/competitions/judging/")
    assert [a.event.name for a in page.context["assignments"]] == ["数控车工"]
    # nothing else of the competition: not its page, its entries, nor the judge pool
    assert client.get(f"/competitions/{pool.province_comp.pk}/").status_code == 404
    assert client.get(f"/competitions/events/{pool.province_event.pk}/").status_code == 404
    assert client.get("/competitions/judges/").status_code == 403
    assert client.get("/competitions/").status_code == 403


def test_pages_assign_and_draw(pool, as_user):
    client = as_user(pool.users.prov)
    url = f"/competitions/events/{pool.province_event.pk}/judges/"
    response = client.post(url, {"judge": pool.judge_own.pk}, follow=True)
    assert "须回避" in response.content.decode()
    client.post(url, {"draw": "1", "count": "2"})
    page = client.get(f"/competitions/events/{pool.province_event.pk}/")
    assert sorted(a.judge.name for a in page.context["assignments"]) == ["周立新", "李建华"]
