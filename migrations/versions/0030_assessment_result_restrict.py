"""assessment results outlive no unit silently: their district and enterprise keys RESTRICT

0029 made `district_id` / `enterprise_id` cascade on delete, so removing an org unit or an
enterprise row took its monthly assessments with it. An assessment is a record: deleting a unit
that has one is now refused by the database (as a document or an order keeps its project).

Revision ID: 0030
Revises: 0029
"""
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

KEYS = (("fk_assessment_result_district_id_org_unit", "org_unit", "district_id"),
        ("fk_assessment_result_enterprise_id_enterprise", "enterprise", "enterprise_id"))


def _keys(ondelete: str) -> None:
    with op.batch_alter_table("assessment_result", schema=None) as batch_op:
        for name, table, column in KEYS:
            batch_op.drop_constraint(batch_op.f(name), type_="foreignkey")
            batch_op.create_foreign_key(batch_op.f(name), table, [column], ["id"], ondelete=ondelete)


def upgrade():
    _keys("RESTRICT")


def downgrade():
    _keys("CASCADE")
