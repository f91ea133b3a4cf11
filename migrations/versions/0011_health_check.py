"""site health check: scoring standards (versioned), indicators, monthly scores, deductions

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "health_check_standard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("effective_month", sa.String(length=7), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_check_standard")),
        sa.UniqueConstraint("version", name=op.f("uq_health_check_standard_version")),
        sa.UniqueConstraint("effective_month", name=op.f("uq_health_check_standard_effective_month")),
    )
    op.create_table(
        "health_check_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("cap", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["standard_id"], ["health_check_standard.id"], ondelete="CASCADE",
                                name=op.f("fk_health_check_indicator_standard_id_health_check_standard")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_check_indicator")),
        sa.UniqueConstraint("standard_id", "code", name="uq_health_check_indicator_code"),
    )
    op.create_table(
        "health_check_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rectification_instance_id", sa.Integer(), nullable=True),
        sa.Column("report_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_health_check_score_project_id_project")),
        sa.ForeignKeyConstraint(["standard_id"], ["health_check_standard.id"],
                                name=op.f("fk_health_check_score_standard_id_health_check_standard")),
        sa.ForeignKeyConstraint(["rectification_instance_id"], ["process_instance.id"],
                                name=op.f("fk_health_check_score_rectification_instance_id_process_instance")),
        sa.ForeignKeyConstraint(["report_document_id"], ["issued_document.id"],
                                name=op.f("fk_health_check_score_report_document_id_issued_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_check_score")),
        sa.UniqueConstraint("project_id", "month", name="uq_health_check_score_month"),
    )
    with op.batch_alter_table("health_check_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_check_score_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_health_check_score_month"), ["month"], unique=False)
    op.create_table(
        "health_check_deduction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score_id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(length=32), nullable=False),
        sa.Column("indicator_name", sa.String(length=100), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("source_kind", sa.String(length=32), nullable=False),
        sa.Column("source_ids", JSON, nullable=False),
        sa.ForeignKeyConstraint(["score_id"], ["health_check_score.id"], ondelete="CASCADE",
                                name=op.f("fk_health_check_deduction_score_id_health_check_score")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_check_deduction")),
    )
    with op.batch_alter_table("health_check_deduction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_check_deduction_score_id"), ["score_id"], unique=False)


def downgrade():
    op.drop_table("health_check_deduction")
    op.drop_table("health_check_score")
    op.drop_table("health_check_indicator")
    op.drop_table("health_check_standard")
