"""Demo assessment points (seed 000 3.1.9.1: the district points and the enterprise points, each
on its measure of the catalogue) and the results of this month and the last, scored from the
demo records."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.infra.months import previous_month
from app.infra.uow import transaction
from app.models import AssessmentPoint
from app.services.assessment.measures import MEASURES
from app.services.assessment.scoring import compute_month

POINTS = [  # measure, name, weight, target (%)
    ("self_check_on_time", "安全专项整治：隐患自查按期完成", 20, 90),
    ("orders_replied_on_time", "安全专项整治：整改指令按期回复", 20, 90),
    ("dust_noise_alarms_closed", "文明施工：扬尘噪声预警闭合", 15, 95),
    ("quality_report_coverage", "质量监督：检测报告覆盖", 15, 80),
    ("sites_connected", "工地接入量：在建工地接入", 15, 100),
    ("workers_educated", "实名制管理：三级安全教育完成", 15, 100),
    ("data_accepted", "数据准确性：监测数据通过校验", 25, 98),
    ("devices_reporting", "上传及时性：设备按时上报", 25, 95),
    ("pm_tasks_on_time", "项目经理到岗：待办按期办理", 25, 90),
    ("supervision_log_days", "项目总监到岗：监理日志每日记录", 25, 90),
]


def seed_assessment() -> dict[str, int]:
    """The demo points (once) and this month's and last month's results; returns the counts of
    what was added or rewritten (none on a rerun)."""
    added = 0
    with transaction():
        if db.session.scalar(select(AssessmentPoint.id).limit(1)) is None:
            for measure, name, weight, target in POINTS:
                db.session.add(AssessmentPoint(subject=MEASURES[measure].subject, measure=measure, name=name,
                                               weight=weight, target=target, created_by="system", updated_by="system"))
                added += 1
    this_month = compute_month(_this_month())
    last_month = compute_month(previous_month())
    counts = {"assessment_points": added, "assessment_results": this_month.changed + last_month.changed}
    return {kind: n for kind, n in counts.items() if n}


def _this_month() -> str:
    return wallclock.local_today().strftime("%Y-%m")
