"""Rejected device messages: recorded with the project and device they claimed, listed to the
people of that project who answer for its devices.

Every message a device sent that was not stored as a reading is a row here — invalid payloads,
unregistered devices, and on HTTP also bad tokens and bodies that are not JSON. A row names a
project and device only when its topic (or the HTTP token) names a registered device of that
very project; a claim naming another project's device is recorded against the claimed project
alone, so nobody can put rows into a device's history by naming it.

Who sees a row: admins; officials (OFFICIAL_ROLES) whose jurisdiction covers its project; the
contractor PM of its project. Rows of no project (a topic of the wrong shape, an unknown
project) are seen by admins and officials only.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select

from app.errors import PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import bulk_rows
from app.models import Device, OrgUnit, Project, RejectedMessage
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.access.projects import Page

OFFICIAL_ROLES = frozenset({"city_official", "district_safety_officer", "district_quality_officer",
                            "district_leader", "urging_clerk", "auditor"})
PM_ROLE = "contractor_pm"
# Reason codes in words for people (English in app/translations); the API also gives the code.
REASONS: dict[str, str] = {
    "not_json": "内容不是有效的 JSON",
    "not_object": "内容不是 JSON 对象",
    "missing_field": "缺少必填字段",
    "wrong_type": "字段类型或格式错误",
    "unknown_device_type": "未知的设备类型",
    "unknown_metric": "该类设备没有此监测项",
    "topic_mismatch": "主题与内容不一致",
    "future_timestamp": "采集时间在未来",
    "stale_timestamp": "采集时间过早",
    "naive_timestamp": "采集时间缺少时区",
    "out_of_range": "数值超出物理范围",
    "payload_too_large": "内容过大",
    "bad_topic": "主题格式错误",
    "unknown_device": "设备未登记",
    "device_type_mismatch": "设备类型与登记不符",
    "device_project_mismatch": "设备不属于该项目",
    "device_inactive": "设备已停用",
    "token_device_mismatch": "令牌与设备不符",
    "device_token_invalid": "设备令牌无效",
    "bad_body": "请求内容无效",
    "xml_invalid": "XML 内容无效或不符合架构",
}


@dataclass(frozen=True)
class RejectionFilter:
    project_code: str | None = None
    reason: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def reason_label(code: str) -> str:
    return REASONS.get(code, "其他原因")


def record_rejections(rows: Sequence[dict[str, Any]], *, device: Device | None = None) -> None:
    """Insert rejection rows (topic, reason_code, detail, raw, source, received_at) inside the
    caller's transaction, each attributed to ``device`` (an authenticated sender) or else to
    what its topic claims."""
    if not rows:
        return
    claims = _claimed([r["topic"] for r in rows]) if device is None else {}
    out = []
    for row in rows:
        project_id, device_id = (device.project_id, device.id) if device is not None \
            else claims.get(row["topic"], (None, None))
        out.append({**row, "topic": row["topic"][:300], "detail": row["detail"][:500],
                    "project_id": project_id, "device_id": device_id})
    bulk_rows.insert_rows(RejectedMessage.__table__, out)


def _claimed(topics: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
    """topic → (project id, device id) for topics ``sitecase/<project>/<type>/<device>/<kind>``."""
    parts = {t: t.split("/") for t in set(topics)}
    parts = {t: (p[1], p[3]) for t, p in parts.items() if len(p) == 5 and p[0] == "sitecase"}
    if not parts:
        return {}
    projects = dict(db.session.execute(select(Project.code, Project.id).where(
        Project.code.in_({p for p, _ in parts.values()}))).all())
    devices = {code: (pid, did) for code, pid, did in db.session.execute(
        select(Device.code, Device.project_id, Device.id).where(
            Device.code.in_({d for _, d in parts.values()})))}
    out = {}
    for topic, (project_code, device_code) in parts.items():
        project_id = projects.get(project_code)
        owner, device_id = devices.get(device_code, (None, None))
        out[topic] = (project_id, device_id if owner is not None and owner == project_id else None)
    return out


def list_rejections(actor: Actor, flt: RejectionFilter, *, limit: int = 50, offset: int = 0) -> Page:
    """Rejected messages the actor may see, newest first; items are plain dicts.

    Raises PermissionDeniedError(`rejections_denied`) for an actor who may see none
    (see may_list), ValidationError (unknown reason), NotFoundError(`project_not_found`) for a
    project filter naming a project the actor cannot see.
    """
    if not may_list(actor):
        raise PermissionDeniedError("没有查看设备拒收记录的权限。", code="rejections_denied")
    if flt.reason and flt.reason not in REASONS:
        raise ValidationError(fields={"reason": ["原因无效。"]})
    stmt = (select(RejectedMessage, Project.code, Device.code)
            .outerjoin(Project, Project.id == RejectedMessage.project_id)
            .outerjoin(Device, Device.id == RejectedMessage.device_id)
            .where(_visible(actor)))
    if flt.project_code:
        stmt = stmt.where(RejectedMessage.project_id ==
                          scoping.visible_project(actor, code=flt.project_code).id)
    if flt.reason:
        stmt = stmt.where(RejectedMessage.reason_code == flt.reason)
    if flt.since:
        stmt = stmt.where(RejectedMessage.received_at >= flt.since)
    if flt.until:
        stmt = stmt.where(RejectedMessage.received_at <= flt.until)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.order_by(RejectedMessage.received_at.desc(),
                                            RejectedMessage.id.desc()).limit(limit).offset(offset))
    return Page([_view(row, project_code, device_code) for row, project_code, device_code in rows], total)


def may_list(actor: Actor) -> bool:
    """Whether the actor may see any rejection at all (officials, admins, project PMs)."""
    return actor.is_admin or bool(_official_paths(actor) or _pm_projects(actor))


def _official_paths(actor: Actor) -> set[str]:
    return {g.org_path for g in actor.grants if g.role in OFFICIAL_ROLES and g.org_path}


def _pm_projects(actor: Actor) -> set[int]:
    return {g.project_id for g in actor.grants if g.role == PM_ROLE and g.project_id is not None}


def _visible(actor: Actor) -> ColumnElement[bool]:
    if actor.is_admin:
        return RejectedMessage.id.isnot(None)
    clauses = []
    paths = _official_paths(actor)
    if paths:
        districts = select(OrgUnit.id).where(or_(*(OrgUnit.path.startswith(p) for p in paths)))
        clauses.append(RejectedMessage.project_id.is_(None))
        clauses.append(RejectedMessage.project_id.in_(
            select(Project.id).where(Project.district_id.in_(districts))))
    if pm := _pm_projects(actor):
        clauses.append(RejectedMessage.project_id.in_(sorted(pm)))
    return or_(*clauses) if clauses else false()


def _view(row: RejectedMessage, project_code: str | None, device_code: str | None) -> dict[str, Any]:
    return {"id": row.id, "received_at": row.received_at, "source": row.source, "topic": row.topic,
            "project_code": project_code, "device_id": row.device_id, "device_code": device_code,
            "reason_code": row.reason_code, "reason_label": reason_label(row.reason_code),
            "detail": row.detail,
            "payload_excerpt": row.raw}
