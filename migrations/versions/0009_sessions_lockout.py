"""sessions and lockout: user_account.auth_epoch, login_throttle per (username, source)
replacing user_account.failed_logins

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auth_epoch", sa.Integer(), server_default="0", nullable=False))
        # failures are counted per (username, address) in login_throttle now
        batch_op.drop_column("failed_logins")
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint("username", "ip", name="uq_login_throttle_username_ip"),
    )


def downgrade():
    op.drop_table("login_throttle")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("auth_epoch")
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
