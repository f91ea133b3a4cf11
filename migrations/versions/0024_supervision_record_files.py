"""files attached to supervision logs and side-station records

Revision ID: 0024
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('supervision_record_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['supervision_record.id'],
                            name=op.f('fk_supervision_record_file_record_id_supervision_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_record_file'))
    )
    op.create_index(op.f('ix_supervision_record_file_record_id'), 'supervision_record_file', ['record_id'], unique=False)
    op.create_index(op.f('ix_supervision_record_file_sha256'), 'supervision_record_file', ['sha256'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_supervision_record_file_sha256'), table_name='supervision_record_file')
    op.drop_index(op.f('ix_supervision_record_file_record_id'), table_name='supervision_record_file')
    op.drop_table('supervision_record_file')
