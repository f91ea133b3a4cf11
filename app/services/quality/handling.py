"""The quality handling chain (`processes/quality_handling.bpmn`) of an unqualified report:
the project's PM and chief supervisor are told at once, the district quality officer decides
(re-test, rectification with the quality rectification notice, stop of the affected part) and a
qualified re-test closes it. A concrete batch failing its grade starts the same chain. Started
once per report, inside the report's transaction."""
from __future__ import annotations

from app.extensions import db
from app.models import ConcreteStrengthTest, Project, QualityReport
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
    return _start(report.project_id, start_data(report), "quality_report", report.id)


def batch_start_data(test: ConcreteStrengthTest) -> dict:
    """What the chain starts with for a concrete batch failing its grade: the strength report,
    the delivery as its sample, the mean and minimum against the criterion."""
    delivery = test.delivery
    item = {"name": f"{test.age_days} 天立方体抗压强度", "value": f"平均 {test.mean_mpa} MPa，最小 {test.min_mpa} MPa"
            if test.mean_mpa is not None else "试件组全部无效", "standard": f"{delivery.grade}：{test.rule}",
            "result": "不合格"}
    return {"report_id": test.id, "report_no": test.report_no, "agency_name": test.agency.name,
            "issued_on": test.tested_on.isoformat(), "sample_codes": [delivery.number],
            "materials": f"预拌混凝土 {delivery.grade}（{delivery.producer.name}，{delivery.location}）",
            "failed_items": [item], "failed_summary": f"{item['name']} {item['value']}（{item['standard']}）"}


def start_batch_handling(test: ConcreteStrengthTest) -> int:
    """Start the handling case of a concrete batch failing its grade; returns its instance id."""
    return _start(test.project_id, batch_start_data(test), "concrete_strength_test", test.id)


def _start(project_id: int, data: dict, subject_type: str, subject_id: int) -> int:
    project = db.session.get(Project, project_id)
    return start_child_case(SYSTEM, PROCESS_KEY, None, project, data,
                            title=f"检测不合格处理：{data['report_no']}（{project.name}）",
                            subject_type=subject_type, subject_id=subject_id)
