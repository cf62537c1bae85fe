"""Naming studios in bulk from the list: each application checked and audited on its own, the
outcome lists each one, and one that falls short does not stop the others."""

from gongjiang.core.audit import history
from gongjiang.studios.models import Studio
from tests.studios import factories as f


def test_name_three_at_once_one_short_of_a_team(org, as_user):
    alice = org.users.alice
    ready = [f.studio(alice, org.harbin_employer, f"申报工作室{n}", "焊接", named=False) for n in range(2)]
    short = f.studio(alice, org.harbin_employer, "人手不足工作室", "焊接", named=False, team=2)
    client = as_user(alice)
    page = client.get("/studios/?state=applied")
    assert page.content.decode().count('name="ids"') == 3
    ids = [s.pk for s in [*ready, short]]
    response = client.post("/studios/decide/", {"ids": ids, "verdict": "accept", "note": "2026年第一批"})
    outcomes = response.context["outcomes"]
    assert [(o.label, o.done) for o in outcomes] == [
        ("申报工作室0", True),
        ("申报工作室1", True),
        ("人手不足工作室", False),
    ]
    assert outcomes[2].reason == "工作室不能命名：有团队：现有2人，至少需要3人。"
    assert dict(Studio.objects.filter(pk__in=ids).values_list("name", "state")) == {
        "申报工作室0": "named",
        "申报工作室1": "named",
        "人手不足工作室": "applied",
    }
    for s in ready:
        assert history(s).filter(action="update", note="2026年第一批").count() == 1


def test_rejecting_needs_a_reason_and_outsiders_touch_nothing(org, as_user):
    alice, bob = org.users.alice, org.users.bob
    studio = f.studio(alice, org.harbin_employer, "待定工作室", "焊接", named=False)
    response = as_user(alice).post("/studios/decide/", {"ids": [studio.pk], "verdict": "reject"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["请说明不通过的理由。"]
    response = as_user(bob).post("/studios/decide/", {"ids": [studio.pk], "verdict": "accept", "note": ""})
    assert [o.reason for o in response.context["outcomes"]] == ["未找到，或不由您决定。"]
    assert "待定工作室" not in response.content.decode()
    studio.refresh_from_db()
    assert studio.state == "applied"
    assert as_user(org.users.staff).post("/studios/decide/", {"ids": [studio.pk]}).status_code == 403
