"""webhooks: the signing secrets sealed at rest (Fernet with WEBHOOK_SECRET_KEYS, app/infra/secret_box.py)

The column widens to hold the sealed form, and every secret stored in clear before is sealed
with the first key. Downgrading opens them again (it needs the keys).

Revision ID: 0025
Revises: 0027
"""
import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0027"
branch_labels = None
depends_on = None

SUBSCRIPTION = sa.table("webhook_subscription", sa.column("id", sa.Integer), sa.column("secret", sa.String))


def _convert(change) -> None:
    bind = op.get_bind()
    for row_id, value in bind.execute(sa.select(SUBSCRIPTION.c.id, SUBSCRIPTION.c.secret)).all():
        new = change(value)
        if new != value:
            bind.execute(SUBSCRIPTION.update().where(SUBSCRIPTION.c.id == row_id).values(secret=new))


def upgrade():
    from app.infra import secret_box

    with op.batch_alter_table("webhook_subscription", schema=None) as batch_op:
        batch_op.alter_column("secret", existing_type=sa.String(length=100), type_=sa.String(length=300),
                              existing_nullable=False)
    _convert(lambda value: value if secret_box.is_sealed(value) else secret_box.seal(value))


def downgrade():
    from app.infra import secret_box

    _convert(lambda value: secret_box.unseal(value) if secret_box.is_sealed(value) else value)
    with op.batch_alter_table("webhook_subscription", schema=None) as batch_op:
        batch_op.alter_column("secret", existing_type=sa.String(length=300), type_=sa.String(length=100),
                              existing_nullable=False)
