"""Every write is audited with who and from where; the log cannot be changed."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.domain.credit_code import make_credit_code
from app.extensions import db
from app.models import AuditLog
from tests.support.factories import PASSWORD, gen_district, gen_project, gen_user


def _admin(app):
    district = gen_district()
    admin = gen_user("sys_admin", username="root", org_unit=district)
    return district, admin


def test_each_write_is_audited_with_user_and_ip(app, api):
    district, _ = _admin(app)
    project = gen_project(district)
    ip = {"environ_base": {"REMOTE_ADDR": "198.51.100.9"}}
    api.token("root", "Secret#2026")
    r = api.post("/api/v1/enterprises", "root", json={
        "credit_code": make_credit_code("91410100MA40TEWT1"), "name": "测试施工企业", "type": "contractor"}, **ip)
    assert r.status_code == 201, r.get_json()
    r = api.post(f"/api/v1/projects/{project.code}/devices", "root",
                 json={"code": "AUD-1", "device_type": "dust", "name": "扬尘1"}, **ip)
    assert r.status_code == 201, r.get_json()
    rows = db.session.execute(select(AuditLog.entity_type, AuditLog.action, AuditLog.username, AuditLog.ip)
                              .where(AuditLog.action == "create", AuditLog.username == "root")).all()
    assert ("enterprise", "create", "root", "198.51.100.9") in [tuple(r) for r in rows]
    assert ("device", "create", "root", "198.51.100.9") in [tuple(r) for r in rows]
    device_row = db.session.scalar(select(AuditLog).where(AuditLog.entity_type == "device"))
    assert device_row.after["code"] == "AUD-1" and "token_sha256" not in device_row.after
    assert device_row.entity_id is not None


def test_update_keeps_before_and_after(app, api):
    gen_user(username="lu")
    api.client.post("/api/v1/auth/token", json={"username": "lu", "password": PASSWORD})
    row = db.session.scalar(select(AuditLog).where(AuditLog.entity_type == "user_account",
                                                   AuditLog.action == "update"))
    assert row.before["last_login_at"] is None and row.after["last_login_at"] is not None
    assert "password_hash" not in row.after


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
def test_database_refuses_changes_to_the_audit_log(app, statement):
    gen_user(username="ma")
    assert db.session.scalar(select(AuditLog.id)) is not None
    with pytest.raises(DBAPIError):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()


def test_only_auditor_and_admin_read_the_log(app, api):
    district = gen_district()
    gen_user("auditor", username="aud", org_unit=district)
    project = gen_project(district)
    gen_user("contractor_pm", username="pm", project=project)
    r = api.get("/api/v1/audit-log", api.token("aud", "Secret#2026") and "aud")
    assert r.status_code == 200 and r.get_json()["meta"]["total"] > 0
    api.token("pm", "Secret#2026")
    r = api.get("/api/v1/audit-log", "pm")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "role_required"
