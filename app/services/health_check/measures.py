"""What each indicator counts for one month, for all active projects at once (one query each).

Supported today from the records SiteCase keeps: device alarms by level, rectification orders
by type, orders whose reply deadline passed in the month without a reply, special operators of
the project's active devices whose certificate had expired by the month's end, active devices
(registered before the month ended) that sent no reading in the whole month, enterprise tasks
of alarm disposals and of hazard self-checks due in the month and not done by their due time. Each measure
returns {project_id: [source record ids]}; one id = one occurrence.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, select

from app.extensions import db
from app.infra import wallclock
from app.infra.months import Period
from app.models import (
    Device,
    DeviceAlarm,
    DeviceOperator,
    DeviceReading,
    InboxTask,
    Project,
    RectificationOrder,
)
from app.roles import ENTERPRISE_ROLES


@dataclass(frozen=True)
class Measure:
    label: str
    source_kind: str
    reason: str                      # "{n}" is the number of occurrences
    rows: Callable[[Period], Select]  # selects (project_id, source id)
    suggestion: str = ""              # printed in the report when the indicator deducted
    # rows a query cannot judge alone (deadline missed before now): keep(row, today, now)
    keep: Callable[[Any, date, datetime], bool] | None = None


def _active(stmt: Select, project_col) -> Select:
    return stmt.join(Project, Project.id == project_col).where(Project.status == "active")


def _alarms(level: str) -> Callable[[Period], Select]:
    def rows(p: Period) -> Select:
        return _active(select(DeviceAlarm.project_id, DeviceAlarm.id), DeviceAlarm.project_id).where(
            DeviceAlarm.level == level, DeviceAlarm.first_at >= p.start, DeviceAlarm.first_at < p.end)
    return rows


def _orders(order_type: str) -> Callable[[Period], Select]:
    def rows(p: Period) -> Select:
        return _active(select(RectificationOrder.project_id, RectificationOrder.id),
                       RectificationOrder.project_id).where(
            RectificationOrder.order_type == order_type,
            RectificationOrder.issued_at >= p.start, RectificationOrder.issued_at < p.end)
    return rows


def _overdue_orders(p: Period) -> Select:
    """Deadline in the month and no reply by the end of the deadline day (China time)."""
    return _active(select(RectificationOrder.project_id, RectificationOrder.id, RectificationOrder.deadline,
                          RectificationOrder.replied_at), RectificationOrder.project_id).where(
        RectificationOrder.deadline >= p.first_day, RectificationOrder.deadline < p.next_first_day)


def _expired_certificates(p: Period) -> Select:
    return _active(select(Device.project_id, DeviceOperator.id).join(Device, Device.id == DeviceOperator.device_id),
                   Device.project_id).where(
        Device.active.is_(True), DeviceOperator.certificate_valid_until < p.next_first_day)


def _overdue_tasks(process_key: str) -> Callable[[Period], Select]:
    """Enterprise tasks of `process_key` due in the month (not cancelled); kept when missed."""
    def rows(p: Period) -> Select:
        return _active(select(InboxTask.project_id, InboxTask.id, InboxTask.due_at, InboxTask.completed_at),
                       InboxTask.project_id).where(
            InboxTask.process_key == process_key, InboxTask.role.in_(sorted(ENTERPRISE_ROLES)),
            InboxTask.status != "cancelled", InboxTask.due_at >= p.start, InboxTask.due_at < p.end)
    return rows


def _task_missed(row: Any, today: date, now: datetime) -> bool:
    return row.due_at < now and (row.completed_at is None or row.completed_at > row.due_at)


def _order_missed(row: Any, today: date, now: datetime) -> bool:
    """No reply by the end of the deadline day (China time), the day being over."""
    return row.deadline < today and (row.replied_at is None or wallclock.local_date(row.replied_at) > row.deadline)


def _silent_devices(p: Period) -> Select:
    reported = exists().where(DeviceReading.device_id == Device.id, DeviceReading.collected_at >= p.start,
                              DeviceReading.collected_at < p.end)
    return _active(select(Device.project_id, Device.id), Device.project_id).where(
        Device.active.is_(True), Device.created_at < p.end, ~reported)


MEASURES: dict[str, Measure] = {
    "alarm_warning": Measure("设备预警", "alarm", "本月设备预警 {n} 次", _alarms("warning"), "对监测设备预警数据每日复核，及时消除隐患苗头。"),
    "alarm_alarm": Measure("设备报警", "alarm", "本月设备报警 {n} 次", _alarms("alarm"), "对报警设备立即停用检查，严禁带病运行，处置结果在平台中反馈。"),
    "order_deadline": Measure("限期整改指令", "order", "本月下达限期整改指令 {n} 份", _orders("deadline"), "按整改通知书要求逐项整改并按期回复，建立隐患整改销号台账。"),
    "order_partial_stop": Measure("局部停工整改指令", "order", "本月下达局部停工整改指令 {n} 份",
                                  _orders("partial_stop"), "停工部位整改完毕、经复查合格后方可申请复工。"),
    "order_full_stop": Measure("全面停工整改指令", "order", "本月下达全面停工整改指令 {n} 份",
                               _orders("full_stop"), "全面排查安全管理体系，整改完毕经复查合格后方可申请复工。"),
    "order_overdue": Measure("整改逾期未回复", "order", "本月到期未按时回复的整改指令 {n} 份",
                             _overdue_orders, "限期回复逾期整改通知书，落实整改责任人。", _order_missed),
    "operator_cert_expired": Measure("特种作业人员证书过期", "device_operator",
                                     "月末证书已过期的特种作业人员 {n} 人", _expired_certificates, "证书过期的特种作业人员立即停止作业，完成复审后方可上岗。"),
    "device_silent": Measure("设备离线", "device", "本月无任何数据上报的在用设备 {n} 台", _silent_devices,
                             "检查离线设备的供电与网络，恢复数据上报。"),
    "alarm_disposal_overdue": Measure("报警处置逾期", "task", "本月到期未按时完成的报警处置任务 {n} 项",
                                      _overdue_tasks("device_alarm_disposal"),
                                      "报警处置任务须在期限内完成并上传处置结果。", _task_missed),
    "self_check_overdue": Measure("隐患自查整改逾期", "task", "本月到期未按时完成的隐患自查任务 {n} 项",
                                  _overdue_tasks("hazard_self_check"),
                                  "企业隐患自查发现的问题须按期整改、复查销号。", _task_missed),
}


def occurrences(code: str, period: Period) -> dict[int, list[int]]:
    """{project_id: sorted source ids} of one measure in `period`."""
    found: dict[int, list[int]] = defaultdict(list)
    measure, now = MEASURES[code], wallclock.now()
    today = wallclock.local_date(now)
    for row in db.session.execute(measure.rows(period)):
        if measure.keep is not None and not measure.keep(row, today, now):
            continue
        if row[0] is not None:
            found[row[0]].append(row[1])
    return {pid: sorted(ids) for pid, ids in found.items()}


__all__ = ["MEASURES", "Measure", "Period", "occurrences"]
