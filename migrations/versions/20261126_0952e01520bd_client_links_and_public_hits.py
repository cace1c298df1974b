"""client links and public hits

Links given to clients who have no account (core.links): signed, expiring, single-use, for confirming a fixed
complaint or answering a survey from a phone; and the requests to those public pages, counted per address for the
rate limit (in the database, so it holds across workers and app servers).

Revision ID: 0952e01520bd
Revises: 9f6195b5b697
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0952e01520bd'
down_revision = '9f6195b5b697'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_hits'))
    )
    with op.batch_alter_table('public_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_hits_at'), ['at'], unique=False)
        batch_op.create_index('ix_public_hits_ip_at', ['ip', 'at'], unique=False)

    op.create_table('client_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_links_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_client_links_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_links')),
    sa.UniqueConstraint('key', name=op.f('uq_client_links_key'))
    )
    with op.batch_alter_table('client_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_links_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_client_links_purpose_record', ['purpose', 'record_id'], unique=False)


def downgrade():
    with op.batch_alter_table('client_links', schema=None) as batch_op:
        batch_op.drop_index('ix_client_links_purpose_record')
        batch_op.drop_index(batch_op.f('ix_client_links_client_id'))

    op.drop_table('client_links')
    with op.batch_alter_table('public_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_public_hits_ip_at')
        batch_op.drop_index(batch_op.f('ix_public_hits_at'))

    op.drop_table('public_hits')
