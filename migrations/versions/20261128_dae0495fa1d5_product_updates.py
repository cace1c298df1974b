"""product updates

The month's product updates (本月产品动态), entered once by an admin or manager and printed in every client's
service monthly report of that month.

Revision ID: dae0495fa1d5
Revises: 5e8a1c3b7d92
Create Date: 2026-11-25 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dae0495fa1d5'
down_revision = '5e8a1c3b7d92'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('product_updates',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_product_updates_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_product_updates_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_updates'))
    )
    with op.batch_alter_table('product_updates', schema=None) as batch_op:
        batch_op.create_index('ix_product_updates_month', ['month', 'position'], unique=False)


def downgrade():
    with op.batch_alter_table('product_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_product_updates_month')

    op.drop_table('product_updates')
