"""safety education: site worker roster, education sessions, attendance with exam results, reminders

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_worker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_card_sha256', sa.String(length=64), nullable=False),
    sa.Column('id_card_masked', sa.String(length=18), nullable=False),
    sa.Column('trade', sa.String(length=32), nullable=False),
    sa.Column('team', sa.String(length=100), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_site_worker_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_worker')),
    sa.UniqueConstraint('project_id', 'id_card_sha256', name='uq_site_worker_project_card')
    )
    op.create_index(op.f('ix_site_worker_project_id'), 'site_worker', ['project_id'], unique=False)
    op.create_table('education_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('trainer', sa.String(length=50), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('content', sa.String(length=2000), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_education_session_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_session'))
    )
    op.create_index(op.f('ix_education_session_project_id'), 'education_session', ['project_id'], unique=False)
    op.create_index(op.f('ix_education_session_held_on'), 'education_session', ['held_on'], unique=False)
    op.create_table('education_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['education_session.id'], name=op.f('fk_education_attendance_session_id_education_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['site_worker.id'], name=op.f('fk_education_attendance_worker_id_site_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_attendance')),
    sa.UniqueConstraint('session_id', 'worker_id', name='uq_education_attendance_worker')
    )
    op.create_index(op.f('ix_education_attendance_session_id'), 'education_attendance', ['session_id'], unique=False)
    op.create_index(op.f('ix_education_attendance_worker_id'), 'education_attendance', ['worker_id'], unique=False)
    op.create_table('education_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_education_reminder_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_reminder')),
    sa.UniqueConstraint('key', name=op.f('uq_education_reminder_key'))
    )
    op.create_index(op.f('ix_education_reminder_project_id'), 'education_reminder', ['project_id'], unique=False)


def downgrade():
    op.drop_table('education_reminder')
    op.drop_table('education_attendance')
    op.drop_table('education_session')
    op.drop_table('site_worker')
