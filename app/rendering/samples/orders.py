"""Sample contexts of the rectification-order family: 整改, 停工, 复工, 督办."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from app.rendering.samples.common import CONTRACTOR, PROBLEMS, common_context


def rectification_notice() -> dict[str, Any]:
    return {
        **common_context("整", 7, "7KQ2-M9XD"),
        "title": "安全隐患整改通知书",
        "inspected_unit": CONTRACTOR["unit"],
        "inspection_date": dt.date(2026, 3, 5),
        "problems": copy.deepcopy(PROBLEMS),
        "requirements": [
            "立即对上述隐患部位设置警戒区域，整改完成前严禁人员进入。",
            "举一反三，对全部在施楼栋开展临边防护和起重机械专项排查。",
            "对相关作业人员进行安全教育并留存记录。",
        ],
        "deadline": dt.date(2026, 3, 12),
    }


def stop_work_notice() -> dict[str, Any]:
    return {
        **common_context("停", 3, "P4TX-8WNC"),
        "inspected_unit": CONTRACTOR["unit"],
        "inspection_date": dt.date(2026, 3, 5),
        "problems": copy.deepcopy(PROBLEMS[:2]),
        "stop_type": "局部停工",
        "stop_scope": "5#楼主体结构施工及5#楼QTZ80塔式起重机全部吊装作业",
        "stop_time": dt.datetime(2026, 3, 5, 16, 0),
        "requirements": [
            "立即停止停工范围内的全部作业，撤离作业人员，设置警示标志。",
            "委托有资质的检测机构对塔式起重机安全装置进行检测。",
        ],
        "resume_conditions": [
            "塔式起重机力矩限制器经检测合格并出具检测报告。",
            "临边防护全部恢复并经监理单位验收合格。",
            "整改回复报告经施工、监理、建设单位负责人签字盖章。",
        ],
        "deadline": dt.date(2026, 3, 10),
    }


def resumption_notice() -> dict[str, Any]:
    return {
        **common_context("复", 2, "R8MV-3JHE"),
        "inspected_unit": CONTRACTOR["unit"],
        "stop_notice_number": "郑建安停〔2026〕第0003号",
        "stop_notice_date": dt.date(2026, 3, 5),
        "evidence_summary": "塔式起重机力矩限制器已更换并经郑州市特种设备检测中心检测合格；"
                            "3#楼12层临边防护栏杆及挡脚板已全部恢复，经监理单位验收合格。",
        "evidence": ["整改回复报告（三方签字盖章）", "塔式起重机检测报告 ZZTJ-2026-0311",
                     "整改前后对比照片12张"],
        "review_date": dt.date(2026, 3, 11),
        "resumption_scope": "5#楼主体结构施工及塔式起重机吊装作业",
        "resumption_date": dt.date(2026, 3, 12),
    }


def urging_notice() -> dict[str, Any]:
    return {
        **common_context("督", 11, "D2LN-6QRS"),
        "subject": "关于督促航空港区智慧产业园项目塔式起重机隐患整改的通知",
        "lead_unit": "郑州航空港经济综合实验区建设局",
        "item_category": "安全隐患整改督办",
        "item_content": "该项目5#楼塔式起重机力矩限制器失灵问题经责令整改后逾期未整改到位，"
                        "监控平台3月8日至9日连续报警17次。",
        "assisting_units": ["郑州市建设工程安全监督站", "郑州市特种设备检测中心"],
        "requirements": ["督促施工单位立即停止违规吊装作业。", "组织对整改情况进行现场核查。",
                         "依法对相关责任单位和人员进行处理。"],
        "deadline": dt.date(2026, 3, 20),
        "reply_method": "书面回复并上传至智慧工地监管平台“考核督办”模块",
        "contact": {"name": "刘洋", "phone": "0371-6718 8899"},
    }
