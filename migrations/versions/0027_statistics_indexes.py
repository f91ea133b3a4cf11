"""statistics indexes: alarm rollup cells by unit within a period, device alarms by last activity

Revision ID: 0027
Revises: 0028
"""
from alembic import op

revision = "0027"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("alarm_rollup_cell", schema=None) as batch_op:
        batch_op.create_index("ix_alarm_rollup_cell_unit", ["cuboid", "grain", "alarm_type", "unit_id", "period",
                                                            "total", "closed", "assigned", "urged", "on_time",
                                                            "disposal_hours"], unique=False)
    with op.batch_alter_table("device_alarm", schema=None) as batch_op:
        batch_op.create_index("ix_device_alarm_last", ["last_at", "id"], unique=False)
        batch_op.create_index("ix_device_alarm_project_last", ["project_id", "last_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("device_alarm", schema=None) as batch_op:
        batch_op.drop_index("ix_device_alarm_project_last")
        batch_op.drop_index("ix_device_alarm_last")
    with op.batch_alter_table("alarm_rollup_cell", schema=None) as batch_op:
        batch_op.drop_index("ix_alarm_rollup_cell_unit")
