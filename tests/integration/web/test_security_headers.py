"""Security headers on every answer; the session cookie is HTTPS-only when configured so."""
from __future__ import annotations

import pytest

from tests.support.apps import sqlite_app as make_sqlite_app
from tests.support.factories import PASSWORD, gen_user

EXPECTED = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/api/v1/nothing-here", "/healthz",
                                  "/assets/site.css", "/no-such-page"])
def test_every_answer_carries_the_security_headers(sqlite_app, path):
    r = sqlite_app.test_client().get(path)
    assert {k: r.headers.get(k) for k in EXPECTED} == EXPECTED
    csp = dict(d.strip().split(" ", 1) for d in r.headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'" and "Strict-Transport-Security" not in r.headers


def test_pages_have_no_inline_script_or_handler(sqlite_app):
    with sqlite_app.app_context():
        gen_user("sys_admin", username="root")
    client = sqlite_app.test_client()
    assert client.post("/login", data={"username": "root", "password": PASSWORD}).status_code == 302
    html = client.get("/admin/users/1").get_data(as_text=True)
    assert "data-confirm=" in html and "onsubmit" not in html and "<script>" not in html


def test_the_session_cookie_is_secure_over_https(sqlite_template, tmp_path):
    app = make_sqlite_app(sqlite_template, tmp_path, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        gen_user(username="li")
        client = app.test_client()
        r = client.post("/login", data={"username": "li", "password": PASSWORD}, base_url="https://localhost")
        assert r.status_code == 302 and "; Secure" in r.headers["Set-Cookie"]
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
