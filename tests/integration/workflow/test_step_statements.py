"""The statements of a case step are counted (issue 19): a start and a completion of the review
chain each send a fixed set of statements, written in Core (bench/step_cpu.py has the CPU). A
new statement on this path fails here and must be argued for; each table is written once per
step, and no step is audited twice or not at all."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import event, select

from app.extensions import db
from app.models import AuditLog, InstanceEvent
from app.services.workflow import cases
from tests.support.factories import gen_project, gen_user

from .conftest import as_actor, gen_work, open_rows


def _kind(sql: str) -> str:
    words = sql.split()
    verb = words[0].upper()
    table = words[{"INSERT": 2, "UPDATE": 1, "DELETE": 2}.get(verb, 0)] if verb != "SELECT" else ""
    return f"{verb} {table}".strip().strip('"')


def counted(call) -> Counter:
    """The statements of the use case's transaction (up to its commit: what the tests' eager
    Celery then runs after it is another use case)."""
    seen: list[str] = []
    committed: list[bool] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        if not committed:
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    event.listen(engine, "commit", lambda _conn: committed.append(True))
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return Counter(_kind(s) for s in seen)


def test_a_start_and_a_completion_send_a_fixed_set_of_statements(app, deploy):
    deploy("review_loop.bpmn")
    project = gen_project()
    pm = gen_user("contractor_pm", project=project)
    actor = as_actor(pm)
    data = {"work_id": gen_work(project).id, "compile_days": 2, "history": None}
    db.session.commit()
    started: list[int] = []
    start = counted(lambda: started.append(cases.start_case(actor, "review_loop", project_code=project.code,
                                                                 data=data)))
    writes = {k: v for k, v in start.items() if not k.startswith("SELECT")}
    assert writes == {"INSERT process_instance": 1, "INSERT change_feed": 1, "UPDATE process_instance": 1,
                      "INSERT inbox_task": 1, "INSERT instance_event": 1, "INSERT outbox_message": 1,
                      "INSERT audit_log": 1}, start
    first_id = open_rows(started[0])[0].id
    db.session.commit()

    step = counted(lambda: cases.complete_task(actor, first_id, {"plan_name": "v1"}))
    assert step == {
        "SELECT": 2,  # the locking read (instance, definition, task row, district path), the open rows
        "UPDATE process_instance": 1, "INSERT change_feed": 1, "UPDATE inbox_task": 1,
        "INSERT inbox_task": 1, "INSERT instance_event": 1, "INSERT outbox_message": 1,
        "INSERT audit_log": 1,
    }, step
    audits = db.session.scalars(select(AuditLog.action).where(
        AuditLog.entity_type.in_(("process_instance", "inbox_task")), AuditLog.entity_id == str(started[0]))).all()
    assert audits == ["case_start", "case_complete"]
    kinds = db.session.scalars(select(InstanceEvent.kind).where(InstanceEvent.instance_id == started[0])
                               .order_by(InstanceEvent.id)).all()
    assert kinds[0] == "started" and "task_completed" in kinds
