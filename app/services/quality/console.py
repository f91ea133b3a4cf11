"""The quality console (质量监督统计): test reports, unqualified ones, reports modified after
issue and warnings, per testing agency and per district, counted from the rows themselves in
the reader's scope (reports, strength tests and project warnings of the visible projects;
agency-wide warnings, which name no project, for officials only — as on `/quality`).

A concrete strength test is a report of its agency too: it counts among the reports and, when
the batch fails its grade, among the unqualified ones (it cannot be modified after issue).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select

from app.extensions import db
from app.infra import audit_trail
from app.infra.uow import transaction
from app.infra.xlsx import workbook
from app.models import ConcreteStrengthTest, OrgUnit, Project, QualityReport, QualityWarning, TestingAgency
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project_ids

FIGURES = ("reports", "unqualified", "modified", "warnings")
COLUMNS = [("reports", "检测报告"), ("unqualified", "不合格"), ("modified", "出具后修改"), ("warnings", "预警")]


def _zero() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _report_counts(key: Any, visible: Any) -> list[tuple[Any, int, int, int]]:
    unqualified = func.sum(case((QualityReport.conclusion == "unqualified", 1), else_=0))
    modified = func.sum(case((QualityReport.revisions > 0, 1), else_=0))
    stmt = (select(key, func.count(), unqualified, modified).select_from(QualityReport)
            .join(Project, Project.id == QualityReport.project_id)
            .where(QualityReport.project_id.in_(visible)).group_by(key))
    return [tuple(row) for row in db.session.execute(stmt)]


def _test_counts(key: Any, visible: Any) -> list[tuple[Any, int, int]]:
    unqualified = func.sum(case((ConcreteStrengthTest.conclusion == "unqualified", 1), else_=0))
    stmt = (select(key, func.count(), unqualified).select_from(ConcreteStrengthTest)
            .join(Project, Project.id == ConcreteStrengthTest.project_id)
            .where(ConcreteStrengthTest.project_id.in_(visible)).group_by(key))
    return [tuple(row) for row in db.session.execute(stmt)]


def _add(table: dict, rows_reports: list, rows_tests: list, rows_warnings: list) -> None:
    for key, reports, unqualified, modified in rows_reports:
        row = table[key]
        row["reports"] += reports
        row["unqualified"] += int(unqualified or 0)
        row["modified"] += int(modified or 0)
    for key, tests, unqualified in rows_tests:
        table[key]["reports"] += tests
        table[key]["unqualified"] += int(unqualified or 0)
    for key, warnings in rows_warnings:
        table[key]["warnings"] += warnings


def _by_agency(actor: Actor, visible: Any) -> list[dict[str, Any]]:
    table: dict[int, dict[str, int]] = defaultdict(_zero)
    warnings = db.session.execute(select(QualityWarning.agency_id, func.count()).where(
        _warning_scope(actor, visible), QualityWarning.agency_id.is_not(None)).group_by(QualityWarning.agency_id)).all()
    _add(table, _report_counts(QualityReport.agency_id, visible),
         _test_counts(ConcreteStrengthTest.agency_id, visible), [tuple(w) for w in warnings])
    names = dict(db.session.execute(select(TestingAgency.id, TestingAgency.name)
                                    .where(TestingAgency.id.in_(list(table)))).all())
    return sorted(({"agency_id": key, "agency_name": names[key], **row} for key, row in table.items()),
                  key=lambda r: (-r["unqualified"], -r["reports"], r["agency_name"]))


def _by_district(visible: Any) -> list[dict[str, Any]]:
    table: dict[int, dict[str, int]] = defaultdict(_zero)
    warnings = db.session.execute(select(Project.district_id, func.count()).select_from(QualityWarning)
                                  .join(Project, Project.id == QualityWarning.project_id)
                                  .where(QualityWarning.project_id.in_(visible)).group_by(Project.district_id)).all()
    _add(table, _report_counts(Project.district_id, visible), _test_counts(Project.district_id, visible),
         [tuple(w) for w in warnings])
    names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(list(table)))).all())
    return sorted(({"district_id": key, "district_name": names[key], **row} for key, row in table.items()),
                  key=lambda r: r["district_name"])


def console(actor: Actor) -> dict[str, Any]:
    """The figures per agency and per district with their totals, in the actor's scope.
    `totals.warnings` also counts the agency-wide warnings an official sees (no district)."""
    visible = visible_project_ids(actor)
    agencies = _by_agency(actor, visible)
    districts = _by_district(visible)
    totals = {name: sum(r[name] for r in districts) for name in FIGURES}
    totals["warnings"] = _warning_total(actor, visible)
    return {"agencies": agencies, "districts": districts, "totals": totals}


def _warning_scope(actor: Actor, visible: Any) -> Any:
    """Project warnings of the visible projects; agency-wide ones (no project) for officials."""
    scope = QualityWarning.project_id.in_(visible)
    return scope | QualityWarning.project_id.is_(None) if actor.is_admin or actor.jurisdiction_paths else scope


def _warning_total(actor: Actor, visible: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(QualityWarning)
                             .where(_warning_scope(actor, visible))) or 0


def console_workbook(actor: Actor) -> bytes:
    """The console as xlsx bytes (a sheet per agency and per district); the export is audited."""
    figures = console(actor)
    content = workbook([("按检测机构", figures["agencies"], [("agency_name", "检测机构"), *COLUMNS]),
                        ("按辖区", figures["districts"], [("district_name", "辖区"), *COLUMNS])])
    with transaction(actor):
        audit_trail.record(actor, "export", entity_type="quality_console", entity_id="all")
    return content
