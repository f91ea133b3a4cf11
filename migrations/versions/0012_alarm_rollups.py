"""daily alarm rollups for the statistics and the command centre, filled from the alarms held;
display tokens of the command-centre wall

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Keep in step with app/services/insight/rollups.py (a migration never imports the app).
_FILL = """
INSERT INTO alarm_day_rollup (project_id, day, device_type, alarm_type, level, total, closed,
                              assigned, urged, on_time, disposal_hours)
SELECT a.project_id, {day}, d.device_type, a.alarm_type, a.level, COUNT(*),
       SUM(CASE WHEN a.status = 'closed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.instance_id IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN u.instance_id IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.status = 'closed' AND a.outcome = 'handled' AND u.instance_id IS NULL
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.status = 'closed' AND a.closed_at IS NOT NULL THEN {hours} ELSE 0.0 END)
FROM device_alarm a JOIN device d ON d.id = a.device_id
LEFT JOIN (SELECT DISTINCT instance_id FROM inbox_task WHERE task_name = 'decide_overdue') u
       ON u.instance_id = a.instance_id
GROUP BY a.project_id, {day}, d.device_type, a.alarm_type, a.level
"""


def upgrade():
    op.create_table(
        "alarm_day_rollup",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("device_type", sa.String(length=32), nullable=False),
        sa.Column("alarm_type", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("urged", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("disposal_hours", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_alarm_day_rollup_project_id_project")),
        sa.PrimaryKeyConstraint("project_id", "day", "device_type", "alarm_type", "level",
                                name=op.f("pk_alarm_day_rollup")),
    )
    with op.batch_alter_table("alarm_day_rollup", schema=None) as batch_op:
        batch_op.create_index("ix_alarm_day_rollup_day_project", ["day", "project_id"], unique=False)
    op.create_table(
        "alarm_rollup_dirty",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_alarm_rollup_dirty_project_id_project")),
        sa.PrimaryKeyConstraint("project_id", "day", name=op.f("pk_alarm_rollup_dirty")),
    )
    with op.batch_alter_table("device_alarm", schema=None) as batch_op:
        batch_op.create_index("ix_device_alarm_project_first", ["project_id", "first_at"], unique=False)
    op.create_table(
        "display_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_unit.id"], name=op.f("fk_display_token_org_unit_id_org_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_display_token")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_display_token_token_sha256")),
    )
    with op.batch_alter_table("display_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_display_token_org_unit_id"), ["org_unit_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        day, hours = "date(a.first_at, '+8 hours')", "(julianday(a.closed_at) - julianday(a.first_at)) * 24.0"
    else:
        day = "date(timezone(INTERVAL '+08:00', a.first_at))"
        hours = "extract(epoch from a.closed_at - a.first_at) / 3600.0"
    op.execute(_FILL.format(day=day, hours=hours))


def downgrade():
    with op.batch_alter_table("display_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_display_token_org_unit_id"))
    op.drop_table("display_token")
    with op.batch_alter_table("device_alarm", schema=None) as batch_op:
        batch_op.drop_index("ix_device_alarm_project_first")
    op.drop_table("alarm_rollup_dirty")
    with op.batch_alter_table("alarm_day_rollup", schema=None) as batch_op:
        batch_op.drop_index("ix_alarm_day_rollup_day_project")
    op.drop_table("alarm_day_rollup")
