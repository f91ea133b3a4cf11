"""The catalogue of measures an assessment point can name: each is a rate (numerator over
denominator) per active project and month, computed from SiteCase's own records; a unit's rate
sums the counts of its projects (a district: the projects in it; an enterprise: the projects on
which it is the measure's party). Higher is better for every measure.

Each `counts(period)` returns {project_id: (numerator, denominator)} for the active projects
that have something to count; a project absent has nothing to judge (the point does not apply).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, select

from app.extensions import db
from app.infra import wallclock
from app.infra.months import Period
from app.models import (
    Device,
    DeviceAlarm,
    DeviceReading,
    EducationAttendance,
    EducationSession,
    InboxTask,
    Project,
    QualityReport,
    RectificationOrder,
    RejectedMessage,
    SiteWorker,
    SupervisionRecord,
)
from app.models.safety_education import ENTRY_LEVELS
from app.roles import ENTERPRISE_ROLES

Counts = dict[int, tuple[int, int]]

CATEGORIES = {
    "district": {"special_campaign": "安全专项整治", "civil_construction": "文明施工",
                 "quality_supervision": "质量监督", "sites_connected": "工地接入量", "real_name": "实名制管理"},
    "enterprise": {"data_accuracy": "数据准确性", "data_timeliness": "上传及时性",
                   "pm_presence": "项目经理到岗", "chief_supervisor_presence": "项目总监到岗"},
}


@dataclass(frozen=True)
class Measure:
    subject: str          # district | enterprise
    category: str         # a key of CATEGORIES[subject]
    label: str            # what the rate is, in the words officials use
    rule: str             # numerator / denominator, said plainly
    counts: Callable[[Period], Counts]
    party: str | None = None  # enterprise measures: the party type whose projects count


def _active_ids() -> Select:
    return select(Project.id).where(Project.status == "active")


def _tally(rows, good) -> Counts:
    """(project_id, row) pairs -> {project_id: (rows judged good, rows)}."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pid, row in rows:
        out[pid][0] += bool(good(row))
        out[pid][1] += 1
    return {pid: (n, d) for pid, (n, d) in out.items()}


def _tasks_on_time(process_key: str | None, roles: frozenset[str]) -> Callable[[Period], Counts]:
    """Tasks (of `process_key`, held by `roles`) due in the month before now: done by their due time."""
    def counts(p: Period) -> Counts:
        now = wallclock.now()
        stmt = select(InboxTask.project_id, InboxTask.due_at, InboxTask.completed_at).where(
            InboxTask.project_id.in_(_active_ids()), InboxTask.role.in_(sorted(roles)),
            InboxTask.status != "cancelled", InboxTask.due_at >= p.start, InboxTask.due_at < min(p.end, now))
        if process_key:
            stmt = stmt.where(InboxTask.process_key == process_key)
        return _tally(((r.project_id, r) for r in db.session.execute(stmt)),
                      lambda r: r.completed_at is not None and r.completed_at <= r.due_at)
    return counts


def _orders_replied_on_time(p: Period) -> Counts:
    """Orders whose deadline fell in the month and is over: replied by the end of the deadline day."""
    today = wallclock.local_today()
    stmt = select(RectificationOrder.project_id, RectificationOrder.deadline, RectificationOrder.replied_at).where(
        RectificationOrder.project_id.in_(_active_ids()), RectificationOrder.deadline >= p.first_day,
        RectificationOrder.deadline < min(p.next_first_day, today))
    return _tally(((r.project_id, r) for r in db.session.execute(stmt)),
                  lambda r: r.replied_at is not None and wallclock.local_date(r.replied_at) <= r.deadline)


def _dust_noise_alarms_closed(p: Period) -> Counts:
    stmt = (select(DeviceAlarm.project_id, func.count(), func.count(DeviceAlarm.closed_at))
            .join(Device, Device.id == DeviceAlarm.device_id)
            .where(DeviceAlarm.project_id.in_(_active_ids()), Device.device_type.in_(("dust", "noise")),
                   DeviceAlarm.first_at >= p.start, DeviceAlarm.first_at < p.end)
            .group_by(DeviceAlarm.project_id))
    return {pid: (closed, total) for pid, total, closed in db.session.execute(stmt)}


def _projects_with(stmt: Select) -> Counts:
    """Every active project: (1 if it is in `stmt`'s project ids else 0, 1)."""
    found = set(db.session.scalars(stmt))
    return {pid: (int(pid in found), 1) for pid in db.session.scalars(_active_ids())}


def _quality_report_coverage(p: Period) -> Counts:
    return _projects_with(select(QualityReport.project_id).distinct().where(
        QualityReport.issued_at >= p.start, QualityReport.issued_at < p.end))


def _reading_in(p: Period):
    return exists().where(DeviceReading.device_id == Device.id, DeviceReading.collected_at >= p.start,
                          DeviceReading.collected_at < p.end)


def _sites_connected(p: Period) -> Counts:
    return _projects_with(select(Device.project_id).distinct().where(Device.active.is_(True), _reading_in(p)))


