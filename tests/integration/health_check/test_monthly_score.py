"""The monthly site health check on real records in two districts: scores against deductions
computed by hand, idempotency, the standard version applied by month, scope, rectification."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.models import (
    DeviceAlarm,
    DeviceOperator,
    HealthCheckDeduction,
    HealthCheckScore,
    ProcessInstance,
    RectificationOrder,
)
from app.services.access.actors import actor_for
from app.services.health_check import reads, rectification, scoring, standards
from app.services.workflow import deployments
from tests.support.factories import gen_device, gen_instance, gen_org_unit, gen_project, gen_user

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)      # 10:00 on 2 March in China


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def alarm(device, level: str, first_at: datetime) -> DeviceAlarm:
    row = DeviceAlarm(device_id=device.id, project_id=device.project_id, alarm_type="load_pct",
                      level=level, first_at=first_at, first_data_id=f"d{first_at.timestamp()}",
                      last_at=first_at, status="closed")
    db.session.add(row)
    db.session.commit()
    return row


def order(project, order_type: str, issued_at: datetime, deadline: date,
          replied_at: datetime | None = None) -> RectificationOrder:
    row = RectificationOrder(instance_id=gen_instance(project, "rectification_order").id,
                             project_id=project.id, order_type=order_type, issued_at=issued_at,
                             deadline=deadline, replied_at=replied_at)
    db.session.add(row)
    db.session.commit()
    return row


def operator(device, valid_until: date) -> DeviceOperator:
    row = DeviceOperator(device_id=device.id, name="张三", trade="tower_crane_driver",
                         certificate_no=f"C{valid_until}", certificate_valid_until=valid_until)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def world(app):
    with wallclock.frozen(NOW):
        city = gen_org_unit(gen_org_unit())
        east, west = gen_org_unit(city, name="东区"), gen_org_unit(city, name="西区")
        a1, a2 = gen_project(east, code="E-1"), gen_project(east, code="E-2")
        b1 = gen_project(west, code="W-1")
        idle = gen_project(west, code="W-9", status="completed")
        d_a1, d_a2, d_b1, d_idle = (gen_device(p) for p in (a1, a2, b1, idle))
        rec = {"projects": (a1, a2, b1, idle), "districts": (east, west)}
        # E-1: 3 warnings (3), 12 alarms (24, capped at 20), a full stop (10) overdue (5),
        #      an expired certificate (5) → 100 - 43 = 57
        rec["a1_warnings"] = [alarm(d_a1, "warning", utc(2026, 2, 3 + i, 2)).id for i in range(3)]
        rec["a1_alarms"] = [alarm(d_a1, "alarm", utc(2026, 2, 10, i)).id for i in range(12)]
        rec["a1_stop"] = order(a1, "full_stop", utc(2026, 2, 12, 2), date(2026, 2, 20)).id
        rec["a1_operator"] = operator(d_a1, date(2026, 2, 27)).id
        # E-2: a deadline order replied in time (3); a warning at 00:30 on 1 Feb China time (1)
        #      and one at 23:59 on 31 Jan China time (not this month) → 96
        rec["a2_order"] = order(a2, "deadline", utc(2026, 2, 3, 2), date(2026, 2, 10),
                                replied_at=utc(2026, 2, 10, 15, 0)).id      # 23:00 on 10 Feb China
        rec["a2_warning"] = alarm(d_a2, "warning", utc(2026, 1, 31, 16, 30)).id
        alarm(d_a2, "warning", utc(2026, 1, 31, 15, 59))
        # W-1: a certificate valid until 1 March is not expired in February; a March alarm → 100
        operator(d_b1, date(2026, 3, 1))
        alarm(d_b1, "alarm", utc(2026, 2, 28, 16, 0))                        # 00:00 on 1 March China
        # a completed project is not scored
        alarm(d_idle, "alarm", utc(2026, 2, 5))
        yield rec


def score_rows(month: str) -> dict[str, tuple]:
    out = {}
    for s in db.session.scalars(select(HealthCheckScore).where(HealthCheckScore.month == month)):
        out[s.project_id] = (s.id, s.score, s.standard_id, s.computed_at,
                             [(d.id, d.indicator_code, d.occurrences, d.points, d.reason, d.source_ids)
                              for d in s.deductions])
    return out


def official(district) -> object:
    return actor_for(gen_user("district_safety_officer", org_unit=district))


def test_scores_match_deductions_computed_by_hand(world):
    a1, a2, b1, idle = world["projects"]
    with wallclock.frozen(NOW):
        run = scoring.compute_month("2026-02")
    assert (run.projects, run.changed, run.below_pass, run.standard_version) == (3, 3, 1, 1)
    rows = score_rows("2026-02")
    assert set(rows) == {a1.id, a2.id, b1.id}
    assert [rows[p.id][1] for p in (a1, a2, b1)] == [57.0, 96.0, 100.0]
    a1_deductions = {d[1]: (d[2], d[3], d[5]) for d in rows[a1.id][4]}
    assert a1_deductions == {
        "alarm_warning": (3, 3.0, world["a1_warnings"]),
        "alarm_alarm": (12, 20.0, world["a1_alarms"]),
        "order_full_stop": (1, 10.0, [world["a1_stop"]]),
        "order_overdue": (1, 5.0, [world["a1_stop"]]),
        "operator_cert_expired": (1, 5.0, [world["a1_operator"]]),
    }
    assert {d[1]: (d[3], d[5]) for d in rows[a2.id][4]} == {
        "alarm_warning": (1.0, [world["a2_warning"]]), "order_deadline": (3.0, [world["a2_order"]])}
    reason = next(d[4] for d in rows[a1.id][4] if d[1] == "alarm_alarm")
    assert reason == "本月设备报警 12 次，每次扣 2 分，上限 20 分"


def test_rerun_keeps_the_same_rows_and_a_new_record_changes_only_its_project(world):
    a1, a2, b1, _ = world["projects"]
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-02")
        first = score_rows("2026-02")
        wallclock.advance(hours=5)
        assert scoring.compute_month("2026-02").changed == 0
        assert score_rows("2026-02") == first
        alarm(gen_device(b1), "warning", utc(2026, 2, 14))
        assert scoring.compute_month("2026-02").changed == 1
    again = score_rows("2026-02")
    assert again[a1.id] == first[a1.id] and again[a2.id] == first[a2.id]
    assert again[b1.id][0] == first[b1.id][0] and again[b1.id][1] == 99.0
    assert db.session.scalar(select(db.func.count()).select_from(HealthCheckDeduction)) == 8


def test_a_new_version_applies_from_its_month(world):
    a1 = world["projects"][0]
    city_official = official(world["districts"][0])
    rules = [{"code": "alarm_alarm", "name": "设备报警", "points": 1, "cap": 5},
             {"code": "order_overdue", "name": "逾期", "points": 8, "cap": 8}]
    created = standards.create_version(city_official, {"effective_month": "2026-03", "indicators": rules})
    assert created["version"] == 2
    with pytest.raises(ConflictError):
        standards.create_version(city_official, {"effective_month": "2026-03", "indicators": rules})
    with pytest.raises(ValidationError):
        standards.create_version(city_official, {"effective_month": "2026-04",
                                                 "indicators": [{"code": "nonsense", "points": 1, "cap": 1}]})
    with pytest.raises(PermissionDeniedError):
        standards.create_version(actor_for(gen_user("contractor_pm", project=a1)),
                                 {"effective_month": "2026-05", "indicators": rules})
    device = gen_device(a1)
    for day in range(1, 8):
        alarm(device, "alarm", utc(2026, 3, day + 1, 2))
    with wallclock.frozen(datetime(2026, 4, 1, 2, tzinfo=UTC)):
        assert scoring.compute_month("2026-02").standard_version == 1
        assert score_rows("2026-02")[a1.id][1] == 57.0
        assert scoring.compute_month("2026-03").standard_version == 2
    march = score_rows("2026-03")[a1.id]
    # 7 alarms at 1 point capped at 5; the expired certificate is not an indicator of version 2
    assert (march[1], [(d[1], d[3]) for d in march[4]]) == (95.0, [("alarm_alarm", 5.0)])
    assert [s["version"] for s in standards.list_standards()] == [1, 2]


def test_history_and_ranking_are_scoped(world):
    a1, a2, b1, _ = world["projects"]
    east, west = world["districts"]
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-01")
        scoring.compute_month("2026-02")
    east_official = official(east)
    ranking = reads.ranking(east_official, "2026-02")
    assert [(d["district"], [(p["code"], p["score"], p["below_pass"]) for p in d["projects"]])
            for d in ranking] == [("东区", [("E-2", 96.0, False), ("E-1", 57.0, True)])]
    assert ranking[0]["average"] == 76.5 and ranking[0]["below_pass"] == 1
    assert [d["district"] for d in reads.ranking(actor_for(gen_user("sys_admin")), "2026-02")] == ["东区", "西区"]
    history = reads.project_history(east_official, a1.id)
    assert [(m["month"], m["score"]) for m in history["months"]] == [("2026-02", 57.0), ("2026-01", 100.0)]
    assert history["months"][0]["change"] == -43.0
    with pytest.raises(NotFoundError):
        reads.project_history(east_official, b1.id)
    pm = actor_for(gen_user("contractor_pm", project=b1))
    assert [[p["code"] for p in d["projects"]] for d in reads.ranking(pm, "2026-02")] == [["W-1"]]


def test_a_project_below_the_pass_mark_gets_one_rectification_case(world):
    a1 = world["projects"][0]
    bundle = deployments.bundle_from_dirs(ROOT / "processes", ROOT / "forms")
    deployments.deploy(deployments.Bundle(
        {n: b for n, b in bundle.files.items() if Path(n).stem == "health_check_rectification"},
        {n: b for n, b in bundle.forms.items() if n.startswith("health_check_rectification")}))
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-02")
        assert rectification.start_rectifications("2026-02") == 1
        assert rectification.start_rectifications("2026-02") == 0
        scoring.compute_month("2026-02")
        assert rectification.start_rectifications("2026-02") == 0
    cases = list(db.session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "health_check_rectification")))
    assert [(c.project_id, c.status, c.subject_type) for c in cases] == [(a1.id, "running", "health_check_score")]
    score = db.session.scalar(select(HealthCheckScore).where(HealthCheckScore.project_id == a1.id))
    assert score.rectification_instance_id == cases[0].id
