"""Account pages: change your password (forced when somebody else chose it), the admin's account page."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import RoleGrant, User

NEW = "Neu#Pass2027"


def user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def login(site, username: str, password: str):
    client = site.test_client()
    return client, client.post("/login", data={"username": username, "password": password})


def test_change_own_password_with_confirmation_and_policy(browser, site):
    pm = browser("contractor_pm")
    assert 'id="account-password"' in pm.get("/account/password").get_data(as_text=True)
    current = site.config["DEMO_PASSWORD"]
    mismatch = pm.post("/account/password", data={"current_password": current, "new_password": NEW,
                                                  "confirm_password": NEW + "x"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致。" in mismatch.get_data(as_text=True)
    wrong = pm.post("/account/password", data={"current_password": "bad", "new_password": NEW,
                                               "confirm_password": NEW})
    assert wrong.status_code == 422 and "当前密码不正确。" in wrong.get_data(as_text=True)
    weak = pm.post("/account/password", data={"current_password": current, "new_password": "abcdefgh",
                                              "confirm_password": "abcdefgh"})
    assert weak.status_code == 422 and "至少8位" in weak.get_data(as_text=True)
    ok = pm.post("/account/password", data={"current_password": current, "new_password": NEW,
                                            "confirm_password": NEW})
    assert ok.status_code == 302
    assert login(site, "contractor_pm", current)[1].status_code == 401
    assert login(site, "contractor_pm", NEW)[1].status_code == 302


def test_admin_resets_a_password_and_the_user_must_change_it_first(browser, site):
    admin = browser("admin")
    target = user("supervisor")
    page = admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert 'id="account-actions"' in page and "（supervisor）" in page
    reset = admin.post(f"/admin/users/{target.id}/password-reset")
    html = reset.get_data(as_text=True)
    assert reset.status_code == 200 and reset.headers["Cache-Control"] == "no-store"
    one_time = re.search(r'id="one-time-password" class="token" type="text" value="([^"]+)"', html).group(1)
    client, r = login(site, "supervisor", one_time)
    assert r.status_code == 302
    forced = client.get("/inbox")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/account/password")
    assert client.post("/account/password", data={"current_password": one_time, "new_password": NEW,
                                                  "confirm_password": NEW}).status_code == 302
    assert client.get("/inbox").status_code == 200
    assert user("supervisor").password_change_required is False


def test_admin_deactivates_unlocks_and_revokes(browser, site):
    admin = browser("admin")
    target = user("safety_officer")
    member = browser("safety_officer")
    assert member.get("/workbench").status_code == 200
    assert admin.post(f"/admin/users/{target.id}/deactivate").status_code == 302
    assert user("safety_officer").is_active is False
    assert member.get("/workbench").status_code in (302, 401)  # the session no longer counts
    assert "已停用" in admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert admin.post(f"/admin/users/{target.id}/activate").status_code == 302
    assert user("safety_officer").is_active is True

    row = user("tech_lead")
    row.locked_until = datetime.now(UTC) + timedelta(minutes=10)
    db.session.commit()
    assert "已锁定" in admin.get(f"/admin/users/{row.id}").get_data(as_text=True)
    assert admin.post(f"/admin/users/{row.id}/unlock").status_code == 302
    assert user("tech_lead").locked_until is None

    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == target.id))
    assert admin.post(f"/admin/users/{target.id}/revoke-{grant.id}").status_code == 302
    assert db.session.get(RoleGrant, grant.id) is None
    assert admin.post(f"/admin/users/{target.id}/explode").status_code == 404
    own = admin.post(f"/admin/users/{user('admin').id}/deactivate", follow_redirects=True)
    assert "不能停用自己的账号。" in own.get_data(as_text=True)
    assert browser("district_safety").get(f"/admin/users/{target.id}").status_code == 403
    assert browser("district_safety").post(f"/admin/users/{target.id}/password-reset").status_code == 403
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{target.id}" data-account="safety_officer"' in listing
