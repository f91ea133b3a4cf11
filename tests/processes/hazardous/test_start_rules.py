"""Who may start which hazardous process in which work status."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import WORK_STATUSES
from app.services.hazard.start_rules import RULES, check_can_start
from tests.support.processes import actor

from .support import set_status, start, work

STARTER = {"hazardous_inspection": "supervisor"}
ALLOWED = {
    "hazardous_plan_review": {"registered"},
    "hazardous_inspection": {"plan_approved", "in_progress"},
    "hazardous_acceptance": {"plan_approved", "in_progress"},
    "hazardous_suspension": {"plan_approved", "in_progress"},
    "hazardous_termination": {"registered", "plan_approved", "in_progress", "suspended", "accepted"},
    "hazardous_emergency": {"plan_approved", "in_progress", "suspended"},
}


def test_status_matrix(hz_sqlite):
    w = work()
    assert set(RULES) == set(ALLOWED)
    for status in WORK_STATUSES:
        set_status(w, status)
        for key, allowed in ALLOWED.items():
            who = actor(STARTER.get(key, "contractor_pm"))
            if status in allowed:
                check_can_start(who, key, "hazardous_work", w.id)
                continue
            with pytest.raises(ConflictError) as info:
                check_can_start(who, key, "hazardous_work", w.id)
            expected = "work_terminated" if status == "terminated" else "work_status_invalid"
            assert info.value.code == expected, (key, status)


def _statements(read) -> tuple[object, int]:
    seen = []

    def count(*_args) -> None:
        seen.append(1)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        return read(), len(seen)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_listing_the_rules_reads_the_deployed_diagrams_once(hz_sqlite):
    """The work page lists RULES.items(): one read of the newest definitions, not one per key."""
    len(RULES)  # the diagrams' sources are cached from here on
    _rules, one_read = _statements(lambda: len(RULES))
    for view in (RULES.items, RULES.values):
        listed, statements = _statements(lambda view=view: list(view()))
        assert len(listed) == len(ALLOWED)
        assert statements == one_read, view.__name__
    assert dict(RULES.items()) == {key: RULES[key] for key in RULES}


def test_roles_projects_and_subjects(hz_sqlite):
    w = work()
    for username in ("tech_lead", "chief_supervisor", "owner_rep", "district_safety", "admin"):
        with pytest.raises(PermissionDeniedError) as info:
            check_can_start(actor(username), "hazardous_plan_review", "hazardous_work", w.id)
        assert info.value.code == "case_start_role", username
    with pytest.raises(NotFoundError) as info:  # the PM of another project does not see the work
        start("contractor_pm2", "hazardous_plan_review", w)
    assert info.value.code == "hazardous_work_not_found"
    with pytest.raises(NotFoundError):
        check_can_start(actor("district_safety2"), "hazardous_plan_review", "hazardous_work", w.id)
    with pytest.raises(ValidationError) as info:
        check_can_start(actor("contractor_pm"), "hazardous_plan_review", None, None)
    assert info.value.code == "work_required"
    with pytest.raises(ValidationError) as info:
        check_can_start(actor("contractor_pm"), "hazardous_plan_review", "hazardous_work", w.id,
                        project_code="JS-2026-002")
    assert info.value.code == "work_project_mismatch"
    check_can_start(actor("contractor_pm"), "site_check", None, None)  # not ours: no opinion


def test_one_open_plan_review_per_work(hz_sqlite):
    w = work()
    start("contractor_pm", "hazardous_plan_review", w)
    with pytest.raises(ConflictError) as info:
        start("contractor_pm", "hazardous_plan_review", w)
    assert info.value.code == "case_already_open"
    start("contractor_pm", "hazardous_plan_review", work(code="WD-02"))  # another work is fine


def test_two_simultaneous_plan_reviews_on_one_work_open_one_case(hz):
    """Both pass the "no open case" check unless the work row is locked: one must lose."""
    from flask import current_app
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import ProcessInstance
    from tests.support.concurrency import in_threads

    work_id = work().id
    starts = [lambda: start("contractor_pm", "hazardous_plan_review", db.session.get(type(work()), work_id))
              for _ in range(2)]
    results = in_threads(current_app._get_current_object(), *starts)
    started = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if not isinstance(r, int)]
    assert len(started) == 1, results
    assert isinstance(refused[0], ConflictError) and refused[0].code == "case_already_open", refused
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance).where(
        ProcessInstance.process_key == "hazardous_plan_review", ProcessInstance.subject_id == work_id)) == 1
