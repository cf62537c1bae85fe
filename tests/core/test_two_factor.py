"""Issue 13 §1: TOTP (django-otp) for province and city administrators and operations staff, set up
on the first log-in with a QR code and the secret as text, with single-use recovery codes; other
roles may opt in. These tests log in through the real pages."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongjiang.core.models import User
from gongjiang.orgs.enums import RoleKind
from tests.conftest import PASSWORD, make_user


def code_for(device: TOTPDevice, later: int = 0) -> str:
    """The code the app shows now, or ``later`` 30-second steps from now."""
    return f"{totp(device.bin_key, device.step, device.t0 - later * device.step, device.digits, device.drift):06d}"


def password_step(username: str, path: str = "/login/") -> tuple[Client, object]:
    client = Client()
    response = client.post(path, {"username": username, "password": PASSWORD, "next": "/people/workers/"})
    return client, response


def set_up(client: Client) -> list[str]:
    """Walk the set-up page as a person would; return the recovery codes shown."""
    page = client.get("/account/2fa/setup/?next=/people/workers/")
    text = page.content.decode()
    assert 'id="totp-qr"' in text and "data:image/svg+xml" in text
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', text).group(1)
    device = TOTPDevice.objects.get(user__username=page.wsgi_request.user.username, confirmed=False)
    import base64

    assert base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)) == device.bin_key
    assert client.post("/account/2fa/setup/", {"token": "000000", "next": "/"}).status_code == 200  # wrong
    # django-otp then throttles the device for a second; a person types the next code later than that.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    done = client.post("/account/2fa/setup/", {"token": code_for(device), "next": "/people/workers/"})
    return re.findall(r"<li>([0-9a-z]{6,})</li>", done.content.decode())


@pytest.mark.parametrize("who", ["prov", "alice", "industry"])
def test_administrators_must_set_up_totp_on_first_login(org, who):
    client, response = password_step(who)
    assert response.status_code == 302
    page = client.get("/people/workers/")
    assert page.status_code == 302 and page["Location"].startswith("/account/2fa/setup/")
    assert client.get("/api/workers").status_code in {401, 403}
    codes = set_up(client)
    assert len(codes) == 10
    assert client.get("/people/workers/").status_code == 200


def test_next_log_in_asks_for_a_code_and_a_recovery_code_works_once(org):
    client, _ = password_step("alice")
    codes = set_up(client)
    for attempt in range(2):
        client, _ = password_step("alice")
        assert client.get("/people/workers/")["Location"].startswith("/account/2fa/")
        response = client.post("/account/2fa/", {"token": codes[0], "next": "/people/workers/"})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get("/people/workers/").status_code == 200
        else:
            assert response.status_code == 200  # used up
            assert client.get("/people/workers/").status_code == 302
    device = TOTPDevice.objects.get(user__username="alice")
    # A person types the next code the app shows, past django-otp's one-second throttle after the
    # refused recovery code (the code used at set-up is never accepted twice).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    client, _ = password_step("alice")
    assert client.post("/account/2fa/", {"token": code_for(device, later=1)}).status_code == 302
    assert client.get("/people/workers/").status_code == 200


def test_operations_staff_need_two_factors_at_the_admin_site(db):
    User.objects.create_superuser(username="ops", password=PASSWORD, email="")
    client, response = password_step("ops", "/ops/admin/login/")
    assert response.status_code == 302
    assert client.get("/ops/admin/")["Location"].startswith("/account/2fa/setup/")
    set_up(client)
    assert client.get("/ops/admin/").status_code == 200


def test_other_roles_need_nothing_but_may_opt_in(org):
    client, _ = password_step("staff")
    assert client.get("/people/workers/").status_code == 200
    assert "开启两步验证" in client.get("/account/security/").content.decode()
    set_up(client)
    client, _ = password_step("staff")
    assert client.get("/people/workers/")["Location"].startswith("/account/2fa/")


def test_county_admin_and_enterprise_staff_are_not_required(org):
    make_user("county", org.daoli, RoleKind.UNION_ADMIN)
    client, _ = password_step("county")
    assert client.get("/people/workers/").status_code == 200


def test_demo_shows_the_seeded_code_in_demo_mode_only(org, settings):
    from gongjiang.orgs.demo import seed_demo_device

    seed_demo_device(org.users.alice)
    device = TOTPDevice.objects.get(user=org.users.alice)
    settings.DEMO = False
    client, _ = password_step("alice")
    assert 'id="demo-code"' not in client.get("/account/2fa/").content.decode()
    settings.DEMO = True
    page = client.get("/account/2fa/").content.decode()
    assert f"当前验证码为 {code_for(device)}" in page
