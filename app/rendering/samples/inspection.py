"""Sample contexts of on-site checks: 监督检查记录 and the monthly 工地体检报告."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from app.rendering.samples.common import CONTRACTOR, OWNER, PROBLEMS, SUPERVISOR, common_context


def inspection_record() -> dict[str, Any]:
    return {
        **common_context("检", 25, "J4RD-5NXA"),
        "inspection_date": dt.date(2026, 3, 5),
        "inspection_type": "日常监督检查",
        "progress": "3#楼主体结构施工至12层，5#楼施工至9层，地下车库B区基坑开挖完成。",
        "inspectors": [
            {"name": "张卫东", "credential_no": "豫建执字41010021033号"},
            {"name": "马晓峰", "credential_no": "豫建执字41010021047号"},
        ],
        "check_items": [
            {"item": "安全生产责任制及管理人员到岗", "result": "符合", "remark": ""},
            {"item": "危大工程专项方案及验收", "result": "符合", "remark": ""},
            {"item": "高处作业及临边防护", "result": "不符合", "remark": "见问题1"},
            {"item": "起重机械安全装置", "result": "不符合", "remark": "见问题2"},
            {"item": "文明施工及围挡", "result": "不符合", "remark": "见问题3"},
        ],
        "problems": copy.deepcopy(PROBLEMS),
        "handling": "下发《安全隐患整改通知书》（郑建安整〔2026〕第0007号），限期于2026年3月12日前整改完毕。",
        "units_present": [
            {**CONTRACTOR, "person": "王建军", "signature": ""},
            {**SUPERVISOR, "person": "李志强", "signature": ""},
            {**OWNER, "person": "陈静", "refused": True},
        ],
    }


def health_check_report() -> dict[str, Any]:
    indices = [
        ("人员实名制管理", 0.20, 85), ("扬尘防治", 0.15, 48), ("起重机械监测", 0.25, 52),
        ("深基坑监测", 0.15, 90), ("视频监控在线率", 0.10, 70), ("隐患整改闭环", 0.15, 40),
    ]
    overall = round(sum(w * s for _, w, s in indices), 1)
    return {
        **common_context("体", 3, "K1VF-9BQT"),
        "month": "2026年2月",
        "standard_version": "郑州市智慧工地评价标准（2025版）",
        "ranking": "航空港区 第37名 / 共52个项目",
        "indices": [{"name": n, "weight": w, "score": s} for n, w, s in indices],
        "overall_score": overall,
        "deductions": [
            {"index": "起重机械监测", "points": 20, "alarm": {
                "time": dt.datetime(2026, 2, 9, 10, 42), "type": "力矩超限报警",
                "device": "5#楼塔机监测终端TJ-05", "content": "力矩达额定值112%持续38秒"}},
            {"index": "扬尘防治", "points": 25, "alarm": {
                "time": dt.datetime(2026, 2, 17, 14, 5), "type": "PM10超标预警",
                "device": "东门扬尘监测仪YC-01", "content": "PM10小时均值186μg/m³，超限值持续3小时"}},
            {"index": "隐患整改闭环", "points": 30, "alarm": {
                "time": dt.datetime(2026, 2, 26, 9, 0), "type": "整改逾期",
                "device": "监管平台", "content": "整改通知书郑建安整〔2026〕第0004号逾期5天未回复"}},
        ],
        "suggestions": [
            "对塔式起重机安全监控系统报警数据每日复核，严禁带病运行。",
            "落实土方作业湿法降尘措施，完善裸土覆盖。",
            "限期回复逾期整改通知书，建立隐患整改销号台账。",
        ],
    }
