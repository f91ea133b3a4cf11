"""Downloads of attachments, plan files and notices are audited like writes: who, what, from where."""
from __future__ import annotations

import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import AuditLog
from app.services.access.actors import actor_for
from app.services.casework import attachment_uploads
from tests.integration.emergency_plans.test_emergency_plans import post_plan, site  # noqa: F401  (fixture)
from tests.support.factories import PASSWORD, gen_inbox_task, gen_instance, gen_project, gen_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def downloads() -> list[tuple]:
    db.session.expire_all()
    return [tuple(r) for r in db.session.execute(
        select(AuditLog.username, AuditLog.ip, AuditLog.entity_type, AuditLog.entity_id, AuditLog.after)
        .where(AuditLog.action == "download").order_by(AuditLog.id))]


def test_an_attachment_download_is_audited_and_a_refused_one_is_not(app, api):
    project = gen_project()
    pm = gen_user("contractor_pm", project=project, username="pm")
    gen_user("contractor_pm", project=gen_project(), username="stranger")
    row = gen_inbox_task(gen_instance(project), "contractor_pm")
    stored = attachment_uploads.attach_to_task(actor_for(pm), row.id, FileStorage(io.BytesIO(PNG), "photo.png"))
    api.token("pm", PASSWORD)
    api.token("stranger", PASSWORD)
    r = api.get(f"/api/v1/attachments/{stored.id}", "pm", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert r.status_code == 200 and r.data == PNG
    assert api.get(f"/api/v1/attachments/{stored.id}", "stranger").status_code == 404
    assert downloads() == [("pm", "192.0.2.9", "attachment", str(stored.id), {"filename": "photo.png"})]


def test_a_plan_file_download_is_audited(site, api):  # noqa: F811
    plan_id = post_plan(api, "pm", site["work"].id).get_json()["data"]["id"]
    assert api.get(f"/api/v1/emergency-plans/{plan_id}/file", "official").status_code == 200
    assert downloads() == [("official", "127.0.0.1", "emergency_plan", str(plan_id), {"filename": "预案.pdf"})]
