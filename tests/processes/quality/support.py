"""The testing-supervision chain's process tests: an unqualified report arrives as an agency
posts it, and the real role users work the `quality_handling` case with its real forms."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import InboxTask, IssuedDocument, OutboxMessage, ProcessInstance
from app.services.notifications import delivery
from app.services.quality import commissions, registries, reports, samples
from app.services.workflow import cases
from tests.integration.quality.support import agency_body, report_body, sample_body
from tests.support.processes import actor, deploy_only, my_task

KEY = "quality_handling"


def unqualified_report(report_no: str = "BG2026-0001") -> int:
    """Register an agency, take and commission a sample, post an unqualified report: the id of
    the handling case it starts."""
    deploy_only((KEY,))
    agency = registries.create_agency(actor("district_quality"), agency_body())
    registries.add_person(actor("district_quality"), agency.id, {
        "name": "李检", "qualification": "检测人员", "certificate_no": "JC-1", "valid_until": "2099-12-31"})
    registries.add_equipment(actor("district_quality"), agency.id, {
        "name": "万能试验机", "serial_no": "WE-1", "calibrated_until": "2099-12-31"})
    code = samples.record_sample(actor("supervisor"), "JS-2026-001", sample_body())
    commissions.create_commission(actor("supervisor"), "JS-2026-001", {"agency_id": agency.id, "sample_codes": [code]})
    outcome = reports.receive_report(f"Agency {agency.token}", report_body(
        [code], report_no=report_no, conclusion="unqualified",
        items=[{"name": "屈服强度", "value": "372 MPa", "standard": "≥400 MPa", "result": "不合格"},
               {"name": "抗拉强度", "value": "590 MPa", "standard": "≥540 MPa", "result": "合格"}]))
    assert outcome.status == "accepted" and outcome.handling_instance_id
    return outcome.handling_instance_id


def complete(username: str, instance_id: int, task_name: str, data: dict[str, Any]) -> None:
    cases.complete_task(actor(username), my_task(username, instance_id, task_name).id, data)


def open_tasks(instance_id: int) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(t.task_name, t.role) for t in db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == instance_id, InboxTask.status == "open").order_by(InboxTask.id))]


def told(instance_id: int) -> dict[str, list[int]]:
    """Who the case's notifications go to, by role."""
    instance = db.session.get(ProcessInstance, instance_id)
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.task_name == "notifications.send")
                              .order_by(OutboxMessage.id))
    return {m.payload["role"]: delivery.recipients(instance, m.payload["role"], None)
            for m in rows if m.payload["instance_id"] == instance_id}


def notices(instance_id: int) -> list[IssuedDocument]:
    return list(db.session.scalars(select(IssuedDocument).where(IssuedDocument.instance_id == instance_id)
                                   .order_by(IssuedDocument.id)))


def status(instance_id: int) -> str:
    db.session.expire_all()
    return db.session.get(ProcessInstance, instance_id).status
