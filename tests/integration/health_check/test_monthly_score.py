"""The monthly site health check on real records in two districts: scores against deductions
computed by hand, idempotency, the standard version applied by month, scope, rectification."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.models import HealthCheckDeduction, HealthCheckScore, ProcessInstance
from app.services.access.actors import actor_for
from app.services.health_check import reads, rectification, scoring, standards
from tests.integration.health_check.records import NOW, alarm, deploy_rectification, utc
from tests.support.factories import gen_device, gen_user


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
    assert [rows[p.id][1] for p in (a1, a2, b1)] == [55.0, 92.0, 100.0]
    a1_deductions = {d[1]: (d[2], d[3], d[5]) for d in rows[a1.id][4]}
    assert a1_deductions == {
        "alarm_warning": (3, 3.0, world["a1_warnings"]),
        "alarm_alarm": (12, 20.0, world["a1_alarms"]),
        "order_full_stop": (1, 10.0, [world["a1_stop"]]),
        "order_overdue": (1, 5.0, [world["a1_stop"]]),
        "operator_cert_expired": (1, 5.0, [world["a1_operator"]]),
        "device_silent": (1, 2.0, [world["a1_device"]]),
    }
    assert {d[1]: (d[3], d[5]) for d in rows[a2.id][4]} == {
        "alarm_warning": (1.0, [world["a2_warning"]]), "order_deadline": (3.0, [world["a2_order"]]),
        "alarm_disposal_overdue": (2.0, [world["a2_late_task"]]), "self_check_overdue": (2.0, [world["a2_open_task"]])}
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
    assert db.session.scalar(select(db.func.count()).select_from(HealthCheckDeduction)) == 11


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
        assert score_rows("2026-02")[a1.id][1] == 55.0
        assert scoring.compute_month("2026-03").standard_version == 2
    march = score_rows("2026-03")[a1.id]
    # 7 alarms at 1 point capped at 5; the expired certificate is not an indicator of version 2
    assert (march[1], [(d[1], d[3]) for d in march[4]]) == (95.0, [("alarm_alarm", 5.0)])
    assert [s["version"] for s in standards.list_standards(city_official)] == [1, 2]


def test_history_and_ranking_are_scoped(world):
    a1, a2, b1, _ = world["projects"]
    east, west = world["districts"]
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-01")
        scoring.compute_month("2026-02")
    east_official = official(east)
    ranking = reads.ranking(east_official, "2026-02")
    assert [(d["district"], [(p["code"], p["score"], p["below_pass"]) for p in d["projects"]])
            for d in ranking] == [("东区", [("E-2", 92.0, False), ("E-1", 55.0, True)])]
    assert ranking[0]["average"] == 73.5 and ranking[0]["below_pass"] == 1
    assert [d["district"] for d in reads.ranking(actor_for(gen_user("sys_admin")), "2026-02")] == ["东区", "西区"]
    history = reads.project_history(east_official, a1.code)
    assert [(m["month"], m["score"]) for m in history["months"]] == [("2026-02", 55.0), ("2026-01", 100.0)]
    assert history["months"][0]["change"] == -45.0
    with pytest.raises(NotFoundError):
        reads.project_history(east_official, b1.code)
    pm = actor_for(gen_user("contractor_pm", project=b1))
    assert [[p["code"] for p in d["projects"]] for d in reads.ranking(pm, "2026-02")] == [["W-1"]]


def test_a_project_below_the_pass_mark_gets_one_rectification_case(world):
    a1 = world["projects"][0]
    deploy_rectification()
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
