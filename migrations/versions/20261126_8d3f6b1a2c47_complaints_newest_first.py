"""complaints newest first

The complaint list shows everything newest first: an index on the received time reads one page from its end
instead of sorting every complaint.

Revision ID: 8d3f6b1a2c47
Revises: 7c2e5a9d4f16
Create Date: 2026-11-26 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d3f6b1a2c47'
down_revision = '7c2e5a9d4f16'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_received', ['received_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_received')

