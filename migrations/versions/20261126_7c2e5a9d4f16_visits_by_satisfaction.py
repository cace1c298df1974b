"""visits by satisfaction

The churn-risk list looks for the few visits rated 不满意 or worse in the last half year: an index on the rating
and the day reads only those, not every visit of the half year.

Revision ID: 7c2e5a9d4f16
Revises: 3a9b4f08bf1e
Create Date: 2026-11-26 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2e5a9d4f16'
down_revision = '3a9b4f08bf1e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.create_index('ix_interactions_satisfaction_done', ['satisfaction', 'done_at'], unique=False)



def downgrade():
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_interactions_satisfaction_done')

