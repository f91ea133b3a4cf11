"""Every statistics table as one xlsx workbook: a sheet per table, Chinese headers, no codes."""
from __future__ import annotations

from app.infra.xlsx import workbook
from app.services.access.actors import Actor
from app.services.insight.alarm_stats import alarm_statistics
from app.services.insight.filters import StatsFilter
from app.services.insight.supervision_stats import supervision_statistics

_ALARM_FIGURES = [("total", "预警总数"), ("closed", "已闭合"), ("closure_rate", "闭合率"), ("assigned", "已交办"),
                  ("assignment_rate", "交办率"), ("urged", "已督办"), ("urging_rate", "督办率"),
                  ("on_time", "按时处置"), ("on_time_rate", "按时处置率"), ("mean_disposal_hours", "平均处置时长(小时)")]
_SHARE = [("label", "类别"), ("count", "数量"), ("share", "占比")]
ALARM_SHEETS = [
    ("预警总览", "overview", [("label", "范围"), *_ALARM_FIGURES]),
    ("当前未闭合预警", "open_by_type", [("label", "预警类型"), ("count", "数量")]),
    ("预警趋势", "trend", [("bucket", "期间"), ("raised", "新增预警"), ("closed", "其中已闭合")]),
    ("按类型", "by_type", _SHARE),
    ("按级别", "by_level", _SHARE),
    ("按区县", "by_district", [("label", "区县"), *_ALARM_FIGURES]),
    ("按项目", "by_project", [("label", "工程项目"), *_ALARM_FIGURES]),
    ("按设备类型", "by_device_type", [("label", "设备类型"), *_ALARM_FIGURES]),
]
SUPERVISION_SHEETS = [
    ("整改单", ("orders",), [("label", "整改类型"), ("issued", "下发"), ("replied", "已回复"), ("overdue", "逾期"),
                          ("closed", "已闭合"), ("reply_rate", "回复率"), ("closure_rate", "闭合率")]),
    ("危大工程按类别", ("works", "by_category"), [("label", "类别"), ("count", "数量"), ("super_scale", "超过一定规模")]),
    ("危大工程按状态", ("works", "by_status"), [("label", "状态"), ("count", "数量")]),
    ("督办统计", ("urging",), [("unit", "牵头单位"), ("assigned", "督办事项"), ("signed", "已签收"),
                            ("completed", "已办结"), ("sign_rate", "签收率"), ("completion_rate", "办结率"),
                            ("urge_count", "催办次数")]),
]


def alarm_workbook(actor: Actor, flt: StatsFilter) -> bytes:
    """The alarm statistics as xlsx bytes. Raises PermissionDeniedError like alarm_statistics."""
    figures = alarm_statistics(actor, flt)
    figures["overview"] = [{"label": "合计", **figures["overview"]}]
    return workbook((title, figures[key], columns) for title, key, columns in ALARM_SHEETS)


def supervision_workbook(actor: Actor, flt: StatsFilter) -> bytes:
    """The supervision statistics as xlsx bytes. Raises PermissionDeniedError like supervision_statistics."""
    figures = supervision_statistics(actor, flt)
    sheets = []
    for title, path, columns in SUPERVISION_SHEETS:
        rows = figures
        for part in path:
            rows = rows[part]
        sheets.append((title, rows, columns))
    return workbook(sheets)
