"""`make run` serves as production would: gunicorn with several workers and the task worker, DEBUG
off (the site's own error pages), demo secrets allowed and the 演示环境 banner on every page;
`make dev` keeps Django's reloading server."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dry_run(target: str) -> str:
    done = subprocess.run(  # noqa: S603
        ["make", "-n", "-o", "setup", target],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_make_run_is_gunicorn_with_workers_and_the_task_worker_and_make_dev_reloads():
    run = _dry_run("run")
    assert "export DEBUG=0 DEMO=1" in run
    assert ".venv/bin/gunicorn" in run
    assert "--workers 3" in run
    assert "manage.py db_worker --no-reload" in run
    assert "runserver" not in run
    dev = _dry_run("dev")
    assert "manage.py runserver" in dev
    assert "DEBUG=0" not in dev


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed by make setup")
def test_gunicorn_serves_the_demo_with_debug_off_banner_and_healthz(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DEBUG="0",
        DEMO="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",  # nothing migrated: /healthz says so
        PYTHONDONTWRITEBYTECODE="1",
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603
            [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", "3"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                login = urllib.request.urlopen(f"{base}/login/", timeout=30).read().decode()  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            pytest.fail(log.read_text())
        assert "演示环境" in login
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no-such-page/", timeout=30)  # noqa: S310
        assert missing.value.code == 404
        assert "URLconf" not in missing.value.read().decode()  # the site's page, not Django's debug page
        with pytest.raises(urllib.error.HTTPError) as health:
            urllib.request.urlopen(f"{base}/healthz", timeout=30)  # noqa: S310
        assert health.value.code == 503
        body = json.loads(health.value.read())
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["migrations"]["ok"] is False
        assert body["checks"]["worker"] == {"ok": False, "error": "OperationalError"}
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert log.read_text().count("Booting worker with pid") >= 3


@pytest.mark.django_db
def test_the_banner_shows_in_demo_mode_only(settings):
    settings.DEMO = False
    assert "演示环境" not in Client().get("/login/").content.decode()
    settings.DEMO = True
    assert "演示环境" in Client().get("/login/").content.decode()
