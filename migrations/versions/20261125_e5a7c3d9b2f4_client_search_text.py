"""client search text

A search reads one column per client (archive.search): its names, phone and pinyin and its contacts' names and
numbers, joined by line breaks and kept current after every flush. Filled here for the clients already kept.

Revision ID: e5a7c3d9b2f4
Revises: d3f8a2c6e4b1
Create Date: 2026-11-25 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a7c3d9b2f4'
down_revision = 'd3f8a2c6e4b1'
branch_labels = None
depends_on = None

SEPARATOR = "\n"


def _joined(*parts):
    text = parts[0]
    for part in parts[1:]:
        text = text + sa.literal(SEPARATOR) + part
    return text


def upgrade():
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    # archive.search.refresh_search_text as of this revision (migrations do not import the app)
    clients = sa.table('clients', sa.column('id', sa.Integer), sa.column('name', sa.String),
                       sa.column('short_name', sa.String), sa.column('phone', sa.String),
                       sa.column('pinyin', sa.String), sa.column('pinyin_initials', sa.String),
                       sa.column('search_text', sa.Text))
    contacts = sa.table('contacts', sa.column('client_id', sa.Integer), sa.column('name', sa.String),
                        sa.column('mobile', sa.String), sa.column('phone', sa.String),
                        sa.column('deleted_at', sa.DateTime))
    names = (sa.select(sa.func.aggregate_strings(
        _joined(sa.func.lower(contacts.c.name), contacts.c.mobile, contacts.c.phone), SEPARATOR))
        .where(contacts.c.client_id == clients.c.id, contacts.c.deleted_at.is_(None)).scalar_subquery())
    op.get_bind().execute(clients.update().values(search_text=_joined(
        sa.func.lower(clients.c.name), sa.func.lower(clients.c.short_name), clients.c.phone, clients.c.pinyin,
        clients.c.pinyin_initials, sa.func.coalesce(names, ""))))


def downgrade():
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('search_text')
