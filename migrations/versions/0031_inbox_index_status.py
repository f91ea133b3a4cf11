"""inbox: `status` as the last key of the enterprise and role-due indexes (SQLite reads them as
covering indexes: without it each counted row paid a deferred seek into the table, a quarter of
the count of a contractor's ~3,000 open rows)

Revision ID: 0031
Revises: 0030
"""
import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")
COVER = ("id", "due_at", "priority", "created_at", "process_key", "candidate_user_id", "assignee_id")
BEFORE = {"ix_inbox_task_open_enterprise": ["project_id", "role", "due_at", "id", "candidate_user_id", "assignee_id"],
          "ix_inbox_task_open_role_due": ["role", "due_at", "id", "district_path", "candidate_user_id", "assignee_id"]}
AFTER = {name: keys + ["status"] for name, keys in BEFORE.items()}


def _swap(old: dict, new: dict) -> None:
    with op.batch_alter_table("inbox_task", schema=None) as batch_op:
        for name in old:
            batch_op.drop_index(name, postgresql_where=OPEN, sqlite_where=OPEN)
        for name, keys in new.items():
            batch_op.create_index(name, keys, unique=False,
                                  postgresql_include=[c for c in COVER if c not in keys],
                                  postgresql_where=OPEN, sqlite_where=OPEN)


def upgrade():
    _swap(BEFORE, AFTER)


def downgrade():
    _swap(AFTER, BEFORE)
