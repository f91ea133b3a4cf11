"""Sample contexts of the supervising engineers' records: a log, a side-station record and a
parallel inspection record, as the chief supervisor approved them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.rendering.samples.common import CONTRACTOR, SUPERVISOR, common_context


def _record(type_code: str, sequence: int, verify_code: str, record_no: str) -> dict[str, Any]:
    return {**common_context(type_code, sequence, verify_code), "addressees": [dict(CONTRACTOR), dict(SUPERVISOR)],
            "record_no": record_no, "record_date": dt.date(2026, 3, 5), "supervision_unit": SUPERVISOR["unit"],
            "recorder": "王强（监理工程师）", "reviewer": "李志强（总监理工程师）", "reviewed_on": dt.date(2026, 3, 6)}


def supervision_log() -> dict[str, Any]:
    return {**_record("志", 21, "R5LG-7KQD", "JS-2026-001-RZ0021"),
            "weather": "晴，5～16℃，东北风2级",
            "works": "3#楼三层顶板钢筋绑扎，4#楼基础垫层浇筑，塔吊QTZ80正常运行。",
            "inspections": "检查3#楼三层顶板钢筋间距与保护层，抽查4#楼垫层标高。",
            "problems": "3#楼三层顶板局部钢筋保护层垫块缺失。",
            "handling": "当场要求施工单位补设垫块，复查合格。",
            "instructions": "签发监理通知单一份，要求混凝土浇筑前完成隐蔽验收。",
            "attachments": "顶板钢筋照片.jpg、隐蔽验收记录.pdf"}


def side_station_record() -> dict[str, Any]:
    return {**_record("旁", 9, "P2SS-4HTN", "JS-2026-001-PZ0009"),
            "process": "C35混凝土浇筑（三层顶板）", "location": "3#楼三层顶板②～⑥轴",
            "started_at": "2026-03-05 08:30", "ended_at": "2026-03-05 14:10",
            "works": "泵送浇筑，坍落度抽测 180mm，留置试块两组。",
            "problems": "⑤轴处振捣不密实。", "handling": "要求补振，复查合格。", "attachments": "无"}


def parallel_inspection_record() -> dict[str, Any]:
    return {**_record("平", 5, "X8PI-3MVR", "JS-2026-001-PX0005"),
            "item": "钢筋保护层厚度", "location": "3#楼二层框架柱",
            "findings": "抽测 10 点，实测 24～27mm，设计 25mm，允许偏差 ±5mm。", "result": "合格"}
