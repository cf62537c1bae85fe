"""Issue 13 §1: passwords go through the validators on every path; change my password; an admin
resets one and the user must change it; disable an account; the last log-in in 账号管理."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from gongjiang.core.models import User
from gongjiang.orgs.enums import RoleKind
from tests.conftest import PASSWORD, finish_sign_in, make_user

WEAK = ["1234567890", "password12", "aaaaaaaaaa"]


def _login(username: str, password: str) -> Client:
    client = Client()
    client.post("/login/", {"username": username, "password": password})
    return client


@pytest.mark.parametrize("weak", WEAK)
def test_new_account_refuses_a_weak_password(org, as_user, weak):
    client = as_user(org.users.alice)
    response = client.post(
        "/orgs/accounts/",
        {
            "username": "newbie",
            "display_name": "新人",
            "password": weak,
            "union": org.daoli.pk,
            "kind": RoleKind.UNION_ADMIN,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="newbie").exists()
    assert not _login("newbie", weak).session.get("_auth_user_id")


def test_new_account_takes_a_strong_password(org, as_user):
    client = as_user(org.users.alice)
    data = {"username": "newbie", "display_name": "新人", "password": "Kv7-rivet-lathe", "union": org.daoli.pk}
    response = client.post("/orgs/accounts/", {**data, "kind": RoleKind.UNION_ADMIN})
    assert response.status_code == 302
    assert User.objects.get(username="newbie").check_password("Kv7-rivet-lathe")


@pytest.mark.parametrize("weak", WEAK)
def test_change_my_password_refuses_a_weak_one(org, as_user, weak):
    client = as_user(org.users.charlie)
    response = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
    )
    assert response.status_code == 200
    org.users.charlie.refresh_from_db()
    assert org.users.charlie.check_password(PASSWORD)


def test_change_my_password(org, as_user):
    client = as_user(org.users.charlie)
    assert client.get("/account/security/").status_code == 200
    new = "Kv7-rivet-lathe"
    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    assert _login("charlie", new).session.get("_auth_user_id")


def test_admin_resets_a_password_and_the_user_must_change_it(org, as_user):
    admin = as_user(org.users.alice)
    staff = org.users.staff
    weak = admin.post(f"/orgs/accounts/{staff.pk}/password/", {"password": "password12"})
    assert weak.status_code == 200
    response = admin.post(f"/orgs/accounts/{staff.pk}/password/", {"password": "Temp-9rivet-lathe"})
    assert response.status_code == 302
    client = _login("staff", "Temp-9rivet-lathe")
    page = client.get("/people/workers/")
    assert page.status_code == 302
    assert page["Location"].startswith("/account/password/")
    assert "管理员重置了您的密码" in client.get(page["Location"]).content.decode()
    new = "Own-4chosen-words"
    client.post("/account/password/", {"old_password": "Temp-9rivet-lathe", "new_password1": new, "new_password2": new})
    assert client.get("/people/workers/").status_code == 200


def test_admin_cannot_reset_outside_their_reach(org, as_user):
    admin = as_user(org.users.alice)
    for target in (org.users.bob, org.users.prov, org.users.alice):
        assert admin.get(f"/orgs/accounts/{target.pk}/password/").status_code == 404
        assert admin.post(f"/orgs/accounts/{target.pk}/active/", {"active": "0"}).status_code == 404
    assert as_user(org.users.staff).get(f"/orgs/accounts/{org.users.bob.pk}/password/").status_code == 403


def test_disable_an_account(org, as_user):
    admin = as_user(org.users.alice)
    staff_session = as_user(org.users.staff)
    assert staff_session.get("/people/workers/").status_code == 200
    assert admin.post(f"/orgs/accounts/{org.users.staff.pk}/active/", {"active": "0"}).status_code == 302
    assert staff_session.get("/people/workers/").status_code == 302  # the open session ends
    assert not _login("staff", PASSWORD).session.get("_auth_user_id")
    assert "已停用" in admin.get("/orgs/accounts/").content.decode()
    admin.post(f"/orgs/accounts/{org.users.staff.pk}/active/", {"active": "1"})
    assert _login("staff", PASSWORD).session.get("_auth_user_id")


def test_last_login_in_account_management(org, as_user):
    _login("staff", PASSWORD)
    staff = User.objects.get(username="staff")
    page = as_user(org.users.alice).get("/orgs/accounts/").content.decode()
    assert "最近登录" in page
    assert staff.last_login is not None
    from django.utils import timezone

    assert timezone.localtime(staff.last_login).strftime("%Y-%m-%d %H:%M") in page


def test_management_commands_apply_the_validators(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "1234567890")
    with pytest.raises(CommandError):
        call_command("createsuperuser", username="root", email="", interactive=False, verbosity=0)
    assert not User.objects.filter(username="root").exists()


def test_finish_sign_in_helper_verifies_only_admins(org):
    client = Client()
    client.force_login(org.users.charlie)
    finish_sign_in(client, org.users.charlie)
    assert client.get("/").status_code == 200
    user = make_user("cityadmin", org.harbin, RoleKind.UNION_ADMIN)
    plain = Client()
    plain.force_login(user)
    assert plain.get("/").status_code == 302
