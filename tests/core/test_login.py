import pytest
from django.test import Client

from tests.conftest import PASSWORD, make_user


def _post(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_the_right_password_logs_in(org):
    response = _post(Client(), "charlie", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_passwords_are_argon2(db):
    from django.conf import settings as project_settings
    from django.test import override_settings

    from gongjiang import settings as configured

    with override_settings(PASSWORD_HASHERS=configured.PASSWORD_HASHERS):
        user = make_user("dora")
        assert user.password.startswith("argon2$")
        assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("path", ["/", "/people/workers/", "/orgs/employers/"])
def test_anonymous_is_sent_to_login(db, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_security_headers(org, as_user):
    response = as_user(org.users.alice).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
