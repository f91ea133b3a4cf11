"""device data trust: data_id unique per device; rejections name their project and device

Revision ID: 0008
Revises: 009375426530 (0007_password_change_required)
Create Date: 2026-12-05

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '009375426530'
branch_labels = None
depends_on = None


def upgrade():
    # One project must not suppress another's readings by sending their data_ids first.
    # data_id leads: the ingest duplicate lookup filters on it (see models/telemetry.py).
    with op.batch_alter_table('device_reading', schema=None) as batch_op:
        batch_op.drop_constraint('uq_device_reading_data_id', type_='unique')
        batch_op.create_unique_constraint('uq_device_reading_device_data_id', ['data_id', 'device_id'])

    with op.batch_alter_table('rejected_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('device_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rejected_message_project_id_project'), 'project',
                                    ['project_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_rejected_message_device_id_device'), 'device',
                                    ['device_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_rejected_message_project_received', ['project_id', 'received_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('rejected_message', schema=None) as batch_op:
        batch_op.drop_index('ix_rejected_message_project_received')
        batch_op.drop_constraint(batch_op.f('fk_rejected_message_device_id_device'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_rejected_message_project_id_project'), type_='foreignkey')
        batch_op.drop_column('device_id')
        batch_op.drop_column('project_id')

    with op.batch_alter_table('device_reading', schema=None) as batch_op:
        batch_op.drop_constraint('uq_device_reading_device_data_id', type_='unique')
        batch_op.create_unique_constraint('uq_device_reading_data_id', ['data_id'])
