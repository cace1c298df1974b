"""What a client search reads: one column per client (Client.search_text) holding its names, phone and pinyin and
its contacts' names and numbers, so a search is one LIKE over the clients, not a LIKE per column plus a scan of
every contact. Kept current in SQL after every flush that touched a client or a contact; the parts are joined
by a line break, which no search contains, so a match never runs from one part into the next."""
from sqlalchemy import Select, event, func, literal, or_, select, update
from sqlalchemy.orm import Session

from app.archive.models import Client, Contact
from app.archive.rules import phone_number

SEPARATOR = "\n"


def _joined(*parts):
    text = parts[0]
    for part in parts[1:]:
        text = text + literal(SEPARATOR) + part
    return text


def _text_of_clients():
    """The search text of each client row, as a SQL expression (lower case: LIKE is case-sensitive on PostgreSQL)."""
    contacts = (select(func.aggregate_strings(_joined(func.lower(Contact.name), Contact.mobile, Contact.phone),
                                              SEPARATOR))
                .where(Contact.client_id == Client.id, Contact.deleted_at.is_(None)).scalar_subquery())
    return _joined(func.lower(Client.name), func.lower(Client.short_name), Client.phone, Client.pinyin,
                   Client.pinyin_initials, func.coalesce(contacts, ""))


def refresh_search_text(connection, client_ids=None) -> None:
    """Write the search text of these clients (every client when None)."""
    stmt = update(Client.__table__).values(search_text=_text_of_clients())
    if client_ids is not None:
        stmt = stmt.where(Client.__table__.c.id.in_(client_ids))
    connection.execute(stmt)


def matching(stmt: Select, query: str) -> Select:
    """The clients whose names, phone, pinyin or contacts contain the query; a phone number however typed."""
    typed = query.strip().lower()
    found = Client.search_text.contains(typed, autoescape=True)
    digits = phone_number(typed)
    if digits and digits != typed:  # "138 0838 1234" finds the mobile stored as 13808381234
        found = or_(found, Client.search_text.contains(digits, autoescape=True))
    return stmt.where(found)


@event.listens_for(Session, "after_flush")
def _keep_current(session, flush_context):
    touched = {obj.id for obj in [*session.new, *session.dirty, *session.deleted] if isinstance(obj, Client)}
    touched |= {obj.client_id for obj in [*session.new, *session.dirty, *session.deleted]
                if isinstance(obj, Contact) and obj.client_id}
    if touched:
        refresh_search_text(session.connection(), sorted(touched))
