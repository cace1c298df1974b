"""The client archive. Client is the unit of ownership: every record attached to a client is scoped by it."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.models import RecordMixin, SoftDeleteMixin, User
from app.extensions import db


class Client(RecordMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "clients"
    __label__ = _l("Client")

    name: Mapped[str] = mapped_column(String(200), index=True)
    short_name: Mapped[str] = mapped_column(String(80), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="client", primaryjoin="and_(Contact.client_id == Client.id, Contact.deleted_at.is_(None))",
        order_by="Contact.name", viewonly=True)

    field_labels = {"name": _l("Name"), "short_name": _l("Short name"), "owner_id": _l("Owner"),
                    "notes": _l("Notes"), "deleted_at": _l("Deleted")}

    @classmethod
    def scope(cls, user):
        """Sales see the clients they own (DESIGN.md, roles); everyone else sees all."""
        return None if user.sees_all_clients else cls.owner_id == user.id

    def __str__(self) -> str:
        return self.name


def visible_client_ids(user):
    return select(Client.id).where(Client.deleted_at.is_(None)).where(
        *([] if user.sees_all_clients else [Client.owner_id == user.id]))


class ClientOwned:
    """A record attached to a client: seen by whoever sees the client, gone with it."""

    @declared_attr
    def client_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("clients.id"), index=True)

    @classmethod
    def scope(cls, user):
        return cls.client_id.in_(visible_client_ids(user))


class Contact(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "contacts"
    __label__ = _l("Contact")

    name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")

    client: Mapped[Client] = relationship(back_populates="contacts", lazy="joined")

    field_labels = {"name": _l("Name"), "title": _l("Title"), "phone": _l("Phone"),
                    "client_id": _l("Client"), "deleted_at": _l("Deleted")}

    def __str__(self) -> str:
        return self.name
