"""client names in pinyin

Clients carry their name's full pinyin and initials (archive.rules.name_pinyin): the list sorts by the full form
(重庆 before 自贡) and a search for "mianyang" or "mysrmyy" finds 绵阳市人民医院. A rep's name-ordered index now
orders by pinyin.

Revision ID: b4c8d2e7f915
Revises: 9a3b5e6d1c72
Create Date: 2026-11-24 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4c8d2e7f915'
down_revision = '9a3b5e6d1c72'
branch_labels = None
depends_on = None


def _kept(chars):
    return "".join(ch for ch in chars if ch.isalnum())


def _spelled(name):  # archive.rules.name_pinyin as of this revision (migrations do not import the app)
    # Imported here: /healthz reads every revision file for the schema head, in every web worker, and pypinyin's
    # dictionaries take ~55 MB there.
    from pypinyin import Style, lazy_pinyin

    return ("".join(lazy_pinyin(name or "", errors=_kept)).lower(),
            "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=_kept)).lower())


def upgrade():
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pinyin', sa.String(length=800), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('pinyin_initials', sa.String(length=200), nullable=False, server_default=''))
    clients = sa.table('clients', sa.column('id', sa.Integer), sa.column('name', sa.String),
                       sa.column('pinyin', sa.String), sa.column('pinyin_initials', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(clients.c.id, clients.c.name)).all()
    updates = [{"row_id": row.id, "full": full, "initials": initials}
               for row in rows for full, initials in [_spelled(row.name)]]
    if updates:
        bind.execute(clients.update().where(clients.c.id == sa.bindparam("row_id"))
                     .values(pinyin=sa.bindparam("full"), pinyin_initials=sa.bindparam("initials")), updates)
    op.create_index('ix_clients_pinyin', 'clients', ['pinyin'], unique=False)
    op.drop_index('ix_clients_owner_name', table_name='clients')
    op.create_index('ix_clients_owner_name', 'clients', ['owner_id', 'deleted_at', 'pinyin'], unique=False)


def downgrade():
    op.drop_index('ix_clients_owner_name', table_name='clients')
    op.create_index('ix_clients_owner_name', 'clients', ['owner_id', 'deleted_at', 'name'], unique=False)
    op.drop_index('ix_clients_pinyin', table_name='clients')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('pinyin_initials')
        batch_op.drop_column('pinyin')
