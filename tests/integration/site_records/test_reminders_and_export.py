"""A project under construction without a supervision log for N working days warns its chief
supervisor and the district officers, once a day; the records export to Excel per kind (audited)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import AuditLog, Notification, Project, SupervisionLogReminder, User
from app.services.site_records.reminders import remind_missing_logs, working_days_between
from tests.integration.site_records.support import review, write
from tests.support.settings import change_settings


def _china(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in China


def _start(code: str, day: date) -> None:
    with transaction():
        db.session.scalar(select(Project).where(Project.code == code)).planned_start = day


def _told(project_code: str) -> set[str]:
    return set(db.session.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                                  .join(Project, Project.id == Notification.project_id)
                                  .where(Project.code == project_code, Notification.title.startswith("监理日志缺失预警"))))


def test_working_days_skip_weekends():
    assert working_days_between(date(2026, 3, 4), date(2026, 3, 9)) == 2  # Wed .. Mon: Thu, Fri
    assert working_days_between(date(2026, 3, 4), date(2026, 3, 10)) == 3
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0


def test_three_working_days_without_a_log_warn_once_a_day(demo_data, api):
    _start("JS-2026-001", date(2026, 3, 2))
    with wallclock.frozen(_china(date(2026, 3, 4))):
        write(api)  # Wednesday's log
    with wallclock.frozen(_china(date(2026, 3, 9))):  # Monday: Thursday and Friday missing
        assert remind_missing_logs() == 0
    with wallclock.frozen(_china(date(2026, 3, 10))):  # Tuesday: Thursday, Friday, Monday
        assert remind_missing_logs() == 1
        assert remind_missing_logs() == 0  # idempotent per project and day
    assert _told("JS-2026-001") == {"chief_supervisor", "district_safety", "district_quality"}
    reminder = db.session.scalar(select(SupervisionLogReminder))
    assert (reminder.day, reminder.last_log_date, reminder.missing_days) == (date(2026, 3, 10), date(2026, 3, 4), 3)
    rows = api.get("/api/v1/supervision-log-reminders", "district_quality").get_json()["data"]
    assert [(r["project_code"], r["missing_days"]) for r in rows] == [("JS-2026-001", 3)]
    assert api.get("/api/v1/supervision-log-reminders", "contractor_pm2").get_json()["data"] == []
    with wallclock.frozen(_china(date(2026, 3, 11))):
        assert remind_missing_logs() == 1  # a new day, a new reminder
        write(api, record_date="2026-03-11")
    with wallclock.frozen(_china(date(2026, 3, 12))):
        assert remind_missing_logs() == 0  # yesterday's log


def test_the_grace_is_a_setting_and_a_project_without_any_log_counts_from_its_start(demo_data, monkeypatch):
    _start("JS-2026-002", date(2026, 3, 2))
    change_settings(monkeypatch, demo_data, supervision_log_grace_days=1)
    with wallclock.frozen(_china(date(2026, 3, 2))):
        assert remind_missing_logs() == 0  # the first day is not over
    with wallclock.frozen(_china(date(2026, 3, 3))):
        assert remind_missing_logs() == 1
    with transaction():
        db.session.scalar(select(Project).where(Project.code == "JS-2026-002")).status = "suspended"
    with wallclock.frozen(_china(date(2026, 3, 4))):
        assert remind_missing_logs() == 0  # only projects under construction


def test_the_export_has_a_sheet_per_kind_in_words_and_is_audited(demo_data, api):
    log = write(api)
    review(api, log, "return", "补充检查部位。")
    write(api, "parallel_inspection", result="unqualified")
    r = api.get("/api/v1/supervision-records/export?project=JS-2026-001", "district_quality")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(r.data))
    assert book.sheetnames == ["监理日志", "旁站记录", "平行检验记录"]
    logs = list(book["监理日志"].values)
    assert logs[0][:4] == ("记录编号", "工程名称", "记录日期", "天气情况")
    assert logs[1][0] == "JS-2026-001-RZ0001" and "已退回" in logs[1] and "补充检查部位。" in logs[1]
    inspections = list(book["平行检验记录"].values)
    assert "检验结论" in inspections[0] and "不合格" in inspections[1] and "unqualified" not in inspections[1]
    assert len(list(book["旁站记录"].values)) == 1
    assert db.session.scalar(select(AuditLog.entity_id).where(
        AuditLog.action == "export", AuditLog.entity_type == "supervision_record")) == "JS-2026-001"
