"""The problem page's claim form (issue 17): the claiming studio is a short list (every studio that may
claim when few; else the problem's own alliance's members, or those found by their or their employer's
name); any studio that may claim is accepted, any other refused with a message and nothing written.
For a problem open to every alliance a province official acted for every member studio: 2,855 options
at province scale."""

import datetime as dt

import pytest

from gongjiang.core import forms as core_forms
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from gongjiang.studios.models import Claim, Membership, Problem
from tests.reach import add_studios, options

from . import factories as f

CLAIM_REFUSED = "请选择本工会可代表、仍可揭榜的已命名工作室（问题所在联盟的成员；问题向所有联盟开放时，任一联盟的成员）；可在上方按名称查找。"
HTMX = {"HX-Request": "true"}


def _alliance(user, union, name, studios):
    return services.create_alliance(
        actor=user,
        scope=Scope(user),
        data=services.AllianceData(
            name=name, level="city", lead_union=union, founded_on=dt.date(2025, 4, 1), founding_document="文〔2025〕1号"
        ),
        studios=studios,
    )


@pytest.fixture
def board(org):
    """Harbin's alliance (the poster and a member), Qiqihar's alliance (one studio), a Harbin studio in
    no alliance, and the poster's problem, open to every alliance."""
    alice, bob = org.users.alice, org.users.bob
    org.poster = f.studio(alice, org.harbin_employer, "锅炉焊接创新工作室", "锅炉焊接")
    org.member = f.studio(alice, org.harbin_employer, "管道安装创新工作室", "管道安装")
    org.loner = f.studio(alice, org.harbin_employer, "独立创新工作室", "焊接")
    org.qiqihar_studio = f.studio(bob, org.qiqihar_employer, "齐市焊接创新工作室", "焊接")
    org.alliance = _alliance(alice, org.harbin, "哈尔滨锅炉制造联盟", [org.poster, org.member])
    org.qiqihar_alliance = _alliance(bob, org.qiqihar, "齐齐哈尔机床联盟", [org.qiqihar_studio])
    org.problem = services.post_problem(
        actor=alice,
        scope=Scope(alice),
        alliance=org.alliance,
        studio=org.poster,
        data=services.ProblemData(
            title="锅炉焊缝难题",
            field="焊接",
            description="x",
            deadline=dt.date.today() + dt.timedelta(days=30),
            open_to_all=True,
        ),
    )
    org.url = f"/studios/problems/{org.problem.pk}/"
    return org


def _members(alliance, studios) -> None:
    Membership.objects.bulk_create(
        Membership(alliance=alliance, studio=s, joined_on=dt.date(2025, 5, 1)) for s in studios
    )


def test_the_form_lists_every_studio_that_may_claim_when_few(board, as_user):
    client = as_user(board.users.alice)
    # open to all: the member (not the poster, not a studio in no alliance, never Qiqihar's)
    page = client.get(board.url)
    assert options(page.text, "studio") == [str(board.member.pk)]
    assert f'value="{board.member.pk}" selected' in page.text  # the only one: chosen already
    assert 'name="studio_q"' in page.text
    # the province official acts for Qiqihar's member too
    assert sorted(options(as_user(board.users.prov).get(board.url).text, "studio")) == sorted(
        [str(board.member.pk), str(board.qiqihar_studio.pk)]
    )


def test_the_form_stays_short_and_finds_any_studio_that_may_claim(board, as_user, monkeypatch):
    client = as_user(board.users.alice)
    other = _alliance(board.users.alice, board.harbin, "哈尔滨第二联盟", [])
    many = add_studios(board.harbin_employer, board.harbin_worker, 400)
    _members(other, many)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    # many: the members of the problem's own alliance
    assert options(client.get(board.url).text, "studio") == [str(board.member.pk)]
    monkeypatch.undo()
    found = client.get(board.url, {"studio_q": "甲工作室01399"}, headers=HTMX)
    assert found.text.startswith("<select") and 'id="id_studio"' in found.text
    assert options(found.text) == [str(many[-1].pk)]
    # by the employer's name too; the one chosen so far stays listed
    kept = client.get(board.url, {"studio_q": "锅炉厂", "studio": many[-1].pk}, headers=HTMX)
    assert str(many[-1].pk) in options(kept.text) and f'value="{many[-1].pk}" selected' in kept.text
    # without script the Find button reloads the page with the term
    assert options(client.get(board.url, {"studio_q": "甲工作室01398"}).text, "studio") == [str(many[-2].pk)]
    # the studio found claims the problem
    response = client.post(f"{board.url}claim/", {"studio": many[-1].pk, "plan": "改进焊接工艺"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["揭榜申请已发送给发榜方。"]
    assert list(Claim.objects.values_list("studio_id", flat=True)) == [many[-1].pk]


def test_the_find_box_never_lists_a_studio_the_user_does_not_act_for(board, as_user):
    client = as_user(board.users.alice)
    for term in ("齐市", "工作室"):
        found = client.get(board.url, {"studio_q": term, "studio": board.qiqihar_studio.pk}, headers=HTMX)
        assert str(board.qiqihar_studio.pk) not in options(found.text)
        assert "齐市焊接创新工作室" not in found.text
    # nor the poster itself, nor a studio in no alliance
    found = client.get(board.url, {"studio_q": "创新工作室"}, headers=HTMX)
    assert options(found.text) == [str(board.member.pk)]


def test_a_studio_that_may_not_claim_is_refused_and_nothing_written(board, as_user):
    client = as_user(board.users.alice)
    # Qiqihar's (not Alice's to act for), the poster, one in no alliance, no studio at all
    for bad in (board.qiqihar_studio.pk, board.poster.pk, board.loner.pk, 10**20, "x"):
        response = client.post(f"{board.url}claim/", {"studio": bad, "plan": "越权"}, follow=True)
        assert [str(m) for m in response.context["messages"]] == [CLAIM_REFUSED], bad
    # a problem of Harbin's alliance only: Qiqihar's studio may not claim it, even for the province
    Problem.objects.filter(pk=board.problem.pk).update(open_to_all=False)
    response = as_user(board.users.prov).post(
        f"{board.url}claim/", {"studio": board.qiqihar_studio.pk, "plan": "越权"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [CLAIM_REFUSED]
    assert not Claim.objects.exists()
