"""The concrete deliveries and their strength tests as an xlsx workbook (Chinese headers, no
codes); each export is written to the audit log."""
from __future__ import annotations

from typing import Any

from app.infra import audit_trail, wallclock
from app.infra.uow import transaction
from app.infra.xlsx import refuse_too_large, workbook
from app.services.access.actors import Actor
from app.services.quality.concrete import count_deliveries, list_deliveries

DELIVERY_COLUMNS = [("number", "供货编号"), ("project_name", "工程名称"), ("producer_name", "生产企业"),
                    ("grade", "强度等级"), ("volume_m3", "方量（m³）"), ("location", "浇筑部位"),
                    ("delivered_at", "进场时间"), ("vehicle_plate", "车牌号"), ("weighbridge_no", "过磅单号"),
                    ("gross_kg", "毛重（kg）"), ("tare_kg", "皮重（kg）"), ("net_kg", "净重（kg）"),
                    ("density", "折合密度（t/m³）"), ("verdict_label", "强度结论"), ("recorded_by", "记录人")]
MAX_ROWS = 50_000  # one workbook; more is refused, never cut short
TEST_COLUMNS = [("number", "供货编号"), ("project_name", "工程名称"), ("grade", "强度等级"),
                ("agency_name", "检测机构"), ("report_no", "报告编号"), ("age_days", "龄期（天）"),
                ("tested_on", "检测日期"), ("groups", "试件强度（MPa）"), ("mean_mpa", "平均值（MPa）"),
                ("min_mpa", "最小值（MPa）"), ("rule", "评定标准"), ("conclusion_label", "结论")]


def _test_rows(deliveries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**t, "number": d["number"], "project_name": d["project_name"], "grade": d["grade"],
             "groups": "；".join("、".join(f"{v:g}" for v in g) for g in t["groups"])}
            for d in deliveries for t in d["tests"]]


def concrete_workbook(actor: Actor, project_code: str | None = None) -> bytes:
    """The visible deliveries (or one project's) and their tests as xlsx bytes. Raises
    NotFoundError for an invisible project."""
    total = count_deliveries(actor, project_code)
    refuse_too_large(total, MAX_ROWS, "条供货记录", "deliveries", "请按工程项目导出。", "export them project by project.")
    deliveries = list_deliveries(actor, project_code, limit=max(total, 1))
    rows = [{**d, "delivered_at": d["delivered_at"].astimezone(wallclock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")}
            for d in deliveries]
    content = workbook([("混凝土供货", rows, DELIVERY_COLUMNS), ("强度检测", _test_rows(deliveries), TEST_COLUMNS)])
    with transaction(actor):
        audit_trail.record(actor, "export", entity_type="concrete_delivery", entity_id=project_code or "all")
    return content
