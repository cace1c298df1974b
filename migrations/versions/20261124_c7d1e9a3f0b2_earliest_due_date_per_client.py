"""earliest due date per client

The overdue list shows one row per client, most overdue first: client_cadence keeps the earlier of the two due
dates with its own index, so the list and Today read the first rows off it instead of sorting every overdue
client.

Revision ID: c7d1e9a3f0b2
Revises: b4c8d2e7f915
Create Date: 2026-11-24 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d1e9a3f0b2'
down_revision = 'b4c8d2e7f915'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client_cadence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_client_cadence_due_on'), ['due_on'], unique=False)
    cadence = sa.table('client_cadence', sa.column('due_on', sa.Date), sa.column('phone_due_on', sa.Date),
                       sa.column('onsite_due_on', sa.Date))
    phone, onsite = cadence.c.phone_due_on, cadence.c.onsite_due_on
    op.get_bind().execute(cadence.update().values(due_on=sa.case(
        (phone.is_(None), onsite), (onsite.is_(None), phone), (phone < onsite, phone), else_=onsite)))


def downgrade():
    with op.batch_alter_table('client_cadence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_cadence_due_on'))
        batch_op.drop_column('due_on')
