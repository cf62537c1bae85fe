import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gongjiang.core.checks import production_problems

ROOT = Path(__file__).resolve().parents[2]

GOOD = {
    "DEBUG": "0",
    "SECRET_KEY": "k3-Vq9!zR2#mW8pL0xT5@nB7cY4&hJ6dF1sG9uA2eK0oI8yQ3rZ",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "FIELD_HASH_KEY": "h" * 20 + "ASH-key-0123456789",
    "PUBLIC_BASE_URL": "https://gongjiang.example.org",
}


def _run(env_extra: dict[str, str], code: str | None = None) -> subprocess.CompletedProcess:
    secrets = {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY", "PUBLIC_BASE_URL", "DEMO", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in secrets}
    env.update(env_extra)
    argv = [sys.executable, "manage.py", "check"] if code is None else [sys.executable, "-c", code]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603


def test_refuses_demo_secrets_with_debug_off():
    result = _run({"DEBUG": "0"})
    assert result.returncode != 0
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY", "PUBLIC_BASE_URL"):
        assert f"{name} is the demo value" in result.stderr


def test_starts_with_real_secrets():
    result = _run(GOOD)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("FIELD_ENCRYPTION_KEYS", "", "FIELD_ENCRYPTION_KEYS is empty"),
        ("FIELD_ENCRYPTION_KEYS", "not-a-key", "key number 1 is not a Fernet key"),
        ("FIELD_HASH_KEY", "", "FIELD_HASH_KEY must be at least 32 random characters (got 0)"),
        ("SECRET_KEY", "", "SECRET_KEY must be at least 50 random characters (got 0)"),
        ("SECRET_KEY", "x", "SECRET_KEY must be at least 50 random characters (got 1)"),
        ("PUBLIC_BASE_URL", "http://127.0.0.1:8000/", "PUBLIC_BASE_URL must not end with a slash"),
        ("PUBLIC_BASE_URL", "https://gongjiang.example.org/", "set 'https://gongjiang.example.org'"),
        ("PUBLIC_BASE_URL", "http://127.0.0.1:8000", "PUBLIC_BASE_URL is the demo value"),
    ],
)
def test_refuses_to_start_on_a_bad_secret_and_says_what_to_set(name, value, says):
    result = _run({**GOOD, name: value})
    assert result.returncode != 0
    assert says in result.stderr
    assert "generate one with" in result.stderr or name == "PUBLIC_BASE_URL"


def test_the_demo_runs_with_debug_off_and_the_demo_secrets():
    result = _run({"DEBUG": "0", "DEMO": "1"})
    assert result.returncode == 0, result.stderr
    makefile = (ROOT / "Makefile").read_text()
    assert "DEBUG=0 DEMO=1" in makefile  # `make run` shows the site's error pages


def test_demo_mode_still_refuses_an_empty_secret():
    result = _run({"DEBUG": "0", "DEMO": "1", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50" in result.stderr


def test_problems_are_pure_and_name_each_setting():
    demo = {"SECRET_KEY": "d" * 60, "FIELD_ENCRYPTION_KEYS": "", "FIELD_HASH_KEY": "", "PUBLIC_BASE_URL": ""}
    problems = production_problems(
        secret_key="short",
        field_encryption_keys=f"{Fernet.generate_key().decode()},garbage",
        field_hash_key="z" * 40,
        public_base_url="ftp://x",
        demo=False,
        demo_values=demo,
    )
    assert [p.split(" ")[0].rstrip(":") for p in problems] == ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "PUBLIC_BASE_URL"]
    assert "key number 2" in problems[1]


def test_hsts_on_https_responses_only_with_debug_off():
    code = (
        "import django; django.setup(); from django.test import Client; c = Client();"
        "print('https', c.get('/login/', secure=True).headers.get('Strict-Transport-Security'));"
        "print('http', c.get('/login/').headers.get('Strict-Transport-Security'))"
    )
    env = {**GOOD, "DJANGO_SETTINGS_MODULE": "gongjiang.settings", "ALLOWED_HOSTS": "testserver"}
    result = _run(env, code)
    assert result.returncode == 0, result.stderr
    assert "https max-age=31536000" in result.stdout
    assert "http None" in result.stdout


@pytest.mark.parametrize(("value", "parallel"), [("0", False), ("1", True), (None, True)])
def test_web_processes_plan_no_parallel_query(value, parallel):
    """gunicorn.conf.py sets DATABASE_PARALLEL_QUERY=0 for the web processes; elsewhere the server's setting."""
    env = {"DATABASE_URL": "postgres://nobody@127.0.0.1:5432/none"}
    if value is not None:
        env["DATABASE_PARALLEL_QUERY"] = value
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    result = _run({**env, "DJANGO_SETTINGS_MODULE": "gongjiang.settings"}, code)
    assert result.returncode == 0, result.stderr
    assert "jit=off" in result.stdout
    assert ("max_parallel_workers_per_gather=0" in result.stdout) is not parallel


def test_gunicorn_sets_the_web_processes_apart():
    """Read as gunicorn reads it (in the master, before the workers load the app)."""
    code = (
        "import os, runpy; os.environ.pop('DATABASE_PARALLEL_QUERY', None); runpy.run_path('gunicorn.conf.py'); "
        "print(os.environ['DATABASE_PARALLEL_QUERY'])"
    )
    result = _run({}, code)
    assert result.stdout.strip() == "0", result.stderr
