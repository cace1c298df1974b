"""complaints and counters

Complaints with their timeline and SLA due times (kept by complaints.sla), satisfaction surveys, and the per-year
counters that number complaints (core.sequences).

Revision ID: 9f6195b5b697
Revises: e5a7c3d9b2f4
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f6195b5b697'
down_revision = 'e5a7c3d9b2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counters',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_counters'))
    )
    op.create_table('complaints',
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('phone', 'onsite', 'email', 'wechat', 'remote', 'other', name='complaintchannel', native_enum=False, length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.Enum('service', 'defect', 'implementation', 'hardware', 'price', 'attitude', 'other', name='complaintcategory', native_enum=False, length=20), nullable=False),
    sa.Column('severity', sa.Enum('ordinary', 'complex', 'urgent', name='severity', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.Column('source_visit_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('accepted', 'analysing', 'resolving', 'feedback', 'closed', name='complaintstatus', native_enum=False, length=20), nullable=False),
    sa.Column('root_cause', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('resolution_summary', sa.Text(), nullable=False),
    sa.Column('satisfaction', sa.Enum('5', '4', '3', '2', '1', name='satisfaction', native_enum=False, length=20), nullable=True),
    sa.Column('confirmed_by', sa.String(length=80), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('reopen_count', sa.SmallInteger(), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('plan_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('response_due_at', sa.DateTime(), nullable=True),
    sa.Column('plan_due_at', sa.DateTime(), nullable=True),
    sa.Column('resolution_due_at', sa.DateTime(), nullable=True),
    sa.Column('paused_since', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_complaints_asset_id_assets')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_complaints_client_id_clients')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_complaints_contact_id_contacts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_complaints_created_by_id_users')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_complaints_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_complaints_owner_id_users')),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_complaints_received_by_id_users')),
    sa.ForeignKeyConstraint(['source_visit_id'], ['interactions.id'], name=op.f('fk_complaints_source_visit_id_interactions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_complaints_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('number', name=op.f('uq_complaints_number'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_complaints_client_received', ['client_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_complaints_owner_status', ['owner_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_plan_due_at'), ['plan_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_resolution_due_at'), ['resolution_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_response_due_at'), ['response_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_source_visit_id'), ['source_visit_id'], unique=False)
        batch_op.create_index('ix_complaints_status_received', ['status', 'received_at'], unique=False)

    op.create_table('surveys',
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('nps', sa.SmallInteger(), nullable=False),
    sa.Column('product_quality', sa.SmallInteger(), nullable=True),
    sa.Column('service_response', sa.SmallInteger(), nullable=True),
    sa.Column('value_for_money', sa.SmallInteger(), nullable=True),
    sa.Column('cooperation', sa.SmallInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_surveys_client_id_clients')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_surveys_contact_id_contacts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_surveys_created_by_id_users')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_surveys_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_surveys_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_surveys_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index('ix_surveys_answered', ['answered_at'], unique=False)
        batch_op.create_index('ix_surveys_client_answered', ['client_id', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('created', 'status', 'note', 'client_contact', 'client_answer', 'assigned', 'escalated', name='eventkind', native_enum=False, length=20), nullable=False),
    sa.Column('from_status', sa.Enum('accepted', 'analysing', 'resolving', 'feedback', 'closed', name='complaintstatus', native_enum=False, length=20), nullable=True),
    sa.Column('to_status', sa.Enum('accepted', 'analysing', 'resolving', 'feedback', 'closed', name='complaintstatus', native_enum=False, length=20), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_complaint_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_events_complaint_at', ['complaint_id', 'at'], unique=False)



def downgrade():
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_events_complaint_at')

    op.drop_table('complaint_events')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_surveys_contact_id'))
        batch_op.drop_index(batch_op.f('ix_surveys_client_id'))
        batch_op.drop_index('ix_surveys_client_answered')
        batch_op.drop_index('ix_surveys_answered')

    op.drop_table('surveys')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_status_received')
        batch_op.drop_index(batch_op.f('ix_complaints_source_visit_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_response_due_at'))
        batch_op.drop_index(batch_op.f('ix_complaints_resolution_due_at'))
        batch_op.drop_index(batch_op.f('ix_complaints_plan_due_at'))
        batch_op.drop_index('ix_complaints_owner_status')
        batch_op.drop_index(batch_op.f('ix_complaints_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_complaints_contact_id'))
        batch_op.drop_index('ix_complaints_client_received')
        batch_op.drop_index(batch_op.f('ix_complaints_client_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_asset_id'))

    op.drop_table('complaints')
    op.drop_table('counters')
