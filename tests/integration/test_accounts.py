"""Accounts over the API: own password change, admin reset / deactivate / unlock / revoke a role."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, RoleGrant, User
from app.services.access.account_care import generate_password, password_problem

NEW = "Neu#Pass2027"


def user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def token_for(api, username: str, password: str):
    return api.client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_policy_and_generated_passwords() -> None:
    assert password_problem("Demo@2026", "pm") is None
    for weak in ("short1A", "alllowercase1", "ALLUPPER123", "nodigits!!ab"):
        assert password_problem(weak, "pm") is not None, weak
    assert password_problem("Zhang.San1", "zhang.san1") is not None  # the username itself
    assert all(password_problem(generate_password(), "x") is None for _ in range(50))


def test_a_user_changes_his_password_and_his_tokens_end(demo_data, api):
    password = demo_data.config["DEMO_PASSWORD"]
    old_token = api.token("contractor_pm")
    wrong = api.post("/api/v1/auth/password", "contractor_pm",
                     json={"current_password": "nope", "new_password": NEW})
    assert wrong.status_code == 422 and set(wrong.get_json()["error"]["fields"]) == {"current_password"}
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "password_change_failed"))
    weak = api.post("/api/v1/auth/password", "contractor_pm",
                    json={"current_password": password, "new_password": "weakweak"})
    assert weak.status_code == 422 and set(weak.get_json()["error"]["fields"]) == {"new_password"}
    same = api.post("/api/v1/auth/password", "contractor_pm",
                    json={"current_password": password, "new_password": password})
    assert same.status_code == 422
    done = api.post("/api/v1/auth/password", "contractor_pm",
                    json={"current_password": password, "new_password": NEW})
    assert done.status_code == 200, done.get_json()
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {old_token}"}).status_code == 401
    assert token_for(api, "contractor_pm", password).status_code == 401
    assert token_for(api, "contractor_pm", NEW).status_code == 201


def test_admin_reset_gives_a_one_time_password_that_must_be_changed(demo_data, api):
    r = api.post(f"/api/v1/users/{user('supervisor').id}/password-reset", "admin")
    assert r.status_code == 201
    one_time = r.get_json()["data"]["password"]
    issued = token_for(api, "supervisor", one_time)
    assert issued.status_code == 201 and issued.get_json()["meta"]["password_change_required"] is True
    assert user("supervisor").password_change_required is True
    headers = {"Authorization": f"Bearer {issued.get_json()['data']['token']}"}
    changed = api.client.post("/api/v1/auth/password", headers=headers,
                              json={"current_password": one_time, "new_password": NEW})
    assert changed.status_code == 200 and user("supervisor").password_change_required is False
    assert token_for(api, "supervisor", NEW).get_json()["meta"]["password_change_required"] is False
    assert api.post(f"/api/v1/users/{user('supervisor').id}/password-reset", "contractor_pm").status_code == 403


def test_deactivate_unlock_and_revoke_a_role(demo_data, api):
    target = user("safety_officer")
    their_token = api.token("safety_officer")
    off = api.patch(f"/api/v1/users/{target.id}", "admin", json={"active": False})
    assert off.status_code == 200 and off.get_json()["data"]["active"] is False
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {their_token}"}).status_code == 401
    assert token_for(api, "safety_officer", demo_data.config["DEMO_PASSWORD"]).status_code == 401
    assert api.patch(f"/api/v1/users/{target.id}", "admin", json={"active": True}).status_code == 200
    assert token_for(api, "safety_officer", demo_data.config["DEMO_PASSWORD"]).status_code == 201
    assert api.patch(f"/api/v1/users/{user('admin').id}", "admin", json={"active": False}).status_code == 409

    locked = user("tech_lead")
    locked.locked_until = datetime.now(UTC) + timedelta(minutes=10)
    db.session.commit()
    assert api.get(f"/api/v1/users/{locked.id}", "admin").get_json()["data"]["locked"] is True
    assert token_for(api, "tech_lead", demo_data.config["DEMO_PASSWORD"]).status_code == 423
    assert api.post(f"/api/v1/users/{locked.id}/unlock", "admin").get_json()["data"]["locked"] is False
    assert token_for(api, "tech_lead", demo_data.config["DEMO_PASSWORD"]).status_code == 201

    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == target.id))
    assert api.delete(f"/api/v1/users/{target.id}/roles/{grant.id}", "admin").status_code == 200
    assert db.session.get(RoleGrant, grant.id) is None
    gone = api.delete(f"/api/v1/users/{target.id}/roles/{grant.id}", "admin")
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "grant_not_found"
    assert api.get("/api/v1/users/999999", "admin").status_code == 404
    assert api.get(f"/api/v1/users/{target.id}", "district_safety").status_code == 403
