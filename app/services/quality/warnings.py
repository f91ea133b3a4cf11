"""Warning reminders (预警提醒) of testing supervision, each raised once (its `key`):

- expired agency certificates, personnel qualifications, equipment calibrations (the daily
  sweep, and at once when a commission is refused for them);
- an agency issuing more reports in a day than its capacity (量能, registries.daily_capacity);
- a report modified more than once after its issue; a report issued before its samples were
  received;
- concrete: an expired producer certificate, a delivery whose weighed net mass does not match
  its volume.

Agency warnings are city-wide (officials see them all); project warnings follow project scope.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import (
    WARNING_KINDS,
    ConcreteProducer,
    Notification,
    OrgUnit,
    Project,
    QualityReport,
    QualityWarning,
    RoleGrant,
    TestingAgency,
    User,
)
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project_ids
from app.services.quality.registries import daily_capacity

REPEATED_REVISIONS = 2


def raise_warning(kind: str, key: str, message: str, *, agency_id: int | None = None,
                  project_id: int | None = None) -> bool:
    """Add the warning unless one with `key` exists (inside the caller's transaction); True
    when it is new."""
    full_key = f"{kind}:{key}"
    if db.session.scalar(select(QualityWarning.id).where(QualityWarning.key == full_key)):
        return False
    db.session.add(QualityWarning(kind=kind, key=full_key, message=message[:500], agency_id=agency_id,
                                  project_id=project_id, created_at=wallclock.now()))
    db.session.flush()
    return True


def _expiry_warnings(agency: TestingAgency, day: date) -> int:
    raised = 0
    if agency.valid_until < day:
        raised += raise_warning("agency_expired", f"{agency.id}:{agency.valid_until}",
                                f"{agency.name}的资质证书 {agency.certificate_no} 已于 "
                                f"{agency.valid_until.isoformat()} 过期，不能接受新的委托。", agency_id=agency.id)
    for person in agency.people:
        if person.valid_until < day:
            raised += raise_warning("person_expired", f"{person.id}:{person.valid_until}",
                                    f"{agency.name}检测人员{person.name}的资格证书 {person.certificate_no} "
                                    f"已于 {person.valid_until.isoformat()} 过期。", agency_id=agency.id)
    for row in agency.equipment:
        if row.calibrated_until < day:
            raised += raise_warning("equipment_expired", f"{row.id}:{row.calibrated_until}",
                                    f"{agency.name}检测设备{row.name}（{row.serial_no}）的检定已于 "
                                    f"{row.calibrated_until.isoformat()} 过期。", agency_id=agency.id)
    return raised


def tell_quality_officers(project_id: int, title: str, body: str) -> int:
    """An in-app message to every active quality officer whose jurisdiction covers the project
    (inside the caller's transaction); returns how many were told."""
    district = db.session.scalar(select(OrgUnit.path).join(Project, Project.district_id == OrgUnit.id)
                                 .where(Project.id == project_id))
    rows = db.session.execute(select(RoleGrant.user_id, OrgUnit.path).join(OrgUnit, OrgUnit.id == RoleGrant.org_unit_id)
                              .join(User, User.id == RoleGrant.user_id)
                              .where(RoleGrant.role_code == "district_quality_officer", User.is_active)).all()
    users = sorted({uid for uid, path in rows if district and path and district.startswith(path)})
    db.session.add_all([Notification(user_id=uid, project_id=project_id, title=title[:200], body=body,
                                     created_at=wallclock.now()) for uid in users])
    return len(users)


def raise_fitness_warnings(agency_id: int) -> int:
    """The expiry warnings of one agency, in their own transaction; returns how many are new."""
    with transaction():
        return _expiry_warnings(db.session.get(TestingAgency, agency_id), wallclock.local_today())


def producer_expiry(producer: ConcreteProducer) -> bool:
    """The expired-certificate warning of a concrete producer (inside the caller's transaction)."""
    return raise_warning("producer_expired", f"{producer.id}:{producer.valid_until}",
                         f"预拌混凝土生产企业{producer.name}的资质证书 {producer.certificate_no} 已于 "
                         f"{producer.valid_until.isoformat()} 过期，不能向工程供应混凝土。")


def sweep_expiries() -> int:
    """The daily sweep: expiry warnings of every agency and concrete producer; returns how
    many are new."""
    day = wallclock.local_today()
    with transaction():
        raised = sum(_expiry_warnings(a, day) for a in db.session.scalars(select(TestingAgency)))
        return raised + sum(producer_expiry(p) for p in db.session.scalars(
            select(ConcreteProducer).where(ConcreteProducer.valid_until < day)))


def check_capacity(agency: TestingAgency, issued_on: date) -> bool:
    """Warn when the agency's reports issued on `issued_on` exceed its capacity that day."""
    issued = db.session.scalar(select(func.count()).select_from(QualityReport).where(
        QualityReport.agency_id == agency.id, QualityReport.issued_at >= wallclock.local_day_start(issued_on),
        QualityReport.issued_at <= wallclock.local_day_end(issued_on)))
    capacity = daily_capacity(agency, issued_on)
    if issued <= capacity:
        return False
    return raise_warning("over_capacity", f"{agency.id}:{issued_on}",
                         f"{agency.name}在 {issued_on.isoformat()} 出具检测报告 {issued} 份，"
                         f"超出其检测能力（每日 {capacity} 份）。", agency_id=agency.id)


def check_report(report: QualityReport) -> None:
    """The warnings one accepted report may raise: repeated modification, issued before received."""
    if report.revisions >= REPEATED_REVISIONS:
        raise_warning("repeated_modification", f"{report.id}:{report.revisions}",
                      f"{report.agency.name}的检测报告 {report.report_no} 出具后已被修改 {report.revisions} 次。",
                      agency_id=report.agency_id, project_id=report.project_id)
    early = [s.code for s in report.samples if s.received_at is not None and report.issued_at < s.received_at]
    if early:
        raise_warning("issued_before_received", f"{report.id}",
                      f"检测报告 {report.report_no} 的出具时间早于样品 {'、'.join(early)} 的收样时间。",
                      agency_id=report.agency_id, project_id=report.project_id)


def _warnings(actor: Actor, kind: str | None):
    scoped = QualityWarning.project_id.in_(visible_project_ids(actor))
    stmt = select(QualityWarning).where(
        or_(scoped, QualityWarning.project_id.is_(None)) if (actor.jurisdiction_paths or actor.is_admin)
        else scoped)
    return stmt.where(QualityWarning.kind == kind) if kind else stmt


def list_warnings(actor: Actor, kind: str | None = None, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Warnings the actor may see, newest first: project ones in his scope, agency-wide ones
    (no project) for officials; a page of them (count_warnings counts them all)."""
    rows = db.session.scalars(_warnings(actor, kind).order_by(QualityWarning.id.desc()).limit(limit).offset(offset))
    return [{"id": w.id, "kind": w.kind, "kind_label": WARNING_KINDS.get(w.kind, w.kind), "message": w.message,
             "agency_id": w.agency_id, "created_at": w.created_at} for w in rows]


def count_warnings(actor: Actor, kind: str | None = None) -> int:
    """How many warnings list_warnings pages through."""
    return db.session.scalar(select(func.count()).select_from(_warnings(actor, kind).subquery())) or 0
