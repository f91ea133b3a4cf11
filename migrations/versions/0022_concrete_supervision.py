"""concrete supervision: ready-mixed concrete producers, deliveries with their weighbridge record,
strength tests per delivery batch

Revision ID: 0022
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table('concrete_producer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.Column('plant_address', sa.String(length=200), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concrete_producer')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_concrete_producer_credit_code'))
    )
    op.create_table('concrete_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('grade', sa.String(length=8), nullable=False),
    sa.Column('volume_m3', sa.Float(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('vehicle_plate', sa.String(length=16), nullable=False),
    sa.Column('weighbridge_no', sa.String(length=64), nullable=False),
    sa.Column('gross_kg', sa.Integer(), nullable=False),
    sa.Column('tare_kg', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['producer_id'], ['concrete_producer.id'], name=op.f('fk_concrete_delivery_producer_id_concrete_producer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_concrete_delivery_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concrete_delivery')),
    sa.UniqueConstraint('number', name=op.f('uq_concrete_delivery_number'))
    )
    with op.batch_alter_table('concrete_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concrete_delivery_delivered_at'), ['delivered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_concrete_delivery_producer_id'), ['producer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concrete_delivery_project_id'), ['project_id'], unique=False)

    op.create_table('concrete_strength_test',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('report_no', sa.String(length=64), nullable=False),
    sa.Column('age_days', sa.Integer(), nullable=False),
    sa.Column('tested_on', sa.Date(), nullable=False),
    sa.Column('groups', JSON, nullable=False),
    sa.Column('representative', JSON, nullable=False),
    sa.Column('mean_mpa', sa.Float(), nullable=True),
    sa.Column('min_mpa', sa.Float(), nullable=True),
    sa.Column('rule', sa.String(length=100), nullable=False),
    sa.Column('conclusion', sa.String(length=16), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handling_instance_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['testing_agency.id'], name=op.f('fk_concrete_strength_test_agency_id_testing_agency')),
    sa.ForeignKeyConstraint(['delivery_id'], ['concrete_delivery.id'], name=op.f('fk_concrete_strength_test_delivery_id_concrete_delivery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handling_instance_id'], ['process_instance.id'], name=op.f('fk_concrete_strength_test_handling_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_concrete_strength_test_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concrete_strength_test')),
    sa.UniqueConstraint('agency_id', 'report_no', name='uq_concrete_strength_report')
    )
    with op.batch_alter_table('concrete_strength_test', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concrete_strength_test_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concrete_strength_test_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concrete_strength_test_project_id'), ['project_id'], unique=False)



def downgrade():
    with op.batch_alter_table('concrete_strength_test', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concrete_strength_test_project_id'))
        batch_op.drop_index(batch_op.f('ix_concrete_strength_test_delivery_id'))
        batch_op.drop_index(batch_op.f('ix_concrete_strength_test_agency_id'))

    op.drop_table('concrete_strength_test')
    with op.batch_alter_table('concrete_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concrete_delivery_project_id'))
        batch_op.drop_index(batch_op.f('ix_concrete_delivery_producer_id'))
        batch_op.drop_index(batch_op.f('ix_concrete_delivery_delivered_at'))

    op.drop_table('concrete_delivery')
    op.drop_table('concrete_producer')
