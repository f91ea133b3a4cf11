"""Passwords, lockout, tokens, sessions and CSRF."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, LoginThrottle
from tests.support.apps import sqlite_app as make_sqlite_app
from tests.support.factories import PASSWORD, gen_user


def _token(client, username, password, ip="10.1.2.3"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_token_login_and_me(app):
    gen_user("city_official", username="li", org_unit=None)
    client = app.test_client()
    r = _token(client, "li", PASSWORD)
    assert r.status_code == 201
    token = r.get_json()["data"]["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["data"]
    assert me["username"] == "li" and me["roles"] == ["city_official"]


def test_password_is_stored_as_argon2(app):
    user = gen_user(username="wang")
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash


def test_wrong_password_and_unknown_user_look_the_same(app):
    gen_user(username="zhao")
    client = app.test_client()
    a, b = _token(client, "zhao", "nope"), _token(client, "nobody", "nope")
    assert a.status_code == b.status_code == 401
    assert a.get_json()["error"]["code"] == b.get_json()["error"]["code"] == "login_failed"


def test_five_failures_block_the_address_for_fifteen_minutes(app):
    gen_user(username="sun")
    client = app.test_client()
    codes = [_token(client, "sun", "bad").get_json()["error"]["code"] for _ in range(5)]
    assert codes == ["login_failed"] * 4 + ["account_locked"]
    # even the right password is refused from this address while blocked
    r = _token(client, "sun", PASSWORD)
    assert r.status_code == 423 and r.get_json()["error"]["code"] == "account_locked"
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == "sun"))
    remaining = row.blocked_until - datetime.now(UTC)
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)
    actions = list(db.session.scalars(select(AuditLog.action).where(AuditLog.username == "sun")
                                      .where(AuditLog.action.like("%login%") | (AuditLog.action == "account_locked"))
                                      .order_by(AuditLog.id)))
    assert actions == ["login_failed"] * 5 + ["account_locked", "login_refused_locked"]
    # once the block has run out, the right password works again
    row.blocked_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert _token(client, "sun", PASSWORD).status_code == 201


def test_login_audit_rows_carry_the_ip(app):
    gen_user(username="qian")
    client = app.test_client()
    _token(client, "qian", "bad", ip="192.0.2.7")
    _token(client, "qian", PASSWORD, ip="192.0.2.8")
    rows = db.session.execute(select(AuditLog.action, AuditLog.ip, AuditLog.success)
                              .where(AuditLog.username == "qian", AuditLog.action.like("login%"))
                              .order_by(AuditLog.id)).all()
    assert [tuple(r) for r in rows] == [("login_failed", "192.0.2.7", False), ("login", "192.0.2.8", True)]


def test_invalid_and_expired_tokens_are_refused(app):
    user = gen_user(username="zhou")
    client = app.test_client()
    token = _token(client, "zhou", PASSWORD).get_json()["data"]["token"]
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    from app.models import ApiToken

    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "token_invalid"


def test_disabled_user_cannot_log_in(app):
    gen_user(username="wu", is_active=False)
    assert _token(app.test_client(), "wu", PASSWORD).status_code == 401


def test_web_login_without_csrf_token_is_refused(sqlite_template, tmp_path):
    app = make_sqlite_app(sqlite_template, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        gen_user(username="feng")
        client = app.test_client()
        r = client.post("/login", data={"username": "feng", "password": PASSWORD})
        assert r.status_code == 400 and "csrf_failed" in r.get_data(as_text=True)
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        r = client.post("/login", data={"username": "feng", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 302
        assert client.get("/", follow_redirects=True).status_code == 200  # home redirects by role
        # the API accepts the session for reads, but an unsafe method needs the CSRF header
        assert client.get("/api/v1/me").status_code == 200
        r = client.post("/api/v1/enterprises", json={})
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf_failed"
        db.session.remove()
        db.engine.dispose()


def test_login_page_is_chinese_and_wrong_password_shows_message(app):
    gen_user(username="chen")
    client = app.test_client()
    assert "用户登录" in client.get("/login").get_data(as_text=True)
    r = client.post("/login", data={"username": "chen", "password": "bad"})
    assert r.status_code == 401 and "用户名或密码错误" in r.get_data(as_text=True)


def test_login_redirect_refuses_foreign_urls(app):
    gen_user(username="han")
    client = app.test_client()
    r = client.post("/login?next=//evil.example/x", data={"username": "han", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/"
