import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    secrets = {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY", "PUBLIC_BASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in secrets}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_refuses_demo_secrets_with_debug_off():
    result = _check({"DEBUG": "0"})
    assert result.returncode != 0
    assert (
        "demo secrets are in use: SECRET_KEY, FIELD_ENCRYPTION_KEYS, FIELD_HASH_KEY, PUBLIC_BASE_URL" in result.stderr
    )


def test_starts_with_real_secrets():
    from cryptography.fernet import Fernet

    result = _check(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "FIELD_HASH_KEY": "y" * 40,
            "PUBLIC_BASE_URL": "https://gongjiang.example.org",
        }
    )
    assert result.returncode == 0, result.stderr


def test_the_demo_runs_with_debug_off_and_the_demo_secrets():
    result = _check({"DEBUG": "0", "DEMO": "1"})
    assert result.returncode == 0, result.stderr
    makefile = (ROOT / "Makefile").read_text()
    assert "export DEBUG=0 DEMO=1" in makefile  # `make run` shows the site's error pages
