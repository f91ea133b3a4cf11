"""The auth caches of the web server processes (token → actor, session → user) drop an entry on
the very next request after a revocation made by another process on the same database.

Two processes: this test's app makes the changes, a real gunicorn (the server of `make run`,
two worker processes) answers the requests; each check asks several times so that both
workers, which have both cached the account, must see it.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from app.extensions import db
from app.models import ApiToken, RoleGrant, User
from app.services.access import login
from tests.support.apps import build_app, create_schema
from tests.support.factories import PASSWORD, gen_district, gen_project, gen_user
from tests.support.services import create_database, drop_database, free_port

ROOT = Path(__file__).resolve().parents[2]
ASKS = 6  # per check: two workers answer, each must refuse
_PLAIN = urllib.request.build_opener()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request, sqlite_template, tmp_path_factory) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("shared") / "shared.sqlite"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    admin_url = request.getfixturevalue("postgres_url")
    url = create_database(admin_url)
    create_schema(build_app(url, tmp_path_factory.mktemp("schema-instance")))
    yield url
    drop_database(admin_url, url.rsplit("/", 1)[1])


@pytest.fixture
def here(database_url, tmp_path):
    """This process's app on the shared database (the one that makes the changes)."""
    app = build_app(database_url, tmp_path / "here")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory) -> Iterator[str]:
    """A real gunicorn with two workers on the same database."""
    folder = tmp_path_factory.mktemp("there")
    port, log = free_port(), folder / "gunicorn.log"
    env = dict(os.environ, DATABASE_URL=database_url, SITECASE_INSTANCE_DIR=str(folder),
               WEB_WORKERS="2", PYTHONUNBUFFERED="1")
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config=python:app.gunicorn_config",
                                 f"--bind=127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while _status(f"{base}/login") != 200 or log.read_text("utf-8", "replace").count("Booting worker") < 2:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text("utf-8", "replace")
            time.sleep(0.3)
        time.sleep(1.0)  # the second worker listens after its boot line
        yield base
    finally:
        proc.terminate()
        proc.wait(30)


def _status(url: str, token: str | None = None, opener=None) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with (opener or _PLAIN).open(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _statuses(url: str, token: str | None = None, opener=None) -> set[int]:
    return {_status(url, token, opener) for _ in range(ASKS)}


def _contractor():
    district = gen_district()
    project = gen_project(district)
    user = gen_user("contractor_pm", project=project)
    token = login.issue_token(login.actor_for_user_id(user.id, None)).token
    return user.id, project.code, token


def test_a_revoked_token_is_refused_on_the_next_request(here, server):
    user_id, code, token = _contractor()
    url = f"{server}/api/v1/projects/{code}"
    assert _statuses(url, token) == {200}
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(revoked=True))
    db.session.commit()
    assert _statuses(url, token) == {401}


def test_a_removed_grant_hides_the_project_on_the_next_request(here, server):
    user_id, code, token = _contractor()
    url = f"{server}/api/v1/projects/{code}"
    assert _statuses(url, token) == {200}
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == user_id))
    db.session.commit()
    assert _statuses(url, token) == {404}
    assert _statuses(f"{server}/api/v1/me", token) == {200}  # the token itself still holds


def test_a_disabled_user_loses_token_and_session_on_the_next_request(here, server):
    user_id, code, token = _contractor()
    username = db.session.get(User, user_id).username
    browser = _logged_in(server, username)
    assert _statuses(f"{server}/api/v1/me", token) == {200}
    assert _statuses(f"{server}/workbench", opener=browser) == {200}
    db.session.execute(update(User).where(User.id == user_id).values(is_active=False))
    db.session.commit()
    assert _statuses(f"{server}/api/v1/me", token) == {401}
    assert _statuses(f"{server}/api/v1/me", opener=browser) == {401}


def test_a_changed_password_ends_the_session_on_the_next_request(here, server):
    user_id, _code, _token = _contractor()
    user = db.session.get(User, user_id)
    browser = _logged_in(server, user.username)
    assert _statuses(f"{server}/api/v1/me", opener=browser) == {200}
    user.auth_epoch += 1  # what a password change or an administrator's reset does
    db.session.commit()
    assert _statuses(f"{server}/api/v1/me", opener=browser) == {401}


def _logged_in(server: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{server}/login", timeout=30) as answer:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', answer.read().decode()).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": csrf}).encode()
    with opener.open(f"{server}/login", data=body, timeout=30) as answer:
        assert "/login" not in answer.url, "the login failed"
    return opener
