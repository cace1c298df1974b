"""mobiles stored as digits

Mobiles were stored as typed ("138 0838 1234"), so a search for 13808381234 missed them. New ones are stored as
digits (archive.rules.phone_number); this brings the ones already there in line.

Revision ID: 9a3b5e6d1c72
Revises: 7d2f4c81a6e3
Create Date: 2026-11-24 15:40:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a3b5e6d1c72'
down_revision = '7d2f4c81a6e3'
branch_labels = None
depends_on = None

SEPARATORS = re.compile(r"[\s\-.()（）]")


def upgrade():
    contacts = sa.table('contacts', sa.column('id', sa.Integer), sa.column('mobile', sa.String))
    bind = op.get_bind()
    typed = bind.execute(sa.select(contacts.c.id, contacts.c.mobile).where(sa.or_(
        *(contacts.c.mobile.contains(mark) for mark in (" ", "-", ".", "(", ")", "（", "）"))))).all()
    for row in typed:  # the same rule as archive.rules.phone_number, frozen here as migrations must be
        digits = SEPARATORS.sub("", row.mobile)
        if re.fullmatch(r"\+?\d+", digits):
            bind.execute(contacts.update().where(contacts.c.id == row.id).values(mobile=digits))


def downgrade():
    pass  # the typed spacing is not kept; digits stay valid