def _devices_reporting(p: Period) -> Counts:
    """Active devices registered before the month ended: those that sent data in the month."""
    stmt = (select(Device.project_id, func.count(), func.count(Device.id).filter(_reading_in(p)))
            .where(Device.project_id.in_(_active_ids()), Device.active.is_(True), Device.created_at < p.end)
            .group_by(Device.project_id))
    return {pid: (reporting, total) for pid, total, reporting in db.session.execute(stmt)}


def _data_accepted(p: Period) -> Counts:
    """Device messages received in the month: accepted over accepted + rejected."""
    accepted = dict(db.session.execute(
        select(Device.project_id, func.count()).join(DeviceReading, DeviceReading.device_id == Device.id)
        .where(Device.project_id.in_(_active_ids()), DeviceReading.received_at >= p.start,
               DeviceReading.received_at < p.end).group_by(Device.project_id)).all())
    rejected = dict(db.session.execute(
        select(RejectedMessage.project_id, func.count())
        .where(RejectedMessage.project_id.in_(_active_ids()), RejectedMessage.received_at >= p.start,
               RejectedMessage.received_at < p.end).group_by(RejectedMessage.project_id)).all())
    return {pid: (accepted.get(pid, 0), accepted.get(pid, 0) + rejected.get(pid, 0))
            for pid in set(accepted) | set(rejected)}


def _workers_educated(p: Period) -> Counts:
    """Workers on the roster in the month: those who passed all three entry levels by its end."""
    workers = db.session.execute(select(SiteWorker.id, SiteWorker.project_id).where(
        SiteWorker.project_id.in_(_active_ids()), SiteWorker.entered_on < p.next_first_day,
        (SiteWorker.left_on.is_(None)) | (SiteWorker.left_on >= p.first_day))).all()
    levels: dict[int, set[str]] = defaultdict(set)
    for worker_id, kind in db.session.execute(
            select(EducationAttendance.worker_id, EducationSession.kind)
            .join(EducationSession, EducationSession.id == EducationAttendance.session_id)
            .where(EducationAttendance.passed.is_(True), EducationSession.kind.in_(ENTRY_LEVELS),
                   EducationSession.held_on < p.next_first_day,
                   EducationSession.project_id.in_(_active_ids()))):
        levels[worker_id].add(kind)
    return _tally(((pid, wid) for wid, pid in workers), lambda wid: len(levels[wid]) == len(ENTRY_LEVELS))


def _log_days(p: Period) -> Counts:
    """Working days of the month (to yesterday): those with a supervision log of the project."""
    days = set(p.working_days(wallclock.local_today()))
    if not days:
        return {}
    logged: dict[int, set] = defaultdict(set)
    for pid, day in db.session.execute(select(SupervisionRecord.project_id, SupervisionRecord.record_date).where(
            SupervisionRecord.kind == "log", SupervisionRecord.record_date >= p.first_day,
            SupervisionRecord.record_date < p.next_first_day).distinct()):
        logged[pid].add(day)
    return {pid: (len(logged[pid] & days), len(days)) for pid in db.session.scalars(_active_ids())}


MEASURES: dict[str, Measure] = {
    "self_check_on_time": Measure("district", "special_campaign", "隐患自查按期完成率",
                                  "本月到期的企业隐患自查任务中按期完成的比例",
                                  _tasks_on_time("hazard_self_check", ENTERPRISE_ROLES)),
    "orders_replied_on_time": Measure("district", "special_campaign", "整改指令按期回复率",
                                      "本月到期的整改指令中在期限内回复的比例", _orders_replied_on_time),
    "dust_noise_alarms_closed": Measure("district", "civil_construction", "扬尘噪声预警闭合率",
                                        "本月扬尘、噪声监测预警中已闭合的比例", _dust_noise_alarms_closed),
    "quality_report_coverage": Measure("district", "quality_supervision", "质量检测覆盖率",
                                       "在建项目中本月有检测报告的比例", _quality_report_coverage),
    "sites_connected": Measure("district", "sites_connected", "工地接入率",
                               "在建项目中本月有设备上报数据的比例", _sites_connected),
    "workers_educated": Measure("district", "real_name", "实名制人员三级教育完成率",
                                "本月在册人员中已通过三级安全教育的比例", _workers_educated),
    "data_accepted": Measure("enterprise", "data_accuracy", "监测数据准确率",
                             "本月设备上报数据中通过校验的比例", _data_accepted, "contractor"),
    "devices_reporting": Measure("enterprise", "data_timeliness", "设备数据上传率",
                                 "在用设备中本月按时上报数据的比例", _devices_reporting, "contractor"),
    "pm_tasks_on_time": Measure("enterprise", "pm_presence", "项目经理按期履职率",
                                "本月到期的项目经理待办中按期办理的比例",
                                _tasks_on_time(None, frozenset({"contractor_pm"})), "contractor"),
    "supervision_log_days": Measure("enterprise", "chief_supervisor_presence", "监理日志到岗率",
                                    "本月工作日中有监理日志的比例", _log_days, "supervisor"),
}
