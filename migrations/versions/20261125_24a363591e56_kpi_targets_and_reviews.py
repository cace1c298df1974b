"""kpi targets and reviews

Targets (目标) per KPI, period and scope (a rep, or the team when rep_id is NULL), and the review of a period
(复盘) with its variance analysis and improvement measures per KPI (seed 003 表4). NULL differs from NULL in a
unique constraint, so the team's rows get a partial unique index of their own.

Revision ID: 24a363591e56
Revises: 309e2f7a90df
Create Date: 2026-11-25 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '24a363591e56'
down_revision = '309e2f7a90df'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_targets',
    sa.Column('kpi', sa.String(length=40), nullable=False),
    sa.Column('period_kind', sa.Enum('month', 'quarter', 'year', name='periodkind', native_enum=False, length=20), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Numeric(precision=14, scale=4), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_kpi_targets_created_by_id_users')),
    sa.ForeignKeyConstraint(['rep_id'], ['users.id'], name=op.f('fk_kpi_targets_rep_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_kpi_targets_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_targets')),
    sa.UniqueConstraint('kpi', 'period_kind', 'period_start', 'rep_id', name=op.f('uq_kpi_targets_kpi'))
    )
    with op.batch_alter_table('kpi_targets', schema=None) as batch_op:
        batch_op.create_index('uq_kpi_targets_team', ['kpi', 'period_kind', 'period_start'], unique=True, sqlite_where=sa.text('rep_id IS NULL'), postgresql_where=sa.text('rep_id IS NULL'))

    op.create_table('reviews',
    sa.Column('period_kind', sa.Enum('month', 'quarter', 'year', name='periodkind', native_enum=False, length=20), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reviews_created_by_id_users')),
    sa.ForeignKeyConstraint(['rep_id'], ['users.id'], name=op.f('fk_reviews_rep_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_reviews_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('period_kind', 'period_start', 'rep_id', name=op.f('uq_reviews_period_kind'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('uq_reviews_team', ['period_kind', 'period_start'], unique=True, sqlite_where=sa.text('rep_id IS NULL'), postgresql_where=sa.text('rep_id IS NULL'))



def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('uq_reviews_team', sqlite_where=sa.text('rep_id IS NULL'), postgresql_where=sa.text('rep_id IS NULL'))

    op.drop_table('reviews')
    with op.batch_alter_table('kpi_targets', schema=None) as batch_op:
        batch_op.drop_index('uq_kpi_targets_team', sqlite_where=sa.text('rep_id IS NULL'), postgresql_where=sa.text('rep_id IS NULL'))

    op.drop_table('kpi_targets')
