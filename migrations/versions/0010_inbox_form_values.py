"""inbox_task.form_values: the values of a READY task's read-only form fields, so that task
pages never load the workflow; filled here for the open tasks

Revision ID: 0010
Revises: 0009
"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The clock the task pages used to read a task's data with: before any timer could be due.
_READ_CLOCK = datetime(2000, 1, 1, tzinfo=UTC)


def upgrade():
    # Plain ALTER TABLE (no batch copy): SQLite adds and drops a nullable column in place, and a
    # copy of inbox_task would trip the foreign keys that point at it.
    op.add_column("inbox_task", sa.Column(
        "form_values", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
        nullable=True))
    _fill_open_tasks(op.get_bind())


def _fill_open_tasks(conn):
    """Read each open task's data once, as the task page did, and keep its read-only fields."""
    from app import engine  # the only reader of a workflow's state; pure (no database)
    from app.formdefs import FormDef

    inbox = sa.table("inbox_task", sa.column("id"), sa.column("instance_id"), sa.column("spiff_task_id"),
                     sa.column("form_name"), sa.column("status"),
                     sa.column("form_values", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")))
    rows = conn.execute(sa.select(inbox.c.id, inbox.c.instance_id, inbox.c.spiff_task_id, inbox.c.form_name)
                        .where(inbox.c.status == "open", inbox.c.form_name.is_not(None))
                        .order_by(inbox.c.instance_id)).all()
    by_instance = {}
    for row in rows:
        by_instance.setdefault(row.instance_id, []).append(row)
    for instance_id, tasks in by_instance.items():
        state, spec_json, sources = conn.execute(sa.text(
            "SELECT i.state, d.spec_json, d.sources FROM process_instance i "
            "JOIN process_definition d ON d.id = i.definition_id WHERE i.id = :id"), {"id": instance_id}).one()
        sources = json.loads(sources) if isinstance(sources, str) else sources or {}
        try:
            ready = engine.fire_due_timers(spec_json, state, host=None, now=_READ_CLOCK).ready_user_tasks
        except Exception:  # noqa: BLE001 - an unreadable case keeps NULL: its page shows empty values
            continue
        data_of = {t["task_id"]: t.get("data") or {} for t in ready}
        for row in tasks:
            text = sources.get(row.form_name)
            if text is None or row.spiff_task_id not in data_of:
                continue
            data = data_of[row.spiff_task_id]
            values = {name: data.get(name) for name in FormDef(row.form_name, json.loads(text), None).readonly_fields}
            conn.execute(inbox.update().where(inbox.c.id == row.id)
                         .values(form_values=json.loads(json.dumps(values, default=str, ensure_ascii=False))))


def downgrade():
    op.drop_column("inbox_task", "form_values")
