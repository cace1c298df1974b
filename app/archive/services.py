"""Writes to the archive. They flush, the route commits: one request, one unit of work."""
from app.archive.models import Client, Contact
from app.archive.rules import normalise_name
from app.extensions import db


def apply_form(record, form, fields=None) -> None:
    """Copy the form's data fields that the form has onto the record; an empty value of a NOT NULL column
    becomes the column's default ("" for text), so a blank field never fails the insert."""
    columns = type(record).__table__.c
    for name in fields or form.data_fields:
        if name in form:
            value = form[name].data
            if value is None and not columns[name].nullable and columns[name].default is not None:
                value = columns[name].default.arg
            setattr(record, name, value)


def save_client(client: Client, form, user) -> Client:
    """Create or update a client from a ClientForm. A sales rep always owns what they create."""
    apply_form(client, form, [f for f in form.data_fields if f != "owner_id"])
    if "owner_id" in form and user.sees_all_clients:
        client.owner_id = form.owner_id.data
    elif client.owner_id is None:
        client.owner_id = user.id
    client.name_key = normalise_name(client.name)
    db.session.add(client)
    db.session.flush()
    return client


def add_contact(client: Client, form) -> Contact:
    contact = Contact(client_id=client.id)
    apply_form(contact, form)
    db.session.add(contact)
    db.session.flush()
    return contact
