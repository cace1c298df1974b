"""Writes to the archive. They flush, the route commits: one request, one unit of work."""
from app.archive.models import Client, Contact
from app.extensions import db


def save_client(client: Client, form, user) -> Client:
    client.name = form.name.data
    client.short_name = form.short_name.data or ""
    client.notes = form.notes.data or ""
    client.owner_id = form.owner_id.data if "owner_id" in form else client.owner_id or user.id
    db.session.add(client)
    db.session.flush()
    return client


def add_contact(client: Client, form) -> Contact:
    contact = Contact(client_id=client.id, name=form.name.data, title=form.title.data or "",
                      phone=form.phone.data or "")
    db.session.add(contact)
    db.session.flush()
    return contact
