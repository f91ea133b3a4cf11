"""The quality handling chain (`processes/quality_handling.bpmn`) of an unqualified report:
the project's PM and chief supervisor are told at once, the district quality officer decides
(re-test, rectification with the quality rectification notice, stop of the affected part) and a
qualified re-test closes it. Started once per report, inside the report's transaction."""
from __future__ import annotations

from app.extensions import db
from app.models import Project, QualityReport
from app.services.access.actors import SYSTEM
from app.services.supervision.orders import start_child_case

PROCESS_KEY = "quality_handling"


def start_data(report: QualityReport) -> dict:
    """What the chain starts with: the report, its samples and the failed items."""
    failed = [i for i in report.items if str(i.get("result", "")) in ("不合格", "unqualified")] or report.items
    return {"report_id": report.id, "report_no": report.report_no, "agency_name": report.agency.name,
            "issued_on": report.issued_at.date().isoformat(),
            "sample_codes": [s.code for s in report.samples],
            "materials": "、".join(sorted({s.material for s in report.samples})),
            "failed_items": [{k: str(v) for k, v in i.items()} for i in failed],
            "failed_summary": "；".join(f"{i.get('name', '')} {i.get('value', '')}（{i.get('standard', '')}）"
                                       for i in failed) or "见检测报告"}


def start_handling(report: QualityReport) -> int:
    """Start the handling case of an unqualified report; returns its instance id."""
    project = db.session.get(Project, report.project_id)
    return start_child_case(SYSTEM, PROCESS_KEY, None, project, start_data(report),
                            title=f"检测不合格处理：{report.report_no}（{project.name}）",
                            subject_type="quality_report", subject_id=report.id)
