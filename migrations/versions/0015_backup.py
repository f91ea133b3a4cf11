"""backups and audit-log archives; the audit log may lose only rows a verified archive covers

Revision ID: 0015
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# The trigger texts of app/models/audit.py at this revision (copied: a migration never changes).
ARCHIVED = ("EXISTS (SELECT 1 FROM audit_archive a WHERE a.verified_at IS NOT NULL "
            "AND OLD.id BETWEEN a.first_id AND a.last_id "
            "AND OLD.at >= a.period_start AND OLD.at < a.period_end)")
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND {ARCHIVED} THEN RETURN OLD; END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END; $$"""
PG_FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$"""
SQLITE_NO_DELETE = ("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                    f"WHEN NOT {ARCHIVED} "
                    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
SQLITE_NO_DELETE_BEFORE = ("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")


def upgrade():
    op.create_table(
        "backup_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("table_rows", sa.BigInteger(), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("counts", JSON, nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_ok", sa.Boolean(), nullable=True),
        sa.Column("verify_error", sa.String(length=60), nullable=True),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_archive")),
        sa.UniqueConstraint("filename", name=op.f("uq_backup_archive_filename")),
    )
    with op.batch_alter_table("backup_archive", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backup_archive_created_at"), ["created_at"], unique=False)
    op.create_table(
        "audit_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_id", sa.BigInteger(), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_archive")),
        sa.UniqueConstraint("month", name=op.f("uq_audit_archive_month")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute(SQLITE_NO_DELETE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION_BEFORE)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute(SQLITE_NO_DELETE_BEFORE)
    op.drop_table("audit_archive")
    with op.batch_alter_table("backup_archive", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backup_archive_created_at"))
    op.drop_table("backup_archive")
