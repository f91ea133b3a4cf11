"""supervising engineers' records: supervision logs, side-station and parallel inspection
records with their chief supervisor's review

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table('supervision_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('number', sa.String(length=48), nullable=False),
    sa.Column('record_date', sa.Date(), nullable=False),
    sa.Column('content', JSON, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('author_name', sa.String(length=100), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revisions', sa.Integer(), nullable=False),
    sa.Column('reviewer', sa.String(length=64), nullable=True),
    sa.Column('reviewer_name', sa.String(length=100), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_opinion', sa.String(length=500), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['issued_document.id'],
                            name=op.f('fk_supervision_record_document_id_issued_document')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                            name=op.f('fk_supervision_record_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_record')),
    sa.UniqueConstraint('number', name='uq_supervision_record_number')
    )
    op.create_index(op.f('ix_supervision_record_project_id'), 'supervision_record', ['project_id'], unique=False)
    op.create_index(op.f('ix_supervision_record_record_date'), 'supervision_record', ['record_date'], unique=False)
    op.create_table('supervision_log_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last_log_date', sa.Date(), nullable=True),
    sa.Column('missing_days', sa.Integer(), nullable=False),
    sa.Column('told', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                            name=op.f('fk_supervision_log_reminder_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_log_reminder')),
    sa.UniqueConstraint('project_id', 'day', name='uq_supervision_log_reminder_day')
    )
    op.create_index(op.f('ix_supervision_log_reminder_project_id'), 'supervision_log_reminder', ['project_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_supervision_log_reminder_project_id'), table_name='supervision_log_reminder')
    op.drop_table('supervision_log_reminder')
    op.drop_index(op.f('ix_supervision_record_record_date'), table_name='supervision_record')
    op.drop_index(op.f('ix_supervision_record_project_id'), table_name='supervision_record')
    op.drop_table('supervision_record')
