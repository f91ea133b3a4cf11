"""Separation of duties (diagram property `reviews`): whoever completed a submission is never a
candidate for its review, whatever the diagram's variables say; a review that only its author
could work stops the case on an incident instead of passing silently."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from app.errors import PermissionDeniedError
from app.extensions import db
from app.models import InboxTask, Incident, InstanceEvent, Project
from app.services.workflow import cases, incidents
from app.services.workflow.incidents import CaseFailedError
from tests.support.browsers import signed_in
from tests.support.client import bearer
from tests.support.factories import gen_user
from tests.support.processes import actor, events

from .support import complete, has_task, status
from .test_self_check_and_health_check import PROJECT, rectify, register


def _open_incident(case: int) -> Incident | None:
    db.session.expire_all()
    return db.session.scalar(select(Incident).where(Incident.instance_id == case,
                                                    Incident.status == "open"))


def _recheck_row(case: int) -> InboxTask:
    return db.session.scalar(select(InboxTask).where(
        InboxTask.instance_id == case, InboxTask.task_name == "recheck", InboxTask.status == "open"))


def test_a_review_bound_to_the_author_is_an_incident_not_a_silent_pass(family):
    case = register(rectifier="safety_officer", reviewer="safety_officer")
    rectify(case, "safety_officer")

    incident = _open_incident(case)
    assert incident is not None and incident.code == "review_conflict"
    assert status(case) == "error"
    assert [e.data["authors"] for e in events(case, "review_conflict")] == [["safety_officer"]]
    row = _recheck_row(case)
    # the message names the tasks by their titles and the author by his name, in both languages
    author = actor("safety_officer").display_name
    assert incident.message == (f"审核任务“{row.title}”的办理人只能是被审核内容“隐患整改”的提交人{author}："
                                "请指派其他办理人后重试。")
    [listed] = incidents.list_incidents(actor("district_safety")).items
    assert listed["message"].english == (f"Only {author}, who submitted “Rectify the hazard”, could work the review "
                                         "“Re-check the hazard”: assign someone else to it, then retry.")
    client = current_app.test_client()
    headers = bearer(current_app, "district_safety", current_app.config["DEMO_PASSWORD"])
    for lang, said in (("en", listed["message"].english), ("zh", incident.message)):
        [answered] = client.get(f"/api/v1/incidents?lang={lang}", headers=headers).get_json()["data"]
        assert answered["message"] == said
    # the case's timeline shows the conflict, not the task ids and logins its data keeps for the technical view
    timeline = signed_in(current_app, "district_safety").get(f"/cases/{case}").get_data(as_text=True)
    def conflict(html: str) -> str:
        return html.split('<li class="ev ev-review_conflict">')[1].split("\n  </li>")[0]
    assert "回避" in conflict(timeline) and "<details" not in conflict(timeline)
    technical = conflict(signed_in(current_app, "admin").get(f"/cases/{case}").get_data(as_text=True))
    assert "<dt>reviews</dt><dd>rectify</dd>" in technical and "<dt>authors</dt>" in technical
    assert row.candidate_user_id is None  # the binding to the author is dropped
    assert not has_task(actor("safety_officer"), case, "recheck")
    with pytest.raises(CaseFailedError):  # nobody passes it while the incident is open
        cases.complete_task(actor("contractor_pm"), row.id, {"recheck_result": "pass"})

    incidents.retry_incident(actor("district_safety"), incident.id)
    assert _open_incident(case) is None
    assert not has_task(actor("safety_officer"), case, "recheck")
    complete(actor("contractor_pm"), case, "recheck", {"recheck_result": "pass"})
    assert status(case) == "completed"


def test_a_role_review_whose_only_holder_is_the_author_is_an_incident(family):
    # the reviewer named is not on the project: the recheck falls to the contractor_pm role,
    # whose only holder on the project rectified the hazard himself
    case = register(rectifier="contractor_pm", reviewer="contractor_pm2")
    rectify(case, "contractor_pm")
    assert _open_incident(case).code == "review_conflict"
    assert status(case) == "error"
    event = db.session.scalars(select(InstanceEvent).where(InstanceEvent.instance_id == case,
                                                           InstanceEvent.kind == "review_conflict")).one()
    assert event.title and event.title == _recheck_row(case).title  # the timeline names the review


def test_the_author_is_refused_while_other_candidates_review(family):
    project = db.session.scalar(select(Project).where(Project.code == PROJECT))
    colleague = gen_user("contractor_pm", project=project)
    case = register(rectifier="contractor_pm", reviewer="contractor_pm2")
    rectify(case, "contractor_pm")
    assert _open_incident(case) is None and status(case) == "running"
    row = _recheck_row(case)
    author = actor("contractor_pm")
    for attempt in (lambda: cases.claim_task(author, row.id),
                    lambda: cases.complete_task(author, row.id, {"recheck_result": "pass"}),
                    lambda: cases.assign_task(actor("district_safety"), row.id, author.user_id)):
        with pytest.raises(PermissionDeniedError) as refused:
            attempt()
        assert refused.value.code == "reviewer_is_author"
    complete(actor(colleague.username), case, "recheck", {"recheck_result": "pass"})
    assert status(case) == "completed"


def test_the_next_round_reviews_only_the_newest_answer(family):
    case = register(rectifier="safety_officer", reviewer="contractor_pm2")  # recheck: PM role
    rectify(case, "safety_officer")
    complete(actor("contractor_pm"), case, "recheck", {"recheck_result": "fail", "fail_reason": "仍有松动"})
    rectify(case, "safety_officer")
    # contractor_pm reviewed the first round; he did not write the second answer: still a reviewer
    complete(actor("contractor_pm"), case, "recheck", {"recheck_result": "pass"})
    assert status(case) == "completed" and _open_incident(case) is None
