"""workday overrides and paused SLA time

The admin's overrides of China's working calendar (a date is a holiday or a workday, whatever the holidays package
says, because its next-year data can lag the State Council notice), and the working time a complaint's SLA clocks
stood still while the client was asked to confirm the fix, which moves its unmet due times later.

Revision ID: 4b29b8225c31
Revises: 0952e01520bd
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b29b8225c31'
down_revision = '0952e01520bd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workday_overrides',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_workday_overrides_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_workday_overrides_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workday_overrides')),
    sa.UniqueConstraint('day', name=op.f('uq_workday_overrides_day'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_seconds', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('paused_seconds')

    op.drop_table('workday_overrides')
