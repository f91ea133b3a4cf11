"""Sessions and tokens end together; failed logins back off per (username, source address)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import LoginThrottle, User
from tests.support.factories import PASSWORD, gen_district, gen_user

NEW = "Neu#Pass2027"


def _token(client, username, password, ip="10.0.0.1"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def _web(app, username, password=PASSWORD):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": password}).status_code == 302
    return client


def _logged_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def _admin(app):
    gen_user("sys_admin", username="root", org_unit=gen_district())
    return {"Authorization": f"Bearer {_token(app.test_client(), 'root', PASSWORD).get_json()['data']['token']}"}


def _throttle(username, ip) -> LoginThrottle:
    db.session.expire_all()
    return db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == username,
                                                         LoginThrottle.ip == ip))


def test_guessing_blocks_only_the_guessing_address_and_backs_off(app):
    gen_user(username="sun")
    client = app.test_client()
    answers = [_token(client, "sun", "bad") for _ in range(5)]
    assert [r.get_json()["error"]["code"] for r in answers] == ["login_failed"] * 4 + ["account_locked"]
    assert answers[-1].status_code == 423 and "15" in answers[-1].get_json()["error"]["message"]
    assert _token(client, "sun", PASSWORD).status_code == 423  # this address waits, even when right
    assert _token(client, "sun", PASSWORD, ip="10.0.0.2").status_code == 201  # the owner elsewhere does not
    # the block runs out; the next failure from the same address doubles the wait
    row = _throttle("sun", "10.0.0.1")
    row.blocked_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    again = _token(client, "sun", "bad")
    assert again.status_code == 423 and "30" in again.get_json()["error"]["message"]
    blocked = _throttle("sun", "10.0.0.1").blocked_until - datetime.now(UTC)
    assert timedelta(minutes=29) < blocked <= timedelta(minutes=30)
    # a success from that address forgets its failures
    row = _throttle("sun", "10.0.0.1")
    row.blocked_until = None
    db.session.commit()
    assert _token(client, "sun", PASSWORD).status_code == 201
    assert _throttle("sun", "10.0.0.1") is None


def test_unknown_disabled_and_wrong_answer_alike_locked_or_not(app):
    gen_user(username="zhao")
    gen_user(username="wu", is_active=False)
    client = app.test_client()
    for name in ("zhao", "nobody", "wu"):
        answers = [_token(client, name, "nope", ip=f"10.1.0.{len(name)}") for _ in range(7)]
        seen = [(r.status_code, r.get_json()["error"]["code"], r.get_json()["error"]["message"]) for r in answers]
        assert seen[:4] == [(401, "login_failed", "用户名或密码错误。")] * 4, name
        assert all(s[:2] == (423, "account_locked") for s in seen[4:]), name
        assert seen[4][2] == seen[5][2], name


def test_an_unlock_forgets_every_blocked_address(app):
    target = gen_user(username="qian")
    headers = _admin(app)
    client = app.test_client()
    for _ in range(5):
        _token(client, "qian", "bad", ip="10.2.0.1")
    assert client.get(f"/api/v1/users/{target.id}", headers=headers).get_json()["data"]["locked"] is True
    assert client.post(f"/api/v1/users/{target.id}/unlock", headers=headers).status_code == 200
    assert _token(client, "qian", PASSWORD, ip="10.2.0.1").status_code == 201


def test_a_locked_accounts_tokens_and_sessions_stop_working(app):
    user = gen_user(username="feng")
    client = app.test_client()
    token = _token(client, "feng", PASSWORD).get_json()["data"]["token"]
    web = _web(app, "feng")
    user = db.session.get(User, user.id)
    user.locked_until = datetime.now(UTC) + timedelta(minutes=10)
    db.session.commit()
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "token_invalid"
    assert not _logged_in(web)
    # the lock is told only to whoever holds the right password
    assert _token(client, "feng", "bad").get_json()["error"]["code"] == "login_failed"
    assert _token(client, "feng", PASSWORD).get_json()["error"]["code"] == "account_locked"


def test_own_password_change_ends_the_other_sessions_and_every_token(app):
    gen_user(username="chen")
    token = _token(app.test_client(), "chen", PASSWORD).get_json()["data"]["token"]
    here, elsewhere = _web(app, "chen"), _web(app, "chen")
    r = here.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW,
                                              "confirm_password": NEW})
    assert r.status_code == 302
    assert _logged_in(here) and not _logged_in(elsewhere)
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_reset_and_deactivation_end_sessions_and_reactivation_revives_none(app):
    target = gen_user(username="han")
    headers = _admin(app)
    admin = app.test_client()
    reset_victim = _web(app, "han")
    assert admin.post(f"/api/v1/users/{target.id}/password-reset", headers=headers).status_code == 201
    assert not _logged_in(reset_victim)

    new_password = admin.post(f"/api/v1/users/{target.id}/password-reset", headers=headers).get_json()["data"]["password"]
    web = _web(app, "han", new_password)
    token = _token(admin, "han", new_password).get_json()["data"]["token"]
    assert admin.patch(f"/api/v1/users/{target.id}", headers=headers, json={"active": False}).status_code == 200
    assert not _logged_in(web)
    assert admin.patch(f"/api/v1/users/{target.id}", headers=headers, json={"active": True}).status_code == 200
    assert not _logged_in(web)
    assert admin.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _logged_in(_web(app, "han", new_password))  # a new login works again


def test_a_bearer_request_is_the_tokens_alone_and_sets_no_cookie(app):
    """An API request with a bearer token gets no cookie session: a browser's session cookie
    sent beside it neither decides who calls nor comes back refreshed (the token does)."""
    gen_user("contractor_pm", username="tian")
    gen_user("contractor_pm", username="wu")
    browser = _web(app, "wu")
    token = _token(app.test_client(), "tian", PASSWORD).get_json()["data"]["token"]
    answer = browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.get_json()["data"]["username"] == "tian"
    assert answer.headers.getlist("Set-Cookie") == []
    assert browser.get("/api/v1/me").get_json()["data"]["username"] == "wu"  # the cookie alone: still his
    assert _logged_in(browser)
    # … because the bearer request opens no cookie session at all (Flask's null session): its
    # view sees none of the cookie's keys, and writing one fails instead of reaching the browser.
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}
    with app.test_request_context("/api/v1/me", headers={**headers, "Authorization": f"Bearer {token}"}):
        from flask import session

        assert "_user_id" not in session
        with pytest.raises(RuntimeError):
            session["x"] = 1
    with app.test_request_context("/api/v1/me", headers=headers):
        from flask import session

        assert "_user_id" in session  # the same cookie without a token: his session
    # A bad token beside his good cookie is refused, not carried by the cookie.
    refused = browser.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "token_invalid"


def test_a_new_secret_key_ends_the_sessions_signed_with_the_old_one(app):
    """The session's signing serializer is kept per key set: replacing SECRET_KEY signs every
    browser out at once; with the old key among SECRET_KEY_FALLBACKS they stay signed in."""
    gen_user(username="zhao")
    cookie = _web(app, "zhao").get_cookie(app.config["SESSION_COOKIE_NAME"]).value

    def signed_in() -> bool:  # a browser holding the cookie as the login answer set it
        browser = app.test_client()
        browser.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        return _logged_in(browser)

    old = app.config["SECRET_KEY"]
    try:
        assert signed_in()
        app.secret_key = app.config["SECRET_KEY"] = "another-secret-key-of-this-deployment"
        assert not signed_in()
        app.config["SECRET_KEY_FALLBACKS"] = [old]
        assert signed_in()
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert not signed_in()
    finally:
        app.secret_key = app.config["SECRET_KEY"] = old
        app.config["SECRET_KEY_FALLBACKS"] = []
    assert signed_in()
