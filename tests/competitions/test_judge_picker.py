"""The event page's judge picker (issue 17): the drop-down lists a short list (every judge the user may
assign when few; else the judges of the event's occupation, or those found by name, employer or
affiliation); any judge the user may assign is accepted, one outside their pools refused and nothing
written. It listed the first 300 by name and could not reach the others."""

import pytest

from gongjiang.competitions import services
from gongjiang.competitions.models import Assignment, Judge
from gongjiang.core import forms as core_forms
from gongjiang.orgs.scope import Scope
from tests.reach import options

JUDGE_NOT_IN_REACH = "请选择本竞赛可用专家库中尚未选派到本赛项的有效裁判；可在上方按姓名查找。"
HTMX = {"HX-Request": "true"}


def add_judges(pool, n: int, occupation, *, first: int = 1000) -> list[Judge]:
    """``n`` active judges of ``pool`` named 甲裁判01000…, of ``occupation``, written in bulk."""
    judges = Judge.objects.bulk_create(
        Judge(pool=pool, name=f"甲裁判{i:05d}", region_code="230100") for i in range(first, first + n)
    )
    Judge.occupations.through.objects.bulk_create(
        Judge.occupations.through(judge_id=j.pk, occupation_id=occupation.pk) for j in judges
    )
    return judges


@pytest.fixture
def pools(contest):
    """A judge in the Harbin pool (Alice's), one in the Qiqihar pool (Bob's), one in the province's."""

    def judge(user, pool, name):
        return services.add_judge(
            actor=user, scope=Scope(user), pool=pool, name=name, region_code="230100", occupations=[contest.lathe]
        )

    contest.harbin_judge = judge(contest.users.alice, contest.harbin, "哈市裁判王")
    contest.qiqihar_judge = judge(contest.users.bob, contest.qiqihar, "齐市裁判赵")
    contest.province_judge = judge(contest.users.prov, contest.province, "省裁判孙")
    return contest


def test_the_picker_lists_every_judge_the_user_may_assign_when_few(pools, as_user):
    page = as_user(pools.users.alice).get(f"/competitions/events/{pools.harbin_event.pk}/")
    # Harbin's pool and the province's (above it); never Qiqihar's
    assert sorted(options(page.text, "judge")) == sorted([str(pools.harbin_judge.pk), str(pools.province_judge.pk)])
    assert 'name="judge_q"' in page.text


def test_the_picker_stays_short_and_finds_any_judge(pools, as_user, monkeypatch):
    client = as_user(pools.users.alice)
    url = f"/competitions/events/{pools.harbin_event.pk}/"
    welders = add_judges(pools.harbin, 400, pools.welder)
    lathe = add_judges(pools.harbin, 2, pools.lathe, first=5000)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 10)
    # many: the judges of the event's occupation (lathe), not the 400 welders
    listed = options(client.get(url).text, "judge")
    assert sorted(listed) == sorted(str(j.pk) for j in [pools.harbin_judge, pools.province_judge, *lathe])
    monkeypatch.undo()
    # a judge far past the first 300 by name is found as one types (htmx: the drop-down alone)
    found = client.get(url, {"judge_q": "甲裁判01399"}, headers=HTMX)
    assert found.text.startswith("<select") and 'id="assign_judge"' in found.text
    assert options(found.text) == [str(welders[-1].pk)]
    # without script the Find button reloads the page with the term
    assert options(client.get(url, {"judge_q": "甲裁判01398"}).text, "judge") == [str(welders[-2].pk)]
    # and is assigned
    response = client.post(f"{url}judges/", {"judge": welders[-1].pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["已选派甲裁判01399。"]
    assert list(Assignment.objects.filter(event=pools.harbin_event).values_list("judge_id", flat=True)) == [
        welders[-1].pk
    ]
    # once assigned, no longer listed
    assert options(client.get(url, {"judge_q": "甲裁判01399"}, headers=HTMX).text) == []


def test_the_find_box_never_lists_a_judge_outside_the_pools(pools, as_user):
    client = as_user(pools.users.alice)
    url = f"/competitions/events/{pools.harbin_event.pk}/"
    for term in ("齐市裁判赵", "裁判"):
        found = client.get(url, {"judge_q": term}, headers=HTMX)
        assert str(pools.qiqihar_judge.pk) not in options(found.text)
        # nor when sent as the one chosen so far
        kept = client.get(url, {"judge_q": term, "judge": pools.qiqihar_judge.pk}, headers=HTMX)
        assert str(pools.qiqihar_judge.pk) not in options(kept.text)
        assert "齐市裁判赵" not in kept.text


def test_a_judge_outside_the_pools_is_refused_and_nothing_written(pools, as_user):
    client = as_user(pools.users.alice)
    url = f"/competitions/events/{pools.harbin_event.pk}/judges/"
    Judge.objects.filter(pk=pools.province_judge.pk).update(active=False)
    for bad in (pools.qiqihar_judge.pk, pools.province_judge.pk, 10**20, "x"):
        response = client.post(url, {"judge": bad}, follow=True)
        assert [str(m) for m in response.context["messages"]] == [JUDGE_NOT_IN_REACH], bad
    assert not Assignment.objects.filter(event=pools.harbin_event).exists()


def test_only_the_organisers_may_post_a_judge(pools, as_user):
    """Bob reaches the province's event (Qiqihar's worker is entered) but does not organise it."""
    response = as_user(pools.users.bob).post(
        f"/competitions/events/{pools.province_event.pk}/judges/", {"judge": pools.qiqihar_judge.pk}
    )
    assert response.status_code in {403, 404}
    assert not Assignment.objects.exists()
