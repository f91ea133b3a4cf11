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


def sample_label_sheet() -> dict[str, Any]:
    labels = [{"code": f"JS-2026-001-S{n:04d}", "material": material, "specification": spec,
               "batch": f"B2026-{110 + n}", "quantity": quantity, "location": location,
               "sampled_on": dt.date(2026, 3, 1), "sampler_name": "王强", "sampler_cert": "QY-0012",
               "witness_name": "孙浩", "witness_cert": "JZ-0098"}
              for n, (material, spec, quantity, location) in enumerate([
                  ("热轧带肋钢筋", "HRB400E Φ20", "60t", "3#楼二层框架柱"),
                  ("普通硅酸盐水泥", "P·O 42.5", "200t", "搅拌站1#罐"),
                  ("混凝土试块", "C35 150mm", "3块", "3#楼三层顶板")], start=7)]
    return {**common_context("样", 12, "L3XP-8RTA"), "labels": labels}
