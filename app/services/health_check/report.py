"""The health-check report (工地体检报告, documents/health_check_report.html) of each scored
project: issued once per project and month from the computed score and its deductions.

Each indicator of the standard is an index weighing its cap (the caps add up to at most 100;
the rest, if any, is one index that deducts nothing), scored 100 × (cap − deducted) / cap, so
the weighted scores add up to the project's score. Each deduction prints with its reason and
the records behind it; the district rank compares the project with every scored project of its
district that month; the first suggestion compares the score with last month's."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.infra.months import previous_month
from app.models import HealthCheckScore, HealthCheckStandard, Project
from app.services.access.actors import SYSTEM
from app.services.health_check.measures import MEASURES
from app.services.health_check.reads import source_records
from app.services.health_check.scoring import for_each_score
from app.services.health_check.standards import MAX_POINTS
from app.services.notices.issuing import issue_notice

TEMPLATE = "health_check_report"
LISTED_SOURCES = 5


def report_fields(score: HealthCheckScore) -> dict[str, Any]:
    """The template's own fields for one score row."""
    standard = db.session.get(HealthCheckStandard, score.standard_id)
    project = db.session.get(Project, score.project_id)
    deducted = {d.indicator_code: d for d in score.deductions}
    indices = []
    for ind in standard.indicators:
        lost = deducted[ind.code].points if ind.code in deducted else 0.0
        indices.append({"name": ind.name, "weight": round(ind.cap / MAX_POINTS, 4),
                        "score": round(100 * (ind.cap - lost) / ind.cap, 2)})
    rest = MAX_POINTS - sum(ind.cap for ind in standard.indicators)
    if rest > 0:
        indices.append({"name": "其他（不扣分）", "weight": round(rest / MAX_POINTS, 4), "score": 100})
    rows = [{"indicator_code": d.indicator_code, "source_kind": d.source_kind, "source_ids": list(d.source_ids)}
            for d in score.deductions]
    records = source_records(rows)
    deductions = []
    for d in score.deductions:
        found = [records[d.source_kind, i] for i in d.source_ids if (d.source_kind, i) in records]
        labels = "、".join(r["label"] for r in found[:LISTED_SOURCES])
        if len(found) > LISTED_SOURCES:
            labels += f"等 {len(found)} 条"
        first = next((r["time"] for r in found if r["time"] is not None), None)
        deductions.append({"index": d.indicator_name, "points": d.points, "alarm": {
            "time": first.isoformat() if first else None,  # aware: the notice prints it in China time
            "type": d.indicator_name, "content": d.reason, "device": labels or "监管平台"}})
    year, mon = score.month.split("-")
    suggestions = [MEASURES[d.indicator_code].suggestion for d in score.deductions if d.indicator_code in MEASURES]
    return {"month": f"{int(year)}年{int(mon)}月", "standard_version": f"{standard.name}（第{standard.version}版）",
            "ranking": _ranking(score, project), "indices": indices, "overall_score": score.score,
            "deductions": deductions,
            "suggestions": _trend(score, previous_month(date(int(year), int(mon), 1)))
            + (suggestions or ["继续保持，落实日常安全管理。"])}


def _trend(score: HealthCheckScore, last_month: str) -> list[str]:
    """Last month's score and whether the project improved (and its rectification case)."""
    last = db.session.scalar(select(HealthCheckScore).where(HealthCheckScore.project_id == score.project_id,
                                                            HealthCheckScore.month == last_month))
    if last is None:
        return []
    year, mon = last_month.split("-")
    change = round(score.score - last.score, 2)
    trend = f"提高 {change:g} 分" if change > 0 else f"下降 {-change:g} 分" if change < 0 else "持平"
    tracked = "，已启动体检整改跟踪" if last.rectification_instance_id else ""
    return [f"上月（{int(year)}年{int(mon)}月）得分 {last.score:g} 分{tracked}；本月较上月{trend}。"]


def _ranking(score: HealthCheckScore, project: Project) -> str:
    in_district = (select(HealthCheckScore.score).join(Project, Project.id == HealthCheckScore.project_id)
                   .where(HealthCheckScore.month == score.month, Project.district_id == project.district_id))
    total = db.session.scalar(select(func.count()).select_from(in_district.subquery()))
    better = db.session.scalar(select(func.count()).select_from(
        in_district.where(HealthCheckScore.score > score.score).subquery()))
    return f"{project.district.name} 第{better + 1}名 / 共{total}个项目"


def issue_reports(month: str) -> int:
    """Issue the report of every project scored for `month` that has none yet; returns how many
    were issued."""
    def issue(score: HealthCheckScore) -> bool:
        if score.report_document_id is not None:
            return False
        document = issue_notice(SYSTEM, TEMPLATE, project=db.session.get(Project, score.project_id),
                                params=report_fields(score))
        score.report_document_id = document.id
        return True
    return for_each_score(month, HealthCheckScore.report_document_id.is_(None), issue)
