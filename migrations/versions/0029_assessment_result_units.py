"""assessment results: the unit as a district (org_unit) or an enterprise, each a foreign key;
daily alarm rollups by alarm type and day

`unit_id` named either table after `subject` and had no foreign key; now `district_id` and
`enterprise_id`, exactly one set (a CHECK), each unique per month. Rows are copied across;
a row whose unit no longer exists (nothing kept it before) is dropped. Downgrading copies back.
The index ix_alarm_day_rollup_type_day carries the figures: one alarm type's days are read from
it alone (the statistics of a period with a type filter, for the days either side of its months).

Revision ID: 0029
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0024"
branch_labels = None
depends_on = None

ONE_UNIT = ("(subject = 'district' AND district_id IS NOT NULL AND enterprise_id IS NULL)"
            " OR (subject = 'enterprise' AND enterprise_id IS NOT NULL AND district_id IS NULL)")


ROLLUP_TYPE_DAY = ["alarm_type", "day", "project_id", "total", "closed", "assigned", "urged", "on_time",
                   "disposal_hours"]


def upgrade():
    with op.batch_alter_table("alarm_day_rollup", schema=None) as batch_op:
        batch_op.create_index("ix_alarm_day_rollup_type_day", ROLLUP_TYPE_DAY, unique=False)
    with op.batch_alter_table("assessment_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("enterprise_id", sa.Integer(), nullable=True))
    op.execute("UPDATE assessment_result SET district_id = unit_id WHERE subject = 'district'"
               " AND unit_id IN (SELECT id FROM org_unit)")
    op.execute("UPDATE assessment_result SET enterprise_id = unit_id WHERE subject = 'enterprise'"
               " AND unit_id IN (SELECT id FROM enterprise)")
    op.execute("DELETE FROM assessment_result WHERE district_id IS NULL AND enterprise_id IS NULL")
    with op.batch_alter_table("assessment_result", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_assessment_result_unit"), type_="unique")
        batch_op.drop_column("unit_id")
        batch_op.create_foreign_key(batch_op.f("fk_assessment_result_district_id_org_unit"), "org_unit",
                                    ["district_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key(batch_op.f("fk_assessment_result_enterprise_id_enterprise"), "enterprise",
                                    ["enterprise_id"], ["id"], ondelete="CASCADE")
        batch_op.create_unique_constraint(batch_op.f("uq_assessment_result_district"), ["month", "district_id"])
        batch_op.create_unique_constraint(batch_op.f("uq_assessment_result_enterprise"), ["month", "enterprise_id"])
        batch_op.create_check_constraint(batch_op.f("ck_assessment_result_one_unit"), ONE_UNIT)


def downgrade():
    with op.batch_alter_table("alarm_day_rollup", schema=None) as batch_op:
        batch_op.drop_index("ix_alarm_day_rollup_type_day")
    with op.batch_alter_table("assessment_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
    op.execute("UPDATE assessment_result SET unit_id = COALESCE(district_id, enterprise_id)")
    with op.batch_alter_table("assessment_result", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_assessment_result_one_unit"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_assessment_result_enterprise"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_assessment_result_district"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_assessment_result_enterprise_id_enterprise"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_assessment_result_district_id_org_unit"), type_="foreignkey")
        batch_op.drop_column("enterprise_id")
        batch_op.drop_column("district_id")
        batch_op.alter_column("unit_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_assessment_result_unit"), ["month", "subject", "unit_id"])
