"""deals contracts referrals

Secondary development: deals with their lines, stage history, stakeholders and linked touches; contracts with
lines, payment milestones, receipts and scanned attachments; referrals and the reward points they earn.

Revision ID: 5e8a1c3b7d92
Revises: 8d3f6b1a2c47
Create Date: 2026-11-27 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e8a1c3b7d92'
down_revision = '8d3f6b1a2c47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deals',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.Enum('target', 'needs', 'approach', 'contact', 'meeting_plan', 'meeting', 'draft', 'won', 'lost', name='dealstage', native_enum=False, length=20), nullable=False),
    sa.Column('probability', sa.SmallInteger(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('expected_close', sa.Date(), nullable=True),
    sa.Column('key_person_id', sa.Integer(), nullable=True),
    sa.Column('inside_contact_id', sa.Integer(), nullable=True),
    sa.Column('competitor', sa.String(length=120), nullable=False),
    sa.Column('demand_fit', sa.Enum('full', 'partial', 'custom', name='demandfit', native_enum=False, length=20), nullable=True),
    sa.Column('source', sa.Enum('visit', 'catalogue_gap', 'maintenance', 'referral', 'other', name='dealsource', native_enum=False, length=20), nullable=True),
    sa.Column('source_visit_id', sa.Integer(), nullable=True),
    sa.Column('next_action', sa.String(length=200), nullable=False),
    sa.Column('next_date', sa.Date(), nullable=True),
    sa.Column('meeting_plan', sa.Text(), nullable=False),
    sa.Column('fallback_plan', sa.Text(), nullable=False),
    sa.Column('lost_reason', sa.String(length=200), nullable=False),
    sa.Column('lessons', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_deals_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_deals_created_by_id_users')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_deals_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['inside_contact_id'], ['contacts.id'], name=op.f('fk_deals_inside_contact_id_contacts')),
    sa.ForeignKeyConstraint(['key_person_id'], ['contacts.id'], name=op.f('fk_deals_key_person_id_contacts')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_deals_owner_id_users')),
    sa.ForeignKeyConstraint(['source_visit_id'], ['interactions.id'], name=op.f('fk_deals_source_visit_id_interactions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_deals_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deals'))
    )
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deals_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_deals_next_date', ['next_date'], unique=False)
        batch_op.create_index('ix_deals_owner_stage', ['owner_id', 'stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_source_visit_id'), ['source_visit_id'], unique=False)
        batch_op.create_index('ix_deals_stage_close', ['stage', 'expected_close'], unique=False)

    op.create_table('contracts',
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('implementation_start', sa.Date(), nullable=True),
    sa.Column('acceptance_planned', sa.Date(), nullable=True),
    sa.Column('acceptance_actual', sa.Date(), nullable=True),
    sa.Column('implementation_status', sa.Enum('not_started', 'implementing', 'awaiting_acceptance', 'accepted', name='implementationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('maintenance_until', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_contracts_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_contracts_created_by_id_users')),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_contracts_deal_id_deals')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_contracts_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_contracts_owner_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_contracts_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('number', name=op.f('uq_contracts_number'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_contracts_signed', ['signed_on', 'id'], unique=False)
        batch_op.create_index('ix_contracts_status', ['implementation_status'], unique=False)

    op.create_table('deal_interactions',
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('interaction_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_interactions_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'], name=op.f('fk_deal_interactions_interaction_id_interactions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('deal_id', 'interaction_id', name=op.f('pk_deal_interactions'))
    )
    with op.batch_alter_table('deal_interactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_interactions_interaction_id'), ['interaction_id'], unique=False)

    op.create_table('deal_lines',
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_deal_lines_created_by_id_users')),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_lines_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_deal_lines_product_id_products')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_deal_lines_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_lines'))
    )
    with op.batch_alter_table('deal_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_lines_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_lines_product_id'), ['product_id'], unique=False)

    op.create_table('deal_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('from_stage', sa.Enum('target', 'needs', 'approach', 'contact', 'meeting_plan', 'meeting', 'draft', 'won', 'lost', name='dealstage', native_enum=False, length=20), nullable=True),
    sa.Column('to_stage', sa.Enum('target', 'needs', 'approach', 'contact', 'meeting_plan', 'meeting', 'draft', 'won', 'lost', name='dealstage', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_stage_changes_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deal_stage_changes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_stage_changes'))
    )
    with op.batch_alter_table('deal_stage_changes', schema=None) as batch_op:
        batch_op.create_index('ix_deal_stage_changes_deal_at', ['deal_id', 'at'], unique=False)
        batch_op.create_index('ix_deal_stage_changes_to_at', ['to_stage', 'at'], unique=False)

    op.create_table('stakeholders',
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('decision_role', sa.Enum('user', 'influencer', 'decider', 'buyer', name='decisionrole', native_enum=False, length=20), nullable=True),
    sa.Column('stance', sa.Enum('support', 'neutral', 'oppose', name='stance', native_enum=False, length=20), nullable=True),
    sa.Column('relationship_stage', sa.Enum('acquainted', 'meeting', 'recognised', 'trusting', 'allied', name='relationshipstage', native_enum=False, length=20), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_stakeholders_contact_id_contacts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_stakeholders_created_by_id_users')),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_stakeholders_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_stakeholders_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholders')),
    sa.UniqueConstraint('deal_id', 'contact_id', name=op.f('uq_stakeholders_deal_id'))
    )
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholders_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholders_deal_id'), ['deal_id'], unique=False)

    op.create_table('contract_attachments',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_contract_attachments_attachment_id_attachments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_attachments_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contract_id', 'attachment_id', name=op.f('pk_contract_attachments'))
    )
    with op.batch_alter_table('contract_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_attachments_attachment_id'), ['attachment_id'], unique=False)

    op.create_table('contract_lines',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_lines_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_contract_lines_created_by_id_users')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_contract_lines_product_id_products')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_contract_lines_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_lines'))
    )
    with op.batch_alter_table('contract_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_lines_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_lines_product_id'), ['product_id'], unique=False)

    op.create_table('milestones',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('down_payment', 'delivery', 'acceptance', 'final', 'maintenance', 'other', name='milestonekind', native_enum=False, length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_milestones_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_milestones_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_milestones_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index('ix_milestones_due', ['due_on', 'contract_id'], unique=False)

    op.create_table('referrals',
    sa.Column('referring_contact_id', sa.Integer(), nullable=True),
    sa.Column('referred_client_id', sa.Integer(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('new', 'contacted', 'signed', 'lost', name='referralstatus', native_enum=False, length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_referrals_client_id_clients')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_referrals_contract_id_contracts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referrals_created_by_id_users')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_referrals_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['referred_client_id'], ['clients.id'], name=op.f('fk_referrals_referred_client_id_clients')),
    sa.ForeignKeyConstraint(['referring_contact_id'], ['contacts.id'], name=op.f('fk_referrals_referring_contact_id_contacts')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_referrals_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referred_client_id'), ['referred_client_id'], unique=False)

    op.create_table('points_entries',
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('points', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_points_entries_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_points_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_points_entries_referral_id_referrals')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_points_entries_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_entries')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_points_entries_referral_id'))
    )
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_entries_client_id'), ['client_id'], unique=False)

    op.create_table('receipts',
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_receipts_created_by_id_users')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_receipts_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_receipts_milestone_id_milestones'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_receipts_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_receipts_milestone', ['milestone_id', 'received_on'], unique=False)



def downgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_receipts_milestone')
        batch_op.drop_index(batch_op.f('ix_receipts_deleted_at'))

    op.drop_table('receipts')
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_entries_client_id'))

    op.drop_table('points_entries')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_referred_client_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_referrals_client_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_milestones_due')
        batch_op.drop_index(batch_op.f('ix_milestones_contract_id'))

    op.drop_table('milestones')
    with op.batch_alter_table('contract_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_lines_product_id'))
        batch_op.drop_index(batch_op.f('ix_contract_lines_contract_id'))

    op.drop_table('contract_lines')
    with op.batch_alter_table('contract_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_attachments_attachment_id'))

    op.drop_table('contract_attachments')
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stakeholders_deal_id'))
        batch_op.drop_index(batch_op.f('ix_stakeholders_contact_id'))

    op.drop_table('stakeholders')
    with op.batch_alter_table('deal_stage_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_deal_stage_changes_to_at')
        batch_op.drop_index('ix_deal_stage_changes_deal_at')

    op.drop_table('deal_stage_changes')
    with op.batch_alter_table('deal_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_lines_product_id'))
        batch_op.drop_index(batch_op.f('ix_deal_lines_deal_id'))

    op.drop_table('deal_lines')
    with op.batch_alter_table('deal_interactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_interactions_interaction_id'))

    op.drop_table('deal_interactions')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index('ix_contracts_status')
        batch_op.drop_index('ix_contracts_signed')
        batch_op.drop_index(batch_op.f('ix_contracts_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_contracts_deal_id'))
        batch_op.drop_index(batch_op.f('ix_contracts_client_id'))

    op.drop_table('contracts')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_stage_close')
        batch_op.drop_index(batch_op.f('ix_deals_source_visit_id'))
        batch_op.drop_index('ix_deals_owner_stage')
        batch_op.drop_index('ix_deals_next_date')
        batch_op.drop_index(batch_op.f('ix_deals_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_deals_client_id'))

    op.drop_table('deals')
