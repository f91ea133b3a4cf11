"""inbox: the candidate and assignee columns as trailing keys of the enterprise and role-due
indexes (SQLite has no INCLUDE: its counts of open rows looked each row up in the table)

Revision ID: 0028
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0023"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")
COVER = ("id", "due_at", "priority", "created_at", "process_key", "candidate_user_id", "assignee_id")
BEFORE = {"ix_inbox_task_open_enterprise": ["project_id", "role", "due_at", "id"],
          "ix_inbox_task_open_role_due": ["role", "due_at", "id", "district_path"]}
AFTER = {name: keys + ["candidate_user_id", "assignee_id"] for name, keys in BEFORE.items()}


def _swap(old: dict, new: dict) -> None:
    with op.batch_alter_table("inbox_task", schema=None) as batch_op:
        for name, keys in old.items():
            batch_op.drop_index(name, postgresql_where=OPEN, sqlite_where=OPEN)
        for name, keys in new.items():
            batch_op.create_index(name, keys, unique=False,
                                  postgresql_include=[c for c in COVER if c not in keys],
                                  postgresql_where=OPEN, sqlite_where=OPEN)


def upgrade():
    _swap(BEFORE, AFTER)


def downgrade():
    _swap(AFTER, BEFORE)
