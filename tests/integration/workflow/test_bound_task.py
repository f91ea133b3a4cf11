"""A plain user task bound to one user by `candidateUserVariable` (bound_review.bpmn): only that
user sees and completes it; a value naming nobody usable leaves it to the lane's role."""
from __future__ import annotations

import pytest

from app.errors import PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import InboxTask, InstanceEvent
from app.services.supervision import orders
from app.services.workflow import cases, inbox_queries
from tests.support.factories import PASSWORD, gen_district, gen_project, gen_user

from .conftest import as_actor, open_rows


@pytest.fixture
def site(app, api, deploy):
    deploy("bound_review.bpmn")
    project = gen_project(gen_district())
    users = {name: gen_user("chief_supervisor", project=project, username=name)
             for name in ("chief_a", "chief_b")}
    users["pm"] = gen_user("contractor_pm", project=project, username="pm")
    for name in users:
        api.token(name, PASSWORD)
    return {"project": project, **users}


def start(site, reviewer) -> tuple[int, InboxTask]:
    """Binding variables come from the service that opens the case (never a user's start data)."""
    instance_id = orders.start_child_case(as_actor(site["chief_a"]), "bound_review", None, site["project"],
                                          {"reviewer_id": reviewer}, title="bound")
    db.session.commit()
    [row] = open_rows(instance_id)
    return instance_id, row


def test_a_users_start_data_cannot_bind_the_reviewer(site):
    with pytest.raises(ValidationError) as refused:
        cases.start_case(as_actor(site["chief_a"]), "bound_review", project_code=site["project"].code,
                         data={"reviewer_id": site["chief_a"].id})
    assert refused.value.code == "form_invalid" and set(refused.value.fields) == {"reviewer_id"}


def visible_to(user, instance_id: int) -> bool:
    rows = inbox_queries.list_tasks(as_actor(user), inbox_queries.InboxFilter(limit=200)).items
    return any(r.instance_id == instance_id for r in rows)


def fallbacks(instance_id: int) -> list[dict]:
    return [e.data for e in db.session.query(InstanceEvent).filter_by(
        instance_id=instance_id, kind="candidate_fallback")]


def test_only_the_bound_user_sees_and_completes_the_task(site, api):
    instance_id, row = start(site, site["chief_b"].id)
    assert row.candidate_user_id == site["chief_b"].id
    assert visible_to(site["chief_b"], instance_id)
    assert not visible_to(site["chief_a"], instance_id)  # same role on the same project
    with pytest.raises(PermissionDeniedError) as denied:
        cases.complete_task(as_actor(site["chief_a"]), row.id, {"decision": "pass"})
    assert denied.value.code == "task_not_candidate"
    r = api.post(f"/api/v1/tasks/{row.id}/complete", "chief_a", json={"data": {"decision": "pass"}})
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "task_not_candidate")
    assert api.get("/api/v1/tasks", "chief_a").get_json()["meta"]["total"] == 0
    assert api.get("/api/v1/tasks", "chief_b").get_json()["meta"]["total"] == 1
    r = api.post(f"/api/v1/tasks/{row.id}/complete", "chief_b", json={"data": {"decision": "pass"}})
    assert r.status_code == 200 and r.get_json()["data"]["status"] == "completed"
    assert db.session.get(InboxTask, row.id).completed_by_id == site["chief_b"].id
    assert fallbacks(instance_id) == []


def test_a_user_id_sent_as_digits_binds_too(site):
    _, row = start(site, str(site["chief_b"].id))
    assert row.candidate_user_id == site["chief_b"].id


@pytest.mark.parametrize("value", [None, 999_999, "someone", True, "inactive"])
def test_no_usable_user_falls_back_to_the_lane_role_with_an_event(site, value):
    if value == "inactive":
        value = gen_user("chief_supervisor", project=site["project"], is_active=False).id
    instance_id, row = start(site, value)
    assert row.candidate_user_id is None
    assert visible_to(site["chief_a"], instance_id) and visible_to(site["chief_b"], instance_id)
    assert not visible_to(site["pm"], instance_id)
    [event] = fallbacks(instance_id)
    assert event["variable"] == "reviewer_id" and event["role"] == "chief_supervisor"
    cases.complete_task(as_actor(site["chief_a"]), row.id, {"decision": "pass"})
    assert fallbacks(instance_id) == [event]  # recorded once, when the row appeared
