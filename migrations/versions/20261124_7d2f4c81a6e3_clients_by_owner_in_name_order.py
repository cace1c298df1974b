"""clients by owner in name order

One index serves the owner filter (its first column), the count of a rep's clients and their clients sorted by
name: the festival greetings on Today read 30 key persons of the user's own clients, which walked every
client's name when the user owned none (49 ms at 50,000 clients).

Revision ID: 7d2f4c81a6e3
Revises: 5c1e7a2b9d40
Create Date: 2026-11-24 15:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d2f4c81a6e3'
down_revision = '5c1e7a2b9d40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_clients_owner_name', 'clients', ['owner_id', 'deleted_at', 'name'], unique=False)
    op.drop_index('ix_clients_owner_id', table_name='clients')


def downgrade():
    op.create_index('ix_clients_owner_id', 'clients', ['owner_id'], unique=False)
    op.drop_index('ix_clients_owner_name', table_name='clients')
