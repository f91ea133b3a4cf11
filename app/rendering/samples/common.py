"""Demo data shared by all sample notices: one Zhengzhou project and its units.

Why fictional but realistic: tests, the benchmark, the demo seed and the
preview page need notices that look like the real thing (full-length Chinese
names, real standards and articles) without naming real companies or people.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

PROJECT = {
    "name": "郑州航空港区智慧产业园一期项目3#、5#楼及地下车库工程",
    "address": "河南省郑州市航空港经济综合实验区新港大道与雁鸣路交叉口东南角",
    "permit_no": "410173202503150101",
    "supervision_no": "郑安监登2025-0312",
}

CONTRACTOR = {"role": "施工单位", "unit": "河南豫安建设工程有限公司",
              "person": "王建军（项目经理）"}
SUPERVISOR = {"role": "监理单位", "unit": "郑州中正工程监理有限公司",
              "person": "李志强（总监理工程师）"}
OWNER = {"role": "建设单位", "unit": "郑州航港智慧产业园开发有限公司",
         "person": "陈静（项目负责人）"}

ISSUER = {"org_unit": "郑州市建设工程安全监督站", "signatory": "张卫东"}

ISSUE_DATE = dt.date(2026, 3, 5)

PROBLEMS = [
    {
        "location": "3#楼12层东侧楼层临边",
        "description": "楼层临边防护栏杆缺失约6米，未设置挡脚板，下方为人员通道。",
        "photos": ["IMG-0305-01", "IMG-0305-02"],
        "basis": [{"rule": "《建筑施工安全检查标准》JGJ59-2011", "article": "第3.13.3条"}],
    },
    {
        "location": "5#楼QTZ80塔式起重机",
        "description": "力矩限制器失灵，司机在超载报警状态下继续吊装钢筋。",
        "photos": ["IMG-0305-05"],
        "basis": [{"rule": "《建筑施工安全检查标准》JGJ59-2011", "article": "第3.16.3条"}],
    },
    {
        "location": "地下车库B区施工现场围挡",
        "description": "围挡不连续，东侧缺口约15米未封闭，材料堆放占用消防通道。",
        "photos": ["IMG-0305-07", "IMG-0305-08"],
        "basis": [{"rule": "《建筑施工安全检查标准》JGJ59-2011", "article": "第3.2.3条"}],
    },
]

_EXTRA_PROBLEMS = [
    ("{n}#楼外脚手架第{f}步", "连墙件间距超过规定，局部缺失，立杆底部悬空未设垫板。",
     "《建筑施工扣件式钢管脚手架安全技术规范》JGJ130-2011", "第6.4.2条"),
    ("{n}#楼配电箱（编号P-{f}）", "开关箱未设置漏电保护器，电缆线沿地面明敷且有破损。",
     "《施工现场临时用电安全技术规范》JGJ46-2005", "第8.2.5条"),
    ("{n}#楼{f}层电梯井口", "电梯井口未设置定型化防护门，井道内每隔两层未设安全平网。",
     "《建筑施工高处作业安全技术规范》JGJ80-2016", "第4.1.3条"),
    ("{n}#楼施工升降机", "防坠安全器超过有效标定期限，层门联锁装置失效。",
     "《建筑施工安全检查标准》JGJ59-2011", "第3.17.3条"),
]


def many_problems(count: int) -> list[dict[str, Any]]:
    """``count`` distinct problems (text includes its number) for long notices."""
    problems = []
    for i in range(count):
        location, text, rule, article = _EXTRA_PROBLEMS[i % len(_EXTRA_PROBLEMS)]
        problems.append({
            "location": location.format(n=i % 7 + 1, f=i + 1),
            "description": f"第{i + 1}项：{text}",
            "photos": [f"IMG-0305-{i + 1:02d}"],
            "basis": [{"rule": rule, "article": article}],
        })
    return problems


def common_context(type_code: str, sequence: int, verify_code: str) -> dict[str, Any]:
    """Fields every notice carries, numbered like ``郑建安整〔2026〕第0007号``."""
    return {
        "number": f"郑建安{type_code}〔2026〕第{sequence:04d}号",
        "project": dict(PROJECT),
        "addressees": [dict(CONTRACTOR), dict(SUPERVISOR), dict(OWNER)],
        "issuer": dict(ISSUER),
        "issue_date": ISSUE_DATE,
        "verify_code": verify_code,
        "verify_url": f"https://sitecase.zhengzhou.example/v/{verify_code.replace('-', '')}",
    }
