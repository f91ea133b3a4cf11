"""Every path of `supervision_record_review` with the real role users and forms: a record's
submission starts it; the chief supervisor approves (the record is printed) or returns it with
the reason; the writer revises it with the form of its kind (log, side-station, parallel) and it
is reviewed again, as often as it takes; a revision the record's rules refuse goes back to the
writer; the writer never reviews his own record; records from before the chain get their case
on first use; nobody starts the chain by hand; another project's people see nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from app.errors import DomainError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import (
    InboxTask,
    Incident,
    IssuedDocument,
    ProcessInstance,
    Project,
    RoleGrant,
    SupervisionRecord,
)
from app.services.casework import task_reads
from app.services.site_records import records, review, review_case
from app.services.workflow import cases, incidents
from tests.integration.site_records.support import BODIES, day
from tests.support.processes import actor, deploy_only, events, my_task

KEY = "supervision_record_review"
LOG_REVISED = {"record_date": "2026-03-01", "weather": "阴", "works": "3#楼三层顶板钢筋绑扎。",
               "inspections": "检查3#楼三层顶板钢筋间距10处。", "problems": "无", "handling": "无",
               "instructions": "浇筑前隐蔽验收。"}


@pytest.fixture
def chain(demo_sqlite):
    deploy_only((KEY,))
    return demo_sqlite


def write(kind: str = "log", user: str = "supervisor", **kw) -> tuple[int, int]:
    """(record id, its case id) of a record written as the API does."""
    record_id = records.write_record(actor(user), "JS-2026-001", kind, BODIES[kind](**kw))
    return record_id, review_case.open_case(record_id).id


def record(record_id: int) -> SupervisionRecord:
    db.session.expire_all()
    return db.session.get(SupervisionRecord, record_id)


def open_tasks(case: int) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(t.task_name, t.role) for t in db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == case, InboxTask.status == "open").order_by(InboxTask.id))]


def complete(user: str, case: int, task: str, data: dict) -> None:
    cases.complete_task(actor(user), my_task(user, case, task).id, data)


def status(case: int) -> str:
    db.session.expire_all()
    return db.session.get(ProcessInstance, case).status


def test_a_submitted_record_waits_for_the_chief_and_approval_prints_it(chain):
    record_id, case = write()
    assert open_tasks(case) == [("review", "chief_supervisor")]
    row = my_task("chief_supervisor", case, "review")
    assert row.subject_title.startswith("监理日志 JS-2026-001-RZ0001（")
    shown = {f["label"]: f["value"] for f in task_reads.task_detail(actor("chief_supervisor"), row.id)["summary"]}
    assert shown["记录人"] == "孙浩（监理工程师）" and shown["监理检查情况"] == "检查钢筋间距与保护层。"
    complete("chief_supervisor", case, "review", {"review_decision": "approve", "review_opinion": "记录完整。"})
    done = record(record_id)
    assert (done.status, done.reviewer, done.review_opinion) == ("approved", "chief_supervisor", "记录完整。")
    assert db.session.get(IssuedDocument, done.document_id).template == "supervision_log"
    assert status(case) == "completed"


def test_a_return_needs_its_reason_and_only_the_chief_reviews(chain):
    _, case = write()
    task = my_task("chief_supervisor", case, "review").id
    with pytest.raises(DomainError) as refused:
        cases.complete_task(actor("chief_supervisor"), task, {"review_decision": "return", "review_opinion": " "})
    assert refused.value.code == "form_invalid"
    for other in ("supervisor", "contractor_pm", "district_quality"):
        with pytest.raises(DomainError) as refused:
            cases.complete_task(actor(other), task, {"review_decision": "approve"})
        assert refused.value.code == "task_not_candidate", other
    for stranger in ("contractor_pm2", "district_safety2"):  # another project, another district
        with pytest.raises(DomainError) as refused:
            cases.complete_task(actor(stranger), task, {"review_decision": "approve"})
        assert refused.value.code == "task_not_found", stranger
        with pytest.raises(DomainError) as refused:
            task_reads.task_detail(actor(stranger), task)
        assert refused.value.code == "task_not_found", stranger


def test_returned_twice_revised_by_its_writer_each_time_then_approved(chain):
    record_id, case = write()
    for round_, reason in enumerate(("请写明检查部位。", "问题处理情况过简。"), start=1):
        complete("chief_supervisor", case, "review", {"review_decision": "return", "review_opinion": reason})
        assert record(record_id).status == "returned" and record(record_id).review_opinion == reason
        assert open_tasks(case) == [("revise_log", "supervisor")]
        row = my_task("supervisor", case, "revise_log")
        assert row.candidate_user_id == actor("supervisor").user_id  # the writer himself
        with pytest.raises(DomainError) as refused:  # the chief does not rewrite the writer's record
            cases.complete_task(actor("chief_supervisor"), row.id, {"revised_log": LOG_REVISED})
        assert refused.value.code == "task_not_candidate"
        shown = {f["label"]: f["value"] for f in task_reads.task_detail(actor("supervisor"), row.id)["summary"]}
        assert shown["退回原因"] == reason and shown["退回人"] == "赵军（总监理工程师）"
        complete("supervisor", case, "revise_log", {"revised_log": {**LOG_REVISED, "handling": f"第{round_}次修改"}})
        again = record(record_id)
        assert (again.status, again.revisions, again.content["handling"]) == ("submitted", round_, f"第{round_}次修改")
        assert open_tasks(case) == [("review", "chief_supervisor")]
    summary = task_reads.task_detail(actor("chief_supervisor"), my_task("chief_supervisor", case, "review").id)
    assert {f["label"]: f["value"] for f in summary["summary"]}["问题处理情况"] == "第2次修改"
    complete("chief_supervisor", case, "review", {"review_decision": "approve"})
    assert record(record_id).status == "approved" and status(case) == "completed"


def test_a_side_station_record_is_revised_with_its_own_form_in_china_time(chain):
    record_id, case = write("side_station")
    complete("chief_supervisor", case, "review", {"review_decision": "return", "review_opinion": "补写结束时间。"})
    assert open_tasks(case) == [("revise_side_station", "supervisor")]
    body = {k: v for k, v in BODIES["side_station"]().items()}
    revised = {**body, "started_at": f"{day()}T08:30", "ended_at": f"{day()}T15:00"}  # a page's datetime-local
    with pytest.raises(DomainError) as refused:
        complete("supervisor", case, "revise_side_station",
                 {"revised_side_station": {**revised, "ended_at": f"{day()}T07:00"}})
    assert refused.value.code == "form_invalid"
    complete("supervisor", case, "revise_side_station", {"revised_side_station": revised})
    assert record(record_id).content["ended_at"] == f"{day()}T15:00:00+08:00"
    complete("chief_supervisor", case, "review", {"review_decision": "approve"})
    assert db.session.get(IssuedDocument, record(record_id).document_id).template == "side_station_record"


def test_a_parallel_inspection_is_revised_and_a_revision_the_rules_refuse_goes_back(chain):
    record_id, case = write("parallel_inspection")
    complete("chief_supervisor", case, "review", {"review_decision": "return", "review_opinion": "结论有误。"})
    future = (wallclock.local_today() + timedelta(days=3)).isoformat()
    body = {**BODIES["parallel_inspection"](), "result": "unqualified"}
    complete("supervisor", case, "revise_parallel_inspection", {"revised_parallel_inspection": {**body, "record_date": future}})
    assert open_tasks(case) == [("revise_parallel_inspection", "supervisor")]  # back, with the problem
    assert record(record_id).status == "returned"
    returned = task_reads.task_detail(actor("supervisor"), my_task("supervisor", case, "revise_parallel_inspection").id)
    assert "记录日期不能晚于今天" in returned["returned"]["reason"] and returned["returned"]["by"] == "系统校验"
    complete("supervisor", case, "revise_parallel_inspection", {"revised_parallel_inspection": body})
    assert record(record_id).content["result"] == "unqualified" and open_tasks(case) == [("review", "chief_supervisor")]
    complete("chief_supervisor", case, "review", {"review_decision": "approve"})
    assert status(case) == "completed"


def test_the_writer_never_reviews_his_own_record(chain):
    record_id, case = write(user="chief_supervisor")  # the project's only chief supervisor wrote it
    assert status(case) == "error"
    incident = db.session.scalar(select(Incident).where(Incident.instance_id == case))
    assert incident.code == "review_conflict"
    row = db.session.scalar(select(InboxTask).where(InboxTask.instance_id == case, InboxTask.status == "open"))
    with pytest.raises(DomainError) as refused:
        cases.complete_task(actor("chief_supervisor"), row.id, {"review_decision": "approve"})
    assert refused.value.code == "reviewer_is_author"
    with pytest.raises(DomainError) as refused:
        review.review_record(actor("chief_supervisor"), record_id, {"decision": "approve"})
    assert refused.value.code == "review_own_record"
    assert record(record_id).status == "submitted"


def test_the_record_page_and_the_inbox_are_one_decision(chain):
    record_id, case = write()
    outcome = review.review_record(actor("chief_supervisor"), record_id, {"decision": "return", "opinion": "补充。"})
    assert outcome["status"] == "returned" and open_tasks(case) == [("revise_log", "supervisor")]
    records.revise_record(actor("supervisor"), record_id, BODIES["log"](problems="已补充。"))
    assert open_tasks(case) == [("review", "chief_supervisor")] and record(record_id).revisions == 1
    complete("chief_supervisor", case, "review", {"review_decision": "approve"})
    with pytest.raises(DomainError) as refused:
        review.review_record(actor("chief_supervisor"), record_id, {"decision": "return", "opinion": "再看看"})
    assert refused.value.code == "record_not_submitted"


def _before_the_chain(status_: str, **kw) -> int:
    """A record as a database from before the chain holds it: no case."""
    content = {k: v for k, v in BODIES["log"]().items() if k != "record_date"}
    with transaction():
        project = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
        row = SupervisionRecord(project_id=project.id, kind="log", number=f"JS-2026-001-RZ9{len(status_)}",
                                record_date=wallclock.local_today(), content=content, status=status_,
                                author="supervisor", author_name="孙浩（监理工程师）", submitted_at=wallclock.now(),
                                revisions=0, **kw)
        db.session.add(row)
        db.session.flush()
        return row.id


def test_records_pending_before_the_chain_are_reviewed_and_revised_through_it(chain):
    pending = _before_the_chain("submitted")
    returned = _before_the_chain("returned", reviewer="chief_supervisor", reviewer_name="赵军（总监理工程师）",
                                 review_opinion="旧的退回原因。")
    outcome = review.review_record(actor("chief_supervisor"), pending, {"decision": "approve"})  # start-on-read
    assert outcome["status"] == "approved" and outcome["document_id"]
    assert review_case.start_missing_cases() == 1  # the returned one: its case waits at the writer
    case = review_case.open_case(returned).id
    assert open_tasks(case) == [("revise_log", "supervisor")]
    shown = {f["label"]: f["value"] for f in task_reads.task_detail(
        actor("supervisor"), my_task("supervisor", case, "revise_log").id)["summary"]}
    assert shown["退回原因"] == "旧的退回原因。"
    records.revise_record(actor("supervisor"), returned, BODIES["log"]())
    assert open_tasks(case) == [("review", "chief_supervisor")]
    assert review_case.start_missing_cases() == 0


def test_nobody_starts_the_chain_by_hand(chain):
    record_id, _ = write()
    for user in ("supervisor", "admin", "district_quality"):
        with pytest.raises(DomainError) as refused:
            cases.start_case(actor(user), KEY, project_code="JS-2026-001", subject_type="supervision_record",
                             subject_id=record_id, data={"record_id": record_id})
        assert refused.value.code == "record_review_automatic", user
        with pytest.raises(DomainError) as refused:
            cases.start_case(actor(user), KEY, project_code="JS-2026-001", data={"record_id": record_id})
        assert refused.value.code == "record_review_automatic", user


def test_a_project_without_a_chief_supervisor_says_so_and_names_no_author(chain):
    project = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
    with transaction(actor("admin")):
        db.session.execute(delete(RoleGrant).where(RoleGrant.project_id == project.id,
                                                   RoleGrant.role_code == "chief_supervisor"))
    record_id, case = write()
    assert status(case) == "error"
    incident = db.session.scalar(select(Incident).where(Incident.instance_id == case))
    assert incident.code == "reviewer_missing"
    assert incident.message == "项目上没有总监理工程师，审核无人办理：请先指定总监理工程师，再重试。"
    [listed] = [i for i in incidents.list_incidents(actor("admin")).items if i["id"] == incident.id]
    assert listed["message"].english == ("The project has no chief supervising engineer: nobody can do the "
                                         "review. Appoint one, then retry.")
    assert "supervisor" not in incident.message and "孙浩" not in incident.message
    assert [e.kind for e in events(case) if e.kind.startswith("review")] == ["reviewer_missing"]
    assert record(record_id).status == "submitted"
