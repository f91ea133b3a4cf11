"""Sample context of testing supervision: the 质量整改通知书 of an unqualified report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.rendering.samples.common import CONTRACTOR, common_context


def quality_rectification_notice() -> dict[str, Any]:
    return {
        **common_context("质", 4, "Q7MD-2KWE"),
        "inspected_unit": CONTRACTOR["unit"],
        "agency_name": "郑州市建设工程质量检测中心有限公司",
        "report_no": "ZJC-GJ-2026-01183",
        "materials": "热轧带肋钢筋",
        "sample_codes": ["JS-2026-001-S0007", "JS-2026-001-S0008"],
        "failed_items": [
            {"name": "屈服强度", "value": "372 MPa", "standard": "≥400 MPa", "result": "不合格"},
            {"name": "最大力总延伸率", "value": "7.1%", "standard": "≥9.0%", "result": "不合格"},
        ],
        "measure": "暂停受影响部位施工并整改",
        "affected_scope": "3#楼二层框架柱钢筋绑扎",
        "requirements": ["该批钢筋立即停止使用并清退出场。", "已绑扎部位全部拆除更换，经监理验收。"],
        "deadline": dt.date(2026, 3, 20),
    }
