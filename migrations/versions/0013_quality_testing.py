"""testing supervision: agencies, personnel, equipment, witness samples and their trail,
commissions, reports (revisions, refusals kept), quality warnings

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table('testing_agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=500), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testing_agency')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_testing_agency_credit_code'))
    )
    op.create_table('quality_report_rejection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('report_no', sa.String(length=64), nullable=True),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('payload', JSON, nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['testing_agency.id'], name=op.f('fk_quality_report_rejection_agency_id_testing_agency')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_quality_report_rejection_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_report_rejection'))
    )
    with op.batch_alter_table('quality_report_rejection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_report_rejection_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_report_rejection_project_id'), ['project_id'], unique=False)

    op.create_table('testing_agency_equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('serial_no', sa.String(length=64), nullable=False),
    sa.Column('calibrated_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['testing_agency.id'], name=op.f('fk_testing_agency_equipment_agency_id_testing_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testing_agency_equipment'))
    )
    with op.batch_alter_table('testing_agency_equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_testing_agency_equipment_agency_id'), ['agency_id'], unique=False)

    op.create_table('testing_agency_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('qualification', sa.String(length=100), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['testing_agency.id'], name=op.f('fk_testing_agency_person_agency_id_testing_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testing_agency_person'))
    )
    with op.batch_alter_table('testing_agency_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_testing_agency_person_agency_id'), ['agency_id'], unique=False)

    op.create_table('quality_commission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['testing_agency.id'], name=op.f('fk_quality_commission_agency_id_testing_agency')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_quality_commission_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_commission')),
    sa.UniqueConstraint('number', name=op.f('uq_quality_commission_number'))
    )
    with op.batch_alter_table('quality_commission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_commission_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_commission_project_id'), ['project_id'], unique=False)

    op.create_table('quality_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('material', sa.String(length=100), nullable=False),
    sa.Column('specification', sa.String(length=100), nullable=False),
    sa.Column('batch', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('sampler_name', sa.String(length=50), nullable=False),
    sa.Column('sampler_cert', sa.String(length=64), nullable=False),
    sa.Column('witness_name', sa.String(length=50), nullable=False),
    sa.Column('witness_cert', sa.String(length=64), nullable=False),
    sa.Column('sampled_on', sa.Date(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_quality_sample_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_sample')),
    sa.UniqueConstraint('code', name=op.f('uq_quality_sample_code'))
    )
    with op.batch_alter_table('quality_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_sample_project_id'), ['project_id'], unique=False)

    op.create_table('quality_warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['testing_agency.id'], name=op.f('fk_quality_warning_agency_id_testing_agency')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_quality_warning_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_warning')),
    sa.UniqueConstraint('key', name=op.f('uq_quality_warning_key'))
    )
    with op.batch_alter_table('quality_warning', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_warning_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_warning_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_warning_project_id'), ['project_id'], unique=False)

    op.create_table('quality_commission_sample',
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['quality_commission.id'], name=op.f('fk_quality_commission_sample_commission_id_quality_commission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sample_id'], ['quality_sample.id'], name=op.f('fk_quality_commission_sample_sample_id_quality_sample'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('commission_id', 'sample_id', name=op.f('pk_quality_commission_sample'))
    )
    op.create_table('quality_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('report_no', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('conclusion', sa.String(length=16), nullable=False),
    sa.Column('items', JSON, nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revisions', sa.Integer(), nullable=False),
    sa.Column('handling_instance_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['testing_agency.id'], name=op.f('fk_quality_report_agency_id_testing_agency')),
    sa.ForeignKeyConstraint(['handling_instance_id'], ['process_instance.id'], name=op.f('fk_quality_report_handling_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_quality_report_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_report')),
    sa.UniqueConstraint('agency_id', 'report_no', name='uq_quality_report_number')
    )
    with op.batch_alter_table('quality_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_report_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_report_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_report_project_id'), ['project_id'], unique=False)

    op.create_table('quality_sample_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.String(length=500), nullable=False),
    sa.Column('new_value', sa.String(length=500), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sample_id'], ['quality_sample.id'], name=op.f('fk_quality_sample_change_sample_id_quality_sample'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_sample_change'))
    )
    with op.batch_alter_table('quality_sample_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_sample_change_sample_id'), ['sample_id'], unique=False)

    op.create_table('quality_report_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('before', JSON, nullable=False),
    sa.Column('after', JSON, nullable=False),
    sa.Column('revised_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['quality_report.id'], name=op.f('fk_quality_report_revision_report_id_quality_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_report_revision'))
    )
    with op.batch_alter_table('quality_report_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_report_revision_report_id'), ['report_id'], unique=False)

    op.create_table('quality_report_sample',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['quality_report.id'], name=op.f('fk_quality_report_sample_report_id_quality_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sample_id'], ['quality_sample.id'], name=op.f('fk_quality_report_sample_sample_id_quality_sample'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'sample_id', name=op.f('pk_quality_report_sample'))
    )


def downgrade():
    op.drop_table('quality_report_sample')
    with op.batch_alter_table('quality_report_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_report_revision_report_id'))

    op.drop_table('quality_report_revision')
    with op.batch_alter_table('quality_sample_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_sample_change_sample_id'))

    op.drop_table('quality_sample_change')
    with op.batch_alter_table('quality_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_report_project_id'))
        batch_op.drop_index(batch_op.f('ix_quality_report_issued_at'))
        batch_op.drop_index(batch_op.f('ix_quality_report_agency_id'))

    op.drop_table('quality_report')
    op.drop_table('quality_commission_sample')
    with op.batch_alter_table('quality_warning', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_warning_project_id'))
        batch_op.drop_index(batch_op.f('ix_quality_warning_kind'))
        batch_op.drop_index(batch_op.f('ix_quality_warning_agency_id'))

    op.drop_table('quality_warning')
    with op.batch_alter_table('quality_sample', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_sample_project_id'))

    op.drop_table('quality_sample')
    with op.batch_alter_table('quality_commission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_commission_project_id'))
        batch_op.drop_index(batch_op.f('ix_quality_commission_agency_id'))

    op.drop_table('quality_commission')
    with op.batch_alter_table('testing_agency_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_testing_agency_person_agency_id'))

    op.drop_table('testing_agency_person')
    with op.batch_alter_table('testing_agency_equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_testing_agency_equipment_agency_id'))

    op.drop_table('testing_agency_equipment')
    with op.batch_alter_table('quality_report_rejection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_report_rejection_project_id'))
        batch_op.drop_index(batch_op.f('ix_quality_report_rejection_agency_id'))

    op.drop_table('quality_report_rejection')
    op.drop_table('testing_agency')
