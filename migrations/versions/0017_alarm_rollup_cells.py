"""alarm rollup cells: the daily alarm rollups summed per month and per district (cuboids), filled
from the daily rollups held

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Keep in step with app/services/insight/rollup_cells.py (a migration never imports the app).
CUBOIDS = {"P": ("project", (), ("d", "m")), "PA": ("project", ("alarm_type",), ("m",)),
           "D": ("district", (), ("d", "m")), "DX": ("district", ("device_type", "alarm_type"), ("d", "m")),
           "DL": ("district", ("alarm_type", "level"), ("d", "m"))}
_FILL = """
INSERT INTO alarm_rollup_cell (cuboid, grain, alarm_type, period, unit_id, device_type, level, total, closed,
                               assigned, urged, on_time, disposal_hours)
SELECT '{cuboid}', '{grain}', {alarm_type}, {period}, {unit}, {device_type}, {level}, SUM(r.total), SUM(r.closed),
       SUM(r.assigned), SUM(r.urged), SUM(r.on_time), SUM(r.disposal_hours)
FROM alarm_day_rollup r JOIN project p ON p.id = r.project_id
GROUP BY {grouped}
"""


def upgrade():
    op.create_table(
        "alarm_rollup_cell",
        sa.Column("cuboid", sa.String(length=2), nullable=False),
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("alarm_type", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("device_type", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("urged", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("disposal_hours", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("cuboid", "grain", "alarm_type", "period", "unit_id", "device_type", "level",
                                name=op.f("pk_alarm_rollup_cell")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("alarm_rollup_cell", schema=None) as batch_op:
        batch_op.create_index("ix_alarm_rollup_cell_period", ["cuboid", "grain", "period"], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    month = "CAST(date_trunc('month', r.day) AS DATE)" if postgres else "strftime('%Y-%m-01', r.day)"
    for cuboid, (unit, kept, grains) in CUBOIDS.items():
        for grain in grains:
            period = "r.day" if grain == "d" else month
            unit_id = "r.project_id" if unit == "project" else "p.district_id"
            columns = {k: f"r.{k}" if k in kept else "''" for k in ("alarm_type", "device_type", "level")}
            grouped = ", ".join([period, unit_id, *(f"r.{k}" for k in kept)])
            op.execute(_FILL.format(cuboid=cuboid, grain=grain, period=period, unit=unit_id, grouped=grouped,
                                    **columns))


def downgrade():
    with op.batch_alter_table("alarm_rollup_cell", schema=None) as batch_op:
        batch_op.drop_index("ix_alarm_rollup_cell_period")
    op.drop_table("alarm_rollup_cell")
