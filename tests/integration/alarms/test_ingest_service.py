"""ingest_messages on SQLite and PostgreSQL: storage, dedupe, rejections, alarms and cases."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import DeviceAlarm, DeviceReading, ProcessInstance, RejectedMessage
from app.services.ingestion.ingest import ingest_messages
from tests.support.concurrency import in_threads

from .conftest import PROCESS, crane, open_tasks, payload, raw


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_over_threshold_reading_opens_alarm_and_case_for_the_pm(deployed):
    result = ingest_messages([crane(40), crane(104)])
    assert (result.stored, result.alarms_opened, result.cases_started) == (2, 1, 1)
    alarm = db.session.scalar(select(DeviceAlarm))
    assert (alarm.alarm_type, alarm.level, alarm.first_value, alarm.count, alarm.status) == \
        ("load_pct", "alarm", 104, 1, "open")
    case = db.session.get(ProcessInstance, alarm.instance_id)
    assert case.process_key == PROCESS
    [task] = open_tasks(case.id)
    assert (task.task_name, task.role, task.project_id) == ("handle_alarm", "contractor_pm",
                                                            alarm.project_id)
    levels = dict(db.session.execute(select(DeviceReading.data_id, DeviceReading.level)).all())
    assert sorted(levels.values()) == ["alarm", "none"]


def test_repeats_update_the_alarm_not_a_new_case(deployed):
    ingest_messages([crane(104)])
    for load in (95, 112, 101):  # 95 is only a warning: the level never goes down
        again = ingest_messages([crane(load)])
        assert (again.alarms_opened, again.alarms_repeated, again.cases_started) == (0, 1, 0)
    alarm = db.session.scalar(select(DeviceAlarm))
    assert (alarm.count, alarm.level, alarm.first_value, alarm.last_value) == (4, "alarm", 104, 101)
    assert count(ProcessInstance) == 1
    db.session.expire_all()
    summary = db.session.get(ProcessInstance, alarm.instance_id).data_summary["alarm"]
    assert (summary["count"], summary["last_value"]) == (4, 101)


def test_back_under_threshold_records_a_clearing_but_keeps_the_case(deployed):
    ingest_messages([crane(104)])
    ingest_messages([crane(60), crane(61)])
    levels = [lv for (lv,) in db.session.execute(select(DeviceReading.level).order_by(DeviceReading.id))]
    assert levels == ["alarm", "clear", "none"]
    alarm = db.session.scalar(select(DeviceAlarm))
    assert alarm.status == "open" and alarm.cleared_at is not None
    assert db.session.get(ProcessInstance, alarm.instance_id).status in ("running", "waiting")


def test_redelivered_batch_is_idempotent(deployed):
    batch = [crane(50), crane(104), crane(106)]
    first = ingest_messages(batch)
    again = ingest_messages(batch)
    assert (first.stored, again.stored, again.duplicates) == (3, 0, 3)
    assert (count(DeviceReading), count(DeviceAlarm), count(ProcessInstance)) == (3, 1, 1)
    assert db.session.scalar(select(DeviceAlarm.count)) == 2
    inside = ingest_messages([crane(50, data_id="same"), crane(51, data_id="same")])
    assert [m.outcome for m in inside.messages] == ["stored", "duplicate"]


def test_data_ids_are_per_device_so_one_project_cannot_suppress_another(deployed):
    first = ingest_messages([raw(payload("EQ001-TC-01", {"load_pct": 104}, project="EQ-2026-001",
                                         data_id="shared-1"))])
    ours = ingest_messages([crane(105, data_id="shared-1"), crane(106, data_id="shared-1")])
    assert [m.outcome for m in first.messages] == ["stored"]
    assert [m.outcome for m in ours.messages] == ["stored", "duplicate"]
    assert count(DeviceReading) == 2
    # Each device's alarm got its own case in its own project, not the other's receipt.
    alarms = list(db.session.scalars(select(DeviceAlarm).order_by(DeviceAlarm.id)))
    cases = [db.session.get(ProcessInstance, a.instance_id) for a in alarms]
    assert len({c.id for c in cases}) == 2
    assert [c.project_id for c in cases] == [a.project_id for a in alarms]
    assert alarms[0].project_id != alarms[1].project_id


def test_rejections_are_stored_with_reasons(deployed):
    batch = [
        raw("not json", topic="sitecase/JS-2026-001/tower_crane/JS001-TC-01/data"),
        raw(payload("NOPE-1")),
        raw(payload("EQ001-TC-01")),  # a device of another project, on this project's topic
        raw(payload("JS001-YC-01", {"load_pct": 3})),  # registered as dust
        raw(payload("JS001-TC-01", {"no_such_metric": 1})),
        crane(50),
    ]
    result = ingest_messages(batch)
    assert [m.reason_code for m in result.messages] == [
        "not_json", "unknown_device", "device_project_mismatch", "device_type_mismatch",
        "unknown_metric", None]
    assert (result.rejected, result.stored) == (5, 1)
    reasons = dict(db.session.execute(select(RejectedMessage.reason_code, func.count())
                                      .group_by(RejectedMessage.reason_code)).all())
    assert reasons == {"not_json": 1, "unknown_device": 1, "device_project_mismatch": 1,
                       "device_type_mismatch": 1, "unknown_metric": 1}


def test_device_raised_alarm_and_rate_rule(deployed):
    cam = payload("JS001-AI-01", {}, device_type="ai_camera",
                  alarm={"alarm_type": "no_helmet", "level": "warning", "message": "未戴安全帽"})
    result = ingest_messages([raw(cam)])
    assert (result.alarms_opened, result.cases_started) == (1, 1)
    pit = [raw(payload("JS001-JK-01", {"wall_top_horizontal_rate_mm_d": v}, device_type="deep_pit"))
           for v in (1.5, 1.5)]
    assert ingest_messages(pit).alarms_opened == 1  # 1.5 ≥ warning 1.4: a warning
    third = ingest_messages([raw(payload("JS001-JK-01", {"wall_top_horizontal_rate_mm_d": 1.5},
                                         device_type="deep_pit"))])
    assert third.alarms_repeated == 1  # three in a row over 70 %: the rate rule says alarm
    pit_alarm = db.session.scalar(select(DeviceAlarm).where(DeviceAlarm.alarm_type ==
                                                            "wall_top_horizontal_rate_mm_d"))
    assert (pit_alarm.level, pit_alarm.count) == ("alarm", 3)
    assert count(ProcessInstance) == 2


def test_alarm_waits_for_the_process_then_starts_its_case(demo_data, clock):
    from app.services.definitions.deployments import deploy

    from .conftest import disposal_bundle
    result = ingest_messages([crane(104)])
    assert (result.alarms_opened, result.cases_started) == (1, 0)
    alarm = db.session.scalar(select(DeviceAlarm))
    assert (alarm.instance_id, alarm.case_error) == (None, "message_no_receiver")
    deploy(disposal_bundle())
    clock.advance(minutes=2)
    later = ingest_messages([crane(30)])
    assert later.cases_started == 1
    db.session.expire_all()
    assert db.session.get(DeviceAlarm, alarm.id).instance_id is not None


def test_two_sidecars_racing_on_the_same_messages_store_each_reading_once(deployed):
    """Both ingest the same 300 readings at once (one in reverse order, so PostgreSQL may also
    report a deadlock): the unique data_id decides, the loser retries and sees duplicates."""
    batch = [crane(40 + i % 10) for i in range(300)]
    app = current_app._get_current_object()
    first, second = in_threads(app, lambda: ingest_messages(batch),
                               lambda: ingest_messages(list(reversed(batch))))
    assert not isinstance(first, Exception), first
    assert not isinstance(second, Exception), second
    assert first.stored + second.stored == 300
    assert first.stored + first.duplicates == second.stored + second.duplicates == 300
    assert count(DeviceReading) == 300
