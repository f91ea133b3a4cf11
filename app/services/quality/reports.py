"""Test reports (检测报告) arriving from the agencies — through the API with the agency's token
(`Authorization: Agency <token>`, README "Testing supervision"; in JSON, or in XML valid
against quality_report.xsd, published as /api/v1/schemas/quality_report.xsd) or entered
on a page by a quality officer — each naming its samples by code.

A report naming an unknown sample, another project's sample or a sample not commissioned to
this agency is refused with its reason and kept (`ReportRejection`), like device rejections.
An accepted report sent again under the same number with other content is a modification: its
before/after is kept (`ReportRevision`) and flagged for the quality officer. An unqualified
report starts the `quality_handling` case of its project (once per report).
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.body_fields import Fields
from app.errors import AuthenticationError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.safe_xml import XmlProblemsError
from app.infra.uow import transaction
from app.models import (
    REPORT_CONCLUSIONS,
    Project,
    QualityCommission,
    QualityReport,
    QualitySample,
    ReportRejection,
    ReportRevision,
    TestingAgency,
)
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.access.scoping import in_visible_projects, visible_project, visible_project_ids
from app.services.quality import warnings, witness_check
from app.services.quality.handling import start_handling
from app.services.quality.registries import agency_row
from app.services.quality.report_xml import parse_report_xml

ENTERERS = ("district_quality_officer",)
MAX_ITEMS = 50
KEPT_XML_BYTES = 20_000  # of a refused XML body, kept with its refusal


class AgencyTokenError(AuthenticationError):
    """检测机构令牌无效。"""
    code = "agency_token_invalid"


@dataclass(frozen=True)
class ReportOutcome:
    status: str  # accepted | modified | unchanged | rejected
    report_no: str | None
    reason_code: str | None = None
    detail: str | None = None
    handling_instance_id: int | None = None


def authenticate_agency(header: str | None) -> TestingAgency:
    """The agency whose token is in ``Agency <token>``. Raises AgencyTokenError."""
    scheme, _, token = (header or "").partition(" ")
    token = token.strip()
    if scheme != "Agency" or not token:
        raise AgencyTokenError()
    digest = hashlib.sha256(token.encode()).hexdigest()
    agency = db.session.scalar(select(TestingAgency).where(TestingAgency.token_sha256 == digest))
    if agency is None or not hmac.compare_digest(agency.token_sha256, digest):
        raise AgencyTokenError()
    return agency


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """What a report says (compared to find modifications, kept as before/after)."""
    return {k: data[k] for k in ("project_code", "issued_at", "received_at", "conclusion", "sample_codes",
                                 "items") if k in data}


def _shape(data: Any) -> dict[str, Any]:
    f = Fields(data)
    values: dict[str, Any] = {"report_no": f.text("report_no", 64), "project_code": f.text("project_code", 50),
                              "issued_at": f.moment("issued_at"), "received_at": f.moment("received_at",
                                                                                       required=False)}
    conclusion = f.data.get("conclusion")
    if conclusion not in REPORT_CONCLUSIONS:
        f.fail("conclusion", "应为 qualified（合格）或 unqualified（不合格）。")
    codes = f.data.get("sample_codes")
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) and 0 < len(c) <= 40 for c in codes):
        f.fail("sample_codes", "应为至少一个样品编号。")
    items = f.data.get("items", [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS or not all(
            isinstance(i, dict) and all(isinstance(v, str | int | float) for v in i.values()) for i in items):
        f.fail("items", f"应为至多 {MAX_ITEMS} 个检测项目（名称、结果等文本或数值）。")
    f.only({*values, "conclusion", "sample_codes", "items"}, "检测报告")
    f.done()
    return {**values, "conclusion": conclusion, "sample_codes": sorted(set(codes)), "items": items}


def _agency_or_refusal(header: str | None, kept: Any) -> TestingAgency:
    try:
        return authenticate_agency(header)
    except AgencyTokenError:
        db.session.rollback()
        _reject(None, kept, "agency_token_invalid", "令牌缺失、格式错误或未知。")
        raise


def receive_report(header: str | None, data: Any) -> ReportOutcome:
    """A report posted by an agency. Raises AgencyTokenError (the request is recorded as a
    refusal too). A well-authenticated report that breaks a rule comes back `rejected` with its
    reason, and is kept."""
    agency = _agency_or_refusal(header, data)
    return _accept(agency.id, data, source="api", entered_by=agency.name)


def receive_xml_report(header: str | None, body: bytes) -> ReportOutcome:
    """A report posted by an agency in XML (quality_report.xsd): once parsed, exactly the JSON
    path. A body that is too large, unsafe, malformed or invalid comes back `rejected`
    (`report_invalid`, its problems with their lines in `detail`) and is kept. Raises
    AgencyTokenError (recorded as a refusal too)."""
    # NUL cannot be stored in a PostgreSQL JSON value: kept as the replacement character
    kept = {"_xml": body[:KEPT_XML_BYTES].decode("utf-8", "replace").replace("\x00", "\ufffd")}
    agency = _agency_or_refusal(header, kept)
    try:
        data = parse_report_xml(body)
    except XmlProblemsError as exc:
        return _reject(agency.id, kept, "report_invalid", "；".join(exc.problems))
    return _accept(agency.id, data, source="api", entered_by=agency.name)


def enter_report(actor: Actor, agency_id: Any, data: Any) -> ReportOutcome:
    """A report entered on a page by a quality officer for an agency, on a project of his
    jurisdiction. Raises PermissionDeniedError, NotFoundError (agency, project)."""
    require_any_role(actor, *ENTERERS)
    agency = agency_row(agency_id)
    project_code = data.get("project_code") if isinstance(data, dict) else None
    if isinstance(project_code, str) and project_code:
        visible_project(actor, code=project_code)
    return _accept(agency.id, data, source="page", entered_by=actor.username)


def _reject(agency_id: int | None, data: Any, reason: str, detail: str) -> ReportOutcome:
    body = data if isinstance(data, dict) else {"_body": str(data)[:2000]}
    report_no = body.get("report_no") if isinstance(body.get("report_no"), str) else None
    code = body.get("project_code")
    with transaction():
        project_id = db.session.scalar(select(Project.id).where(Project.code == code)) if isinstance(code, str) else None
        db.session.add(ReportRejection(agency_id=agency_id, project_id=project_id,
                                       report_no=(report_no or "")[:64] or None,
                                       reason_code=reason, detail=detail[:500], payload=body,
                                       received_at=wallclock.now()))
    return ReportOutcome("rejected", report_no, reason, detail)


def _accept(agency_id: int, data: Any, *, source: str, entered_by: str) -> ReportOutcome:
    try:
        report = _shape(data)
    except ValidationError as e:
        detail = "；".join(f"{k}：{''.join(v)}" for k, v in sorted(e.fields.items()))
        return _reject(agency_id, data, "report_invalid", detail)
    problem = _sample_problem(agency_id, report)
    if problem is not None:
        return _reject(agency_id, data, *problem)
    with transaction():
        outcome = _store(db.session.get(TestingAgency, agency_id), report, data, source, entered_by)
    return outcome


def _sample_problem(agency_id: int, report: dict[str, Any]) -> tuple[str, str] | None:
    project = db.session.scalar(select(Project).where(Project.code == report["project_code"]))
    if project is None:
        return "project_unknown", f"没有编号为 {report['project_code']} 的工程项目。"
    samples = {s.code: s for s in db.session.scalars(select(QualitySample).where(
        QualitySample.code.in_(report["sample_codes"])))}
    unknown = [c for c in report["sample_codes"] if c not in samples]
    if unknown:
        return "sample_unknown", f"没有编号为 {'、'.join(unknown)} 的见证取样样品。"
    foreign = [c for c, s in samples.items() if s.project_id != project.id]
    if foreign:
        return "sample_other_project", f"样品 {'、'.join(foreign)} 不属于项目 {project.code}。"
    commissioned = set(db.session.scalars(select(QualitySample.code).join(QualityCommission.samples).where(
        QualityCommission.agency_id == agency_id, QualitySample.code.in_(report["sample_codes"]))))
    missing = [c for c in report["sample_codes"] if c not in commissioned]
    if missing:
        return "sample_not_commissioned", f"样品 {'、'.join(missing)} 未委托本检测机构检测。"
    return None


def _jsonable(report: dict[str, Any]) -> dict[str, Any]:
    """The content with its moments in UTC, so that one moment written two ways compares equal."""
    return {k: (v.astimezone(UTC).isoformat() if isinstance(v, datetime) else v)
            for k, v in _content(report).items()}


def _store(agency: TestingAgency, report: dict[str, Any], raw: Any, source: str, entered_by: str) -> ReportOutcome:
    samples = list(db.session.scalars(select(QualitySample).where(QualitySample.code.in_(report["sample_codes"]))))
    project_id = samples[0].project_id
    for sample in samples:
        if report["received_at"] is not None and sample.received_at is None:
            sample.received_at = report["received_at"]
    row = db.session.scalar(select(QualityReport).where(QualityReport.agency_id == agency.id,
                                                     QualityReport.report_no == report["report_no"]))
    now = wallclock.now()
    if row is None:
        row = QualityReport(agency_id=agency.id, project_id=project_id, report_no=report["report_no"],
                         issued_at=report["issued_at"], conclusion=report["conclusion"], items=report["items"],
                         source=source, entered_by=entered_by[:64], received_at=now, samples=samples)
        db.session.add(row)
        status = "accepted"
    else:
        before = _jsonable(_stored(row))
        after = _jsonable(report)
        if before == after:
            return ReportOutcome("unchanged", row.report_no, handling_instance_id=row.handling_instance_id)
        row.history.append(ReportRevision(before=before, after=after, revised_at=now))
        row.revisions += 1
        row.issued_at, row.conclusion, row.items = report["issued_at"], report["conclusion"], report["items"]
        row.project_id, row.samples = project_id, samples
        message = f"{agency.name}的检测报告 {row.report_no} 出具后被修改（第 {row.revisions} 次）。"
        warnings.raise_warning("report_modified", f"{row.id}:{row.revisions}", message,
                               agency_id=agency.id, project_id=project_id)
        warnings.tell_quality_officers(project_id, "检测报告出具后被修改", message + "修改前后内容见检测监管页面。")
        status = "modified"
    db.session.flush()
    warnings.check_report(row)
    witness_check.check_qualified_report(row)
    warnings.check_capacity(agency, wallclock.local_date(row.issued_at))
    if row.conclusion == "unqualified" and row.handling_instance_id is None:
        row.handling_instance_id = start_handling(row)
    return ReportOutcome(status, row.report_no, handling_instance_id=row.handling_instance_id)


def _stored(row: QualityReport) -> dict[str, Any]:
    received = [s.received_at for s in row.samples if s.received_at is not None]
    return {"project_code": db.session.get(Project, row.project_id).code, "issued_at": row.issued_at,
            "received_at": min(received) if received else None, "conclusion": row.conclusion,
            "sample_codes": sorted(s.code for s in row.samples), "items": row.items}


def report_dict(row: QualityReport) -> dict[str, Any]:
    return {"id": row.id, "report_no": row.report_no, "agency_id": row.agency_id, "agency_name": row.agency.name,
            "project_code": db.session.get(Project, row.project_id).code, "issued_at": row.issued_at,
            "conclusion": row.conclusion, "conclusion_label": REPORT_CONCLUSIONS[row.conclusion],
            "sample_codes": [s.code for s in row.samples], "items": row.items, "source": row.source,
            "revisions": row.revisions, "handling_instance_id": row.handling_instance_id,
            "history": [{"before": h.before, "after": h.after, "revised_at": h.revised_at} for h in row.history]}


def _reports(actor: Actor, project_code: str | None, modified_only: bool):
    stmt = in_visible_projects(actor, QualityReport, project_code)
    return stmt.where(QualityReport.revisions > 0) if modified_only else stmt


def list_reports(actor: Actor, project_code: str | None = None, *, modified_only: bool = False,
                 limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Reports of the visible projects (or of one), newest first, a page of them (count_reports
    counts them all). Raises NotFoundError."""
    stmt = (_reports(actor, project_code, modified_only).order_by(QualityReport.id.desc()).limit(limit).offset(offset)
            .options(joinedload(QualityReport.agency), selectinload(QualityReport.samples),
                     selectinload(QualityReport.history)))  # an export's thousands of rows: no lazy load per row
    return [report_dict(r) for r in db.session.scalars(stmt)]


def count_reports(actor: Actor, project_code: str | None = None, *, modified_only: bool = False) -> int:
    """How many reports list_reports pages through. Raises NotFoundError."""
    stmt = _reports(actor, project_code, modified_only)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _rejections(actor: Actor):
    require_any_role(actor, *ENTERERS, "city_official")
    return select(ReportRejection).where(
        ReportRejection.project_id.in_(visible_project_ids(actor)) | ReportRejection.project_id.is_(None))


def list_rejections(actor: Actor, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Refused reports, kept with their reason (the quality stations): those naming a project in
    the actor's scope, and those naming none; a page of them, newest first (count_rejections
    counts them all). Raises PermissionDeniedError."""
    rows = db.session.scalars(_rejections(actor).order_by(ReportRejection.id.desc()).limit(limit).offset(offset))
    return [{"id": r.id, "agency_id": r.agency_id, "report_no": r.report_no, "reason_code": r.reason_code,
             "detail": r.detail, "payload": r.payload, "received_at": r.received_at} for r in rows]


def count_rejections(actor: Actor) -> int:
    """How many refused reports list_rejections pages through. Raises PermissionDeniedError."""
    return db.session.scalar(select(func.count()).select_from(_rejections(actor).subquery())) or 0

