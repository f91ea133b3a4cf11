"""A month's assessment as one xlsx workbook: the two rankings and the per-point detail."""
from __future__ import annotations

from app.infra.xlsx import workbook
from app.services.access.actors import Actor
from app.services.assessment.reads import ranking

SUBJECT_TITLES = {"district": ("下级单位考核排名", "下级单位考核明细", "区县"),
                  "enterprise": ("相关企业考核排名", "相关企业考核明细", "企业")}


def assessment_workbook(actor: Actor, month: str) -> bytes:
    """xlsx bytes of what the actor sees of `month`. Raises like reads.ranking."""
    sheets = []
    details = []
    for subject, (title, detail_title, unit_header) in SUBJECT_TITLES.items():
        rows = ranking(actor, month, subject)
        sheets.append((title, rows, [("rank", "名次"), ("unit", unit_header), ("score", "得分")]))
        detail = [dict(i, unit=r["unit"], rate=_percent(i["rate"]), points=i["points"] if i["points"] is not None
                       else "不适用") for r in rows for i in r["items"]]
        details.append((detail_title, detail, [
            ("unit", unit_header), ("category_label", "考核类别"), ("name", "考核点"), ("measure_label", "考核指标"),
            ("weight", "权重"), ("target", "目标值(%)"), ("numerator", "达标数"), ("denominator", "考核数"),
            ("rate", "完成率"), ("points", "得分")]))
    return workbook(sheets + details)


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate:g}%"
