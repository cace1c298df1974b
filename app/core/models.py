"""Tables every domain shares: users, the audit trail, settings; and the record mixins."""
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, Enum, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.config import Config
from app.core.access import Role, sees_all_clients
from app.core.clock import utcnow
from app.core.enums import LabeledEnum
from app.extensions import db


def enum_column(enum_cls: type[LabeledEnum], **kw):
    return mapped_column(
        Enum(enum_cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]), **kw
    )


class AuditAction(LabeledEnum):
    CREATE = "create", _l("created")
    UPDATE = "update", _l("changed")
    DELETE = "delete", _l("moved to the recycle bin")
    RESTORE = "restore", _l("restored")
    PURGE = "purge", _l("deleted for good")


class Audited:
    """Marker: inserts, updates and deletes of this model are written to the audit trail."""

    __audit_exclude__: frozenset[str] = frozenset({"version", "created_at", "created_by_id", "updated_at",
                                                    "updated_by_id", "deleted_by_id"})
    __audit_mask__: frozenset[str] = frozenset()
    field_labels: dict = {}
    # How a history page shows a change: fields kept from it (derived ones), labels of coded values, and the
    # (model, name column) an id field points at.
    audit_hidden: frozenset[str] = frozenset()
    audit_choices: dict[str, dict] = {}
    audit_references: dict = {}


def label(model_or_record, field: str) -> str:
    """The translated label of a field, from its model's field_labels, so templates never spell it again.
    An unknown field raises KeyError: a typo in a template fails loudly instead of showing nothing."""
    # __class__ rather than type(): a proxied record (current_user) reports the real class.
    model = model_or_record if isinstance(model_or_record, type) else model_or_record.__class__
    try:
        return str(model.field_labels[field])
    except KeyError:
        raise KeyError(f"{model.__name__} has no label for {field!r}") from None


class RecordMixin(Audited):
    """Id, who/when stamps and a version column for optimistic locking."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}

    @declared_attr
    def updated_by(cls) -> Mapped["User | None"]:
        return relationship("User", foreign_keys=[cls.updated_by_id])


class SoftDeleteMixin:
    """Deleting moves the record to the recycle bin; restore clears deleted_at."""

    deleted_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @declared_attr
    def deleted_by(cls) -> Mapped["User | None"]:
        return relationship("User", foreign_keys=[cls.deleted_by_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, user) -> None:
        self.deleted_at = utcnow()
        self.deleted_by_id = user.id if user else None

    def restore(self) -> None:
        self.deleted_at = None
        self.deleted_by_id = None


def new_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, RecordMixin, db.Model):
    __tablename__ = "users"
    __audit_mask__ = frozenset({"password_hash", "calendar_token", "session_token"})

    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[Role] = enum_column(Role)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    password_hash: Mapped[str] = mapped_column(String(256))
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What the session and remember-me cookies carry instead of the id: a new one signs out every device.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)

    field_labels = {
        "username": _l("Username"), "display_name": _l("Display name"), "role": _l("Role"),
        "active": _l("Active"), "locale": _l("Language"), "password_hash": _l("Password"),
        "calendar_token": _l("Calendar link"), "session_token": _l("Sign-in sessions"),
    }
    audit_choices = {"locale": Config.LANGUAGES}

    @declared_attr
    def updated_by(cls) -> Mapped["User | None"]:
        return relationship("User", foreign_keys=[cls.updated_by_id], remote_side=[cls.id])

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def sees_all_clients(self) -> bool:
        return sees_all_clients(self)

    def get_id(self) -> str:
        return self.session_token

    def set_password(self, password: str) -> None:
        """A new password also ends every session signed in with the old one."""
        self.password_hash = generate_password_hash(password)
        self.sign_out_everywhere()

    def sign_out_everywhere(self) -> None:
        self.session_token = new_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.display_name


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity_record", "entity", "record_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    entity: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")

    @classmethod
    def for_record(cls, obj):
        return (select(cls).where(cls.entity == obj.__tablename__, cls.record_id == obj.id)
                .order_by(cls.at.desc(), cls.id.desc()))


class Setting(db.Model):
    """Admin-editable settings stored as JSON under a key; defaults live in the code that reads them."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[dict | list] = mapped_column(JSON)


def get_setting(key: str, default):
    row = db.session.get(Setting, key)
    return row.value if row is not None else default


def put_setting(key: str, value) -> None:
    row = db.session.get(Setting, key) or Setting(key=key)
    row.value = value
    db.session.add(row)
