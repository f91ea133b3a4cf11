"""Who may write what into a case: a contractor's rectification reply cannot name the auditor of
his own reply (the attack of issue 12), nor set anything else his form does not declare."""
from __future__ import annotations

import pytest

from app.errors import PermissionDeniedError, ValidationError
from app.services.supervision.orders import order_of
from app.services.workflow import cases
from tests.support.processes import actor

from .support import has_task, status, task, upload, user_id
from .test_rectification_order import audit, clauses, issue, start_order  # noqa: F401 (fixture)


def _reply_data(order: int, **extra) -> dict:
    photo = upload(actor("contractor_pm"), order, "reply", "after.png")
    return {"measures": "已补设防护栏杆", "completed_on": "2026-03-05", "photos": [photo], **extra}


def test_a_reply_that_names_its_own_auditor_is_refused_and_the_issuer_still_audits(clauses):  # noqa: F811
    order = start_order()
    issue(order)
    pm = actor("contractor_pm")
    reply_id = task(pm, order, "reply").id
    forged = _reply_data(order, issuer_user_id=user_id("contractor_pm"))
    with pytest.raises(ValidationError) as refused:
        cases.complete_task(pm, reply_id, forged)
    assert refused.value.code == "form_invalid" and set(refused.value.fields) == {"issuer_user_id"}
    assert order_of(order).status == "issued"  # nothing was written

    cases.complete_task(pm, reply_id, _reply_data(order))
    assert not has_task(pm, order, "audit")
    audit_row = task(actor("district_safety"), order, "audit")
    assert audit_row.candidate_user_id == user_id("district_safety")
    with pytest.raises(PermissionDeniedError):
        cases.complete_task(pm, audit_row.id, {"decision": "pass"})
    audit(order, "pass")
    assert status(order) == "completed"


@pytest.mark.parametrize("field", ["deadline_at", "decision", "return_count"])
def test_a_reply_cannot_set_a_variable_its_form_does_not_declare(clauses, field):  # noqa: F811
    order = start_order()
    issue(order)
    pm = actor("contractor_pm")
    with pytest.raises(ValidationError) as refused:
        cases.complete_task(pm, task(pm, order, "reply").id, _reply_data(order, **{field: "x"}))
    assert set(refused.value.fields) == {field}


def test_an_order_whose_deadline_is_already_past_is_refused_on_the_deadline(clauses):  # noqa: F811
    order = start_order()
    with pytest.raises(ValidationError) as refused:
        issue(order, deadline="2026-03-01")  # the clock stands at 2026-03-02
    assert refused.value.code == "form_invalid" and set(refused.value.fields) == {"deadline"}
    issue(order, deadline="2026-03-02")
    assert order_of(order).status == "issued"


def test_a_started_case_cannot_name_its_issuer_in_the_start_data(clauses):  # noqa: F811
    # the issuer is printed on the notice and audits the reply: only the issuing service sets it
    with pytest.raises(ValidationError) as refused:
        cases.start_case(actor("district_safety"), "rectification_order", project_code="JS-2026-001", data={
            "order_ready": True, "issuer_user_id": user_id("district_safety"), "order_type": "deadline",
            "deadline": "2026-03-09", "problems": [{"description": "x", "location": "y"}]})
    assert refused.value.code == "form_invalid"
    assert set(refused.value.fields) == {"order_ready", "issuer_user_id"}
