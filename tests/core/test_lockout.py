"""Issue 13 §1: one lock-out for every log-in form, on the (account, address) pair, slowing the
account down rather than shutting it, with the client address from a trusted proxy only."""

import datetime as dt

import pytest
from django.test import Client, RequestFactory

from gongjiang.core import lockout
from gongjiang.core.models import LoginFailure, User
from tests.conftest import PASSWORD


def _post(username: str, password: str, ip: str = "10.0.0.1", path: str = "/login/", **headers: str):
    client = Client(REMOTE_ADDR=ip, **headers)
    return client.post(path, {"username": username, "password": password, "next": "/"})


def _age_failures(seconds: int) -> None:
    """Move every recorded failure back in time, as if the attempts were made earlier."""
    for row in LoginFailure.objects.all():
        LoginFailure.objects.filter(pk=row.pk).update(at=row.at - dt.timedelta(seconds=seconds))


@pytest.fixture
def ops(db):
    return User.objects.create_superuser(username="ops", password=PASSWORD, email="")


def test_admin_login_has_the_same_lock_out(ops):
    for _ in range(5):
        response = _post("ops", "wrong", path="/ops/admin/login/")
        assert response.status_code == 200
    assert LoginFailure.objects.filter(username="ops").count() == 5
    response = _post("ops", PASSWORD, path="/ops/admin/login/")
    assert not response.wsgi_request.user.is_authenticated
    assert "尝试次数过多" in response.content.decode()
    assert "分钟" in response.content.decode()


def test_the_pair_is_locked_not_the_account(org):
    for _ in range(5):
        assert _post("alice", "wrong", ip="10.0.0.66").status_code == 200
    _age_failures(10)  # past the account's short slow-down, well inside the pair's lock
    refused = _post("alice", PASSWORD, ip="10.0.0.66")
    assert not refused.wsgi_request.user.is_authenticated
    text = refused.content.decode()
    assert "尝试次数过多，请在 15 分钟后再试。" in text  # how long to wait, in Chinese
    # The real user, from their own address, logs in.
    ok = _post("alice", PASSWORD, ip="10.0.0.7")
    assert ok.status_code == 302
    assert ok.wsgi_request.user.username == "alice"


def test_one_address_does_not_lock_everyone_behind_it(org):
    for n in range(25):
        _post(f"nobody{n}", "wrong", ip="10.0.0.9")
    _age_failures(10)
    response = _post("bob", PASSWORD, ip="10.0.0.9")
    assert response.status_code == 302


def test_the_account_is_slowed_down_progressively_never_shut(org, settings):
    waits = []
    for n in range(12):  # each failure from another address: the pair rule never fires
        lockout.record_failure("alice", f"10.1.0.{n}")
        waits.append(lockout.seconds_to_wait("alice", "10.9.9.9"))
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:9] == [2, 4, 8, 16, 32]  # doubling from the fifth failure
    assert max(waits) == settings.LOGIN_MAX_DELAY_SECONDS == 60  # and no more, however many
    _age_failures(61)
    assert lockout.seconds_to_wait("alice", "10.9.9.9") == 0
    assert _post("alice", PASSWORD, ip="10.9.9.9").status_code == 302
    # While slowed down, an attempt is refused with the wait, without checking the password.
    LoginFailure.objects.all().delete()
    for n in range(6):
        lockout.record_failure("alice", f"10.1.1.{n}")
    response = _post("alice", PASSWORD, ip="10.9.9.8")
    assert not response.wsgi_request.user.is_authenticated
    assert "尝试次数过多，请在 4 秒后再试。" in response.content.decode()


def test_x_forwarded_for_only_from_a_trusted_proxy(settings):
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert lockout.client_ip(forged) == "203.0.113.5"
    settings.TRUSTED_PROXIES = ["192.0.2.10"]
    proxied = factory.get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert lockout.client_ip(proxied) == "198.51.100.7"  # the address the proxy saw, not the forgeable left
    garbled = factory.get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert lockout.client_ip(garbled) == "192.0.2.10"


def test_behind_the_proxy_each_client_has_its_own_pair(org, settings):
    settings.TRUSTED_PROXIES = ["192.0.2.10"]
    for _ in range(5):
        _post("alice", "wrong", ip="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"198.51.100.66"}
    _age_failures(10)
    assert not _post(
        "alice", PASSWORD, ip="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.66"
    ).wsgi_request.user.is_authenticated
    assert _post("alice", PASSWORD, ip="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


def test_success_forgives_only_its_own_address(org):
    _post("alice", "wrong", ip="10.0.0.1")
    _post("alice", "wrong", ip="10.0.0.2")
    _age_failures(10)
    assert _post("alice", PASSWORD, ip="10.0.0.1").status_code == 302
    assert list(LoginFailure.objects.values_list("ip", flat=True)) == ["10.0.0.2"]
