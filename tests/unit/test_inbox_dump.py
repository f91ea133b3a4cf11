"""The API list's plain dump of inbox rows equals the schema's dump, field for field and in order."""
from datetime import UTC, datetime, timedelta

from app.models import InboxTask
from app.schemas.workflow import InboxTaskSchema, dump_inbox_rows


def _rows() -> list[InboxTask]:
    now = datetime.now(UTC)
    common = {"instance_id": 7, "spiff_task_id": "x", "task_name": "review", "title": "审查方案",
              "process_key": "hazard_plan", "role": "contractor_pm", "status": "open"}
    return [
        InboxTask(id=1, **common, project_id=3, priority=10, due_at=now - timedelta(days=2),
                  created_at=now - timedelta(days=5), form_name="plan_review"),
        InboxTask(id=2, **common, project_id=None, priority=50, due_at=None, created_at=now,
                  subject_type="hazardous_work", subject_id=9, subject_title="深基坑", candidate_user_id=4),
        InboxTask(id=3, **{**common, "status": "completed"}, project_id=3, priority=90, assignee_id=5,
                  due_at=now - timedelta(days=1), created_at=now - timedelta(days=3),
                  completed_at=now - timedelta(hours=2)),
        InboxTask(id=4, **common, project_id=3, priority=50, due_at=now + timedelta(days=3),
                  created_at=now - timedelta(days=1)),
    ]


def test_the_plain_dump_is_the_schemas_dump():
    rows = _rows()
    expected = InboxTaskSchema(many=True).dump(rows)
    got = dump_inbox_rows(rows)
    assert got == expected
    assert [list(item) for item in got] == [list(item) for item in expected]
    assert [item["overdue"] for item in got] == [True, False, False, False]


def test_result_rows_of_the_inbox_list_dump_the_same():
    """list_tasks hands result rows (LISTED_COLUMNS + total), read by position."""
    from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData

    from app.services.workflow.inbox_queries import LISTED_COLUMNS

    names = [column.key for column in LISTED_COLUMNS] + ["total"]
    source = _rows()
    tuples = [tuple(getattr(row, name, None) if name != "total" else 4 for name in names) for row in source]
    rows = IteratorResult(SimpleResultMetaData(names), iter(tuples)).all()
    expected = InboxTaskSchema(many=True).dump(source)
    got = dump_inbox_rows(rows)
    assert got == expected
    assert [list(item) for item in got] == [list(item) for item in expected]
