"""Opening a task never runs the engine: the values its form shows were stored with the task."""
from __future__ import annotations

from sqlalchemy import update

from app.extensions import db
from app.models import InboxTask, ProcessDefinition, ProcessInstance
from app.services.casework import task_reads
from app.services.definitions import definition_cache
from app.services.registrations import applications
from tests.processes.registrations.support import (
    actor,
    complete,
    deploy_registrations,
    my_task,
    registration_form,
)

REASON = "合同金额与施工许可不一致，请核对后重新提交。"


def test_a_returned_task_shows_its_reason_without_loading_the_workflow(site, browser):
    deploy_registrations()
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    complete("owner_rep", iid, "fill_registration", registration_form())
    complete("district_safety", iid, "review_registration",
             {"registration_decision": "return", "registration_return_reason": REASON})
    task = my_task("owner_rep", iid, "fill_registration")
    assert db.session.get(InboxTask, task.id).form_values["return_reason"] == REASON
    instance = db.session.get(ProcessInstance, iid)
    before = (instance.state, instance.lock_version, instance.next_timer_due, instance.status)
    # Any engine call would now fail: the compiled spec of the case's version is unreadable.
    db.session.execute(update(ProcessDefinition).where(ProcessDefinition.id == instance.definition_id)
                       .values(spec_json="unreadable"))
    db.session.commit()
    definition_cache.clear()
    try:
        page = browser("owner_rep").get(f"/tasks/{task.id}")
        assert page.status_code == 200 and REASON in page.get_data(as_text=True)
        assert task_reads.readonly_values(actor("owner_rep"), task.id)["return_reason"] == REASON
        detail = task_reads.task_detail(actor("owner_rep"), task.id, with_values=True)
        assert detail["form"]["values"]["return_reason"] == REASON

        db.session.expire_all()
        instance = db.session.get(ProcessInstance, iid)
        assert (instance.state, instance.lock_version, instance.next_timer_due, instance.status) == before
    finally:
        definition_cache.clear()  # the unreadable spec must not outlive this test


def test_a_completed_task_shows_no_values(site, browser):
    deploy_registrations()
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    task = my_task("owner_rep", iid, "fill_registration")
    complete("owner_rep", iid, "fill_registration", registration_form())
    assert task_reads.readonly_values(actor("owner_rep"), task.id) == {}
