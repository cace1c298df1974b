"""service report runs

A row per run of a month's service reports made in the background: who asked, status and progress, and the
last progress saved (heartbeat), so a run a stopped process left is taken up again.

Revision ID: 309e2f7a90df
Revises: dae0495fa1d5
Create Date: 2026-11-24 22:22:51.844443

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '309e2f7a90df'
down_revision = 'dae0495fa1d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_report_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='runstatus', native_enum=False, length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('base_url', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_service_report_runs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_report_runs'))
    )
    with op.batch_alter_table('service_report_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_report_runs_month'), ['month'], unique=False)



def downgrade():
    with op.batch_alter_table('service_report_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_report_runs_month'))

    op.drop_table('service_report_runs')
