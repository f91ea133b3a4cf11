"""Score history of a project and the ranking of a month, scoped to what the actor may see."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import (
    Device,
    DeviceAlarm,
    DeviceOperator,
    HealthCheckScore,
    HealthCheckStandard,
    InboxTask,
    IssuedDocument,
    OrgUnit,
    Project,
    RectificationOrder,
)
from app.models.orders import ORDER_TYPES
from app.services.access.actors import Actor
from app.services.access.scoping import project_filter, visible_project
from app.services.health_check.scoring import PASS_MARK
from app.services.health_check.standards import check_month


def _deductions(score: HealthCheckScore) -> list[dict[str, Any]]:
    return [{"indicator": d.indicator_name, "code": d.indicator_code, "occurrences": d.occurrences,
             "points": d.points, "reason": d.reason, "source_kind": d.source_kind,
             "source_ids": list(d.source_ids)} for d in score.deductions]


def project_history(actor: Actor, code: str) -> dict[str, Any]:
    """Every month's score of one visible project, newest first, with its deductions."""
    project = visible_project(actor, code=code)
    rows = db.session.execute(
        select(HealthCheckScore, HealthCheckStandard.version)
        .join(HealthCheckStandard, HealthCheckStandard.id == HealthCheckScore.standard_id)
        .where(HealthCheckScore.project_id == project.id).order_by(HealthCheckScore.month.desc())).all()
    months = [{"month": s.month, "score": s.score, "below_pass": s.score < PASS_MARK,
               "standard_version": version, "rectification_instance_id": s.rectification_instance_id,
               "report_document_id": s.report_document_id, "deductions": _deductions(s)} for s, version in rows]
    for newer, older in zip(months, months[1:], strict=False):
        newer["change"] = round(newer["score"] - older["score"], 2)
    return {"project": {"id": project.id, "code": project.code, "name": project.name}, "months": months}


def ranking(actor: Actor, month: str, district_id: int | None = None) -> list[dict[str, Any]]:
    """The month's scores of the projects the actor sees, grouped by district (lowest first)."""
    check_month(month)
    stmt = (select(HealthCheckScore.score, HealthCheckScore.rectification_instance_id, Project.id,
                   Project.code, Project.name, OrgUnit.id.label("district_id"),
                   OrgUnit.name.label("district"))
            .join(Project, Project.id == HealthCheckScore.project_id)
            .join(OrgUnit, OrgUnit.id == Project.district_id)
            .where(HealthCheckScore.month == month, project_filter(actor))
            .order_by(OrgUnit.name, HealthCheckScore.score, Project.code))
    if district_id is not None:
        stmt = stmt.where(Project.district_id == district_id)
    districts: dict[int, dict[str, Any]] = {}
    for row in db.session.execute(stmt):
        entry = districts.setdefault(row.district_id, {"district_id": row.district_id,
                                                       "district": row.district, "projects": []})
        entry["projects"].append({"rank": len(entry["projects"]) + 1, "project_id": row.id,
                                  "code": row.code, "name": row.name, "score": row.score,
                                  "below_pass": row.score < PASS_MARK,
                                  "rectification_instance_id": row.rectification_instance_id})
    for entry in districts.values():
        scores = [p["score"] for p in entry["projects"]]
        entry["average"] = round(sum(scores) / len(scores), 2)
        entry["below_pass"] = sum(s < PASS_MARK for s in scores)
        # lowest first is the order the query gave; rank 1 is the best, so renumber from the top
        entry["projects"].sort(key=lambda p: (-p["score"], p["code"]))
        for i, p in enumerate(entry["projects"], 1):
            p["rank"] = i
    return list(districts.values())


def with_sources(history: dict[str, Any]) -> dict[str, Any]:
    """Each deduction's source records as {label, instance_id, device_id} for the page: an alarm
    links to its disposal case (or its device), an order to its case, an operator to his device."""
    deductions = [d for month in history["months"] for d in month["deductions"]]
    found = source_records(deductions)
    reports = [m["report_document_id"] for m in history["months"] if m["report_document_id"]]
    documents = {d.id: d for d in db.session.scalars(select(IssuedDocument).where(IssuedDocument.id.in_(reports)))}
    for month in history["months"]:
        doc = documents.get(month["report_document_id"])
        month["report"] = None if doc is None else {
            "number": doc.number, "pdf_url": f"/api/v1/documents/{doc.id}/pdf" if doc.status == "rendered" else None,
            "docx_url": f"/api/v1/documents/{doc.id}/docx" if doc.status == "rendered" else None}
    for d in deductions:
        d["sources"] = [found[d["source_kind"], i] for i in d["source_ids"] if (d["source_kind"], i) in found]
    return history


def source_records(deductions: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """{(source_kind, id): {label, time, instance_id, device_id}} of the deductions' records."""
    wanted: dict[str, set[int]] = {"alarm": set(), "order": set(), "device_operator": set(), "device": set(),
                                 "task": set()}
    for d in deductions:
        wanted.setdefault(d["source_kind"], set()).update(d["source_ids"])
    found: dict[tuple[str, int], dict[str, Any]] = {}
    if wanted["alarm"]:
        for a in db.session.execute(select(DeviceAlarm.id, DeviceAlarm.first_at, DeviceAlarm.level,
                                           DeviceAlarm.instance_id, DeviceAlarm.device_id, Device.name)
                                    .join(Device, Device.id == DeviceAlarm.device_id)
                                    .where(DeviceAlarm.id.in_(sorted(wanted["alarm"])))):
            local = a.first_at.astimezone(wallclock.LOCAL_TZ)
            found["alarm", a.id] = {"label": f"{a.name}{'报警' if a.level == 'alarm' else '预警'} {local:%m-%d %H:%M}",
                                    "time": local, "instance_id": a.instance_id, "device_id": a.device_id}
    if wanted["order"]:
        for o in db.session.execute(select(RectificationOrder.id, RectificationOrder.order_type,
                                           RectificationOrder.issued_at, RectificationOrder.instance_id)
                                    .where(RectificationOrder.id.in_(sorted(wanted["order"])))):
            local = o.issued_at.astimezone(wallclock.LOCAL_TZ)
            found["order", o.id] = {"label": f"{ORDER_TYPES.get(o.order_type, '整改指令')} {local:%m-%d}",
                                    "time": local, "instance_id": o.instance_id, "device_id": None}
    if wanted["device_operator"]:
        for op in db.session.execute(select(DeviceOperator.id, DeviceOperator.name,
                                            DeviceOperator.certificate_valid_until, DeviceOperator.device_id)
                                     .where(DeviceOperator.id.in_(sorted(wanted["device_operator"])))):
            found["device_operator", op.id] = {
                "label": f"{op.name}（证书有效期至 {op.certificate_valid_until}）", "time": None,
                "instance_id": None, "device_id": op.device_id}
    if wanted["device"]:
        for dev in db.session.execute(select(Device.id, Device.name).where(Device.id.in_(sorted(wanted["device"])))):
            found["device", dev.id] = {"label": dev.name, "time": None, "instance_id": None, "device_id": dev.id}
    if wanted["task"]:
        for t in db.session.execute(select(InboxTask.id, InboxTask.title, InboxTask.due_at, InboxTask.instance_id)
                                    .where(InboxTask.id.in_(sorted(wanted["task"])))):
            local = t.due_at.astimezone(wallclock.LOCAL_TZ)
            found["task", t.id] = {"label": f"{t.title}（{local:%m-%d %H:%M} 到期）", "time": local,
                                   "instance_id": t.instance_id, "device_id": None}
    return found
