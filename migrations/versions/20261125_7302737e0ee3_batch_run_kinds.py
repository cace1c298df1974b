"""batch run kinds

A batch run is now either a month's service reports or a quarter's VIP summaries: the kind says which, and the
runs made before it were all service reports (the server default fills them in).

Revision ID: 7302737e0ee3
Revises: 24a363591e56
Create Date: 2026-11-25 01:01:15.120130

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7302737e0ee3'
down_revision = '24a363591e56'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_report_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('service_monthly', 'vip_quarterly', name='runkind',
                                                      native_enum=False, length=20),
                                      server_default='service_monthly', nullable=False))


def downgrade():
    with op.batch_alter_table('service_report_runs', schema=None) as batch_op:
        batch_op.drop_column('kind')
