"""Sample contexts of the hazardous-works family: 中止, 恢复, 终止, 专家论证."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.rendering.samples.common import CONTRACTOR, common_context

APPLICANT = {"unit": CONTRACTOR["unit"], "person": "王建军"}
DEEP_PIT = {"name": "地下车库B区深基坑工程（开挖深度9.6米）", "category": "深基坑工程",
            "scale": "超过一定规模的危险性较大的分部分项工程"}


def supervision_suspend_notice() -> dict[str, Any]:
    return {
        **common_context("中", 1, "S5HC-2KDU"),
        "applicant": dict(APPLICANT),
        "application_date": dt.date(2026, 1, 10),
        "hazardous_work": dict(DEEP_PIT),
        "suspension_date": dt.date(2026, 1, 15),
        "expected_resume_date": dt.date(2026, 2, 25),
        "reason": "春节假期及冬季低温，基坑土方开挖及支护施工暂停。",
        "part_under_construction": "地下车库B区第三道内支撑及其以下土方开挖",
        "safety_measures": [
            "基坑周边设置连续硬质围挡和警示标志，夜间设置警示灯。",
            "基坑监测单位按每周两次频率持续监测并上传平台。",
            "施工单位安排专人24小时值守，配备应急抢险物资。",
        ],
    }


def supervision_resume_notice() -> dict[str, Any]:
    return {
        **common_context("恢", 1, "H9WA-4TPE"),
        "applicant": dict(APPLICANT),
        "hazardous_work": dict(DEEP_PIT),
        "suspend_notice_number": "郑建安中〔2026〕第0001号",
        "acceptance_report_ref": "复工条件验收报告 YS-2026-021（2026年2月23日，五方签字）",
        "resumption_date": dt.date(2026, 2, 26),
        "remarks": "恢复施工前已完成全员复工安全教育及基坑支护结构专项检查。",
    }


def supervision_terminate_notice() -> dict[str, Any]:
    return {
        **common_context("终", 1, "T3GB-7YMF"),
        "applicant": dict(APPLICANT),
        "hazardous_work": dict(DEEP_PIT),
        "reason": "基坑工程已完成回填，危大工程施工全部结束。",
        "end_proof_ref": "危大工程施工结束证明 JS-2026-009（监理单位出具）",
        "termination_date": dt.date(2026, 4, 30),
        "remarks": "",
    }


def expert_argumentation_report() -> dict[str, Any]:
    experts = [
        ("赵国栋", "岩土工程", "郑州大学土木工程学院", "支护选型合理，需补充降水对周边管线影响的计算。", True),
        ("孙丽华", "结构工程", "河南省建筑科学研究院有限公司", "内支撑节点构造满足要求，同意修改后实施。", False),
        ("周海涛", "施工安全", "中国建筑第七工程局有限公司技术中心", "应急预案需明确抢险队伍和物资数量。", False),
        ("吴建平", "工程测量", "河南省地质测绘总院", "监测预警值应按一、二级基坑分级设置。", False),
        ("郑晓梅", "建筑施工", "郑州市第一建筑工程集团有限公司", "开挖分层分段顺序与支撑施工节拍需细化。", False),
    ]
    return {
        **common_context("论", 4, "E6ZK-1PVW"),
        "hazardous_work": dict(DEEP_PIT),
        "plan_name": "地下车库B区深基坑支护及土方开挖专项施工方案",
        "plan_author_unit": CONTRACTOR["unit"],
        "organizer": CONTRACTOR["unit"],
        "argued_at": dt.datetime(2025, 11, 18, 9, 30),
        "venue": "项目部三楼会议室",
        "experts": [{"name": n, "specialty": s, "employer": e, "opinion": o, "is_leader": lead}
                    for n, s, e, o, lead in experts],
        "expert_leader": "赵国栋",
        "conclusion": "修改后通过",
        "required_changes": [
            "补充基坑降水对东侧DN600给水管线的影响分析及保护措施。",
            "监测报警值按规范分级设置，明确报警后的处置流程。",
            "应急预案中明确抢险队伍、物资数量及存放位置。",
        ],
    }
