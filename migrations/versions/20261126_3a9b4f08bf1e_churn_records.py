"""churn records

Churn records (流失记录): why a client was lost, the competitor, our self-review, the win-back plan and its
outcome; kept per client, soft-deleted to the recycle bin, audited like every record.

Revision ID: 3a9b4f08bf1e
Revises: 4b29b8225c31
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a9b4f08bf1e'
down_revision = '4b29b8225c31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('churn_records',
    sa.Column('lost_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Enum('service', 'product', 'price', 'relationship', 'competitor', 'policy', 'market', 'other', name='churnreason', native_enum=False, length=20), nullable=False),
    sa.Column('competitor', sa.String(length=120), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('self_review', sa.Text(), nullable=False),
    sa.Column('win_back_plan', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'won_back', 'lost', name='churnoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_churn_records_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_churn_records_created_by_id_users')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_churn_records_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_churn_records_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_churn_records'))
    )
    with op.batch_alter_table('churn_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_churn_records_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_churn_records_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_churn_records_reason'), ['reason'], unique=False)


def downgrade():
    with op.batch_alter_table('churn_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_churn_records_reason'))
        batch_op.drop_index(batch_op.f('ix_churn_records_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_churn_records_client_id'))

    op.drop_table('churn_records')
