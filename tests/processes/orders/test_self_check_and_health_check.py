"""hazard_self_check (企业隐患排查) and health_check_rectification (工地体检整改跟踪)."""
from __future__ import annotations

import pytest

from app.errors import NotFoundError, ValidationError
from app.services.workflow import cases, timers
from tests.support.processes import actor, events

from .support import comments, complete, has_task, status, task, upload

PROJECT = "JS-2026-001"


def register(rectifier: str = "safety_officer", reviewer: str = "chief_supervisor") -> int:
    pm = actor("contractor_pm")
    case = cases.start_case(pm, "hazard_self_check", project_code=PROJECT, title="脚手架隐患")
    photo = upload(pm, case, "register_hazard", "hazard.png")
    complete(pm, case, "register_hazard", {"description": "脚手架扣件松动", "location": "2#楼北侧",
                                           "photos": [photo], "rectifier": rectifier,
                                           "reviewer": reviewer, "deadline": "2026-03-04"})
    return case


def rectify(case: int, who: str = "safety_officer") -> None:
    photo = upload(actor(who), case, "rectify", "fixed.png")
    complete(actor(who), case, "rectify", {"measures": "已紧固", "rectify_photos": [photo]})


def test_self_check_fails_twice_then_passes_with_bound_people(family, clock):
    case = register()
    assert has_task(actor("safety_officer"), case, "rectify")
    assert not has_task(actor("contractor_pm"), case, "rectify")
    clock.advance(days=3)
    timers.fire_due_timers()
    assert "notify" in [e.data["operator"] for e in events(case, "operator_called")]
    for reason in ("仍有松动", "缺少复查照片"):
        rectify(case)
        assert has_task(actor("chief_supervisor"), case, "recheck")
        assert not has_task(actor("supervisor"), case, "recheck")
        complete(actor("chief_supervisor"), case, "recheck",
                 {"recheck_result": "fail", "fail_reason": reason})
        assert comments(case)[-1] == f"复查不合格原因：{reason}"
    rectify(case)
    complete(actor("chief_supervisor"), case, "recheck", {"recheck_result": "pass"})
    assert status(case) == "completed"


def test_self_check_unknown_person_falls_back_to_the_role(family):
    case = register(rectifier="contractor_pm2")  # not on this project
    assert [e.data["usernames"] for e in events(case, "binding_fallback")] == [["contractor_pm2"]]
    assert has_task(actor("safety_officer"), case, "rectify")  # the lane's role
    assert not has_task(actor("contractor_pm2"), case, "rectify")


def test_self_check_refusals(family):
    pm2 = actor("contractor_pm2")
    with pytest.raises(NotFoundError):
        cases.start_case(pm2, "hazard_self_check", project_code=PROJECT)
    case = register()
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(actor("safety_officer"), task(actor("safety_officer"), case, "rectify").id,
                            {"measures": ""})
    assert {"measures", "rectify_photos"} <= set(invalid.value.fields)
    rectify(case)
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(actor("chief_supervisor"), task(actor("chief_supervisor"), case, "recheck").id,
                            {"recheck_result": "fail"})
    assert "fail_reason" in invalid.value.fields


def open_check(score: float, **start) -> int:
    official = actor("district_safety")
    case = cases.start_case(official, "health_check_rectification", project_code=PROJECT,
                            title="2026年2月工地体检", data=start)
    complete(official, case, "open_check", {"month": "2026-02", "score": score, "findings": "扬尘扣分",
                                            "deadline": "2026-03-06"})
    return case


def test_health_check_below_threshold_needs_a_reply_with_reminder(family, clock):
    case = open_check(52.5)
    assert has_task(actor("contractor_pm"), case, "reply")
    clock.advance(days=5)
    timers.fire_due_timers()
    assert "notify" in [e.data["operator"] for e in events(case, "operator_called")]
    pm = actor("contractor_pm")
    photo = upload(pm, case, "reply", "covered.png")
    complete(pm, case, "reply", {"situation": "裸土已覆盖", "completed_on": "2026-03-05", "photos": [photo]})
    assert status(case) == "completed"


def test_health_check_threshold_is_a_process_variable(family):
    assert status(open_check(65)) == "completed"                       # default threshold 60
    assert has_task(actor("contractor_pm"), open_check(65, score_threshold=70), "reply")


def test_health_check_refusals(family):
    official = actor("district_safety")
    case = cases.start_case(official, "health_check_rectification", project_code=PROJECT)
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(official, task(official, case, "open_check").id,
                            {"month": "2026-13", "score": 120, "findings": "", "deadline": "x"})
    assert {"month", "score", "findings", "deadline"} <= set(invalid.value.fields)
    with pytest.raises(NotFoundError):
        cases.complete_task(actor("district_safety2"), task(official, case, "open_check").id, {})
