"""Interactions (拜访/回访记录) and the return-visit regime (回访制度)."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Numeric, SmallInteger, String, Table, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.archive.models import Attachment, Client, ClientOwned, Contact
from app.core.models import RecordMixin, SoftDeleteMixin, User, enum_column
from app.extensions import db
from app.visits.enums import (
    Channel,
    ExtraService,
    GradeDimension,
    InteractionStatus,
    Method,
    Purpose,
    Satisfaction,
)

interaction_contacts = Table(
    "interaction_contacts", db.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True),
)


interaction_attachments = Table(
    "interaction_attachments", db.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Interaction(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """Any touch with a client, planned or done."""

    __tablename__ = "interactions"
    __label__ = _l("Visit")
    __table_args__ = (
        Index("ix_interactions_client_status_done", "client_id", "status", "done_at"),
        Index("ix_interactions_user_planned", "user_id", "status", "planned_at"),
        Index("ix_interactions_status_done", "status", "done_at", "deleted_at", "client_id"),  # covers counts
        Index("ix_interactions_satisfaction_done", "satisfaction", "done_at"),  # the few low ones (churn risk)
        # Partial: most touches have no key, and statistics over all those NULLs would hide the index from SQLite.
        Index("ix_interactions_client_key", "client_key", unique=True,
              sqlite_where=text("client_key IS NOT NULL"), postgresql_where=text("client_key IS NOT NULL")),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    method: Mapped[Method] = enum_column(Method)
    purpose: Mapped[Purpose] = enum_column(Purpose, default=Purpose.ROUTINE)
    status: Mapped[InteractionStatus] = enum_column(InteractionStatus, default=InteractionStatus.DONE)
    planned_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    duration_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    summary: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[Satisfaction | None] = enum_column(Satisfaction)
    follow_up: Mapped[str] = mapped_column(Text, default="")
    extra_services: Mapped[list] = mapped_column(JSON, default=list)
    extra_services_other: Mapped[str] = mapped_column(String(200), default="")
    opportunities: Mapped[str] = mapped_column(Text, default="")
    gift: Mapped[str] = mapped_column(String(200), default="")
    gift_cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    next_action: Mapped[str] = mapped_column(String(200), default="")
    next_date: Mapped[date | None] = mapped_column(Date)
    agenda: Mapped[str] = mapped_column(Text, default="")
    talking_points: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[str] = mapped_column(String(200), default="")
    fallback_plan: Mapped[str] = mapped_column(Text, default="")
    route_order: Mapped[int | None] = mapped_column(SmallInteger)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    # Set by the browser for a quick log, so a draft re-sent after a network failure is saved once.
    client_key: Mapped[str | None] = mapped_column(String(40))

    client: Mapped[Client] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    contacts: Mapped[list[Contact]] = relationship(secondary=interaction_contacts, order_by=Contact.name)
    attachments: Mapped[list[Attachment]] = relationship(
        secondary=interaction_attachments, order_by=Attachment.id,
        secondaryjoin="and_(Attachment.id == interaction_attachments.c.attachment_id, Attachment.deleted_at.is_(None))")

    field_labels = {
        "user_id": _l("By"), "method": _l("Method"), "purpose": _l("Purpose"), "status": _l("Status"),
        "planned_at": _l("Planned for"), "done_at": _l("Done at"), "duration_minutes": _l("Duration (minutes)"),
        "summary": _l("Summary"), "feedback": _l("Client feedback"), "satisfaction": _l("Satisfaction"),
        "follow_up": _l("Issues to follow up"), "extra_services": _l("Extra services"),
        "extra_services_other": _l("Other services"), "opportunities": _l("Opportunities found"),
        "gift": _l("Gift given"), "gift_cost": _l("Gift cost (yuan)"), "next_action": _l("Next step"),
        "next_date": _l("Next step on"), "agenda": _l("Agenda"), "talking_points": _l("Talking points"),
        "participants": _l("Participants"), "fallback_plan": _l("Fallback plan if the talk fails"),
        "route_order": _l("Stop on the route"), "cancel_reason": _l("Reason"), "client_id": _l("Client"),
        "deleted_at": _l("Deleted"), "client_key": _l("Draft key"), "contacts": _l("Contacts"),
    }

    @property
    def when(self) -> datetime | None:
        return self.done_at or self.planned_at

    @property
    def extra_services_text(self) -> str:
        labels = [ExtraService(code).label for code in self.extra_services if code in ExtraService._value2member_map_]
        return "、".join(labels + ([self.extra_services_other] if self.extra_services_other else []))

    def __str__(self) -> str:
        return f"{self.client.name} · {self.method.label}"


# The visit lists sort by when a touch happened or is planned for; an index on that expression keeps a page of
# everything cheap at any size (SQLite and PostgreSQL both index expressions).
Index("ix_interactions_when", func.coalesce(Interaction.done_at, Interaction.planned_at))


class CadenceRule(RecordMixin, db.Model):
    """How often clients of one classification must be touched on one channel (回访制度, admin-editable)."""

    __tablename__ = "cadence_rules"

    dimension: Mapped[GradeDimension] = enum_column(GradeDimension)
    value: Mapped[str] = mapped_column(String(20))
    channel: Mapped[Channel] = enum_column(Channel)
    interval_days: Mapped[int]
    purpose: Mapped[Purpose | None] = enum_column(Purpose)
    active: Mapped[bool] = mapped_column(default=True)

    field_labels = {"dimension": _l("Classification"), "value": _l("Value"), "channel": _l("Channel"),
                    "interval_days": _l("Every (days)"), "purpose": _l("Purpose"), "active": _l("Active")}

    @staticmethod
    def values_of(dimension: GradeDimension):
        """The client field's enum this classification keys on: its members are the rule's possible values."""
        return Client.__table__.c[dimension.value].type.enum_class

    @property
    def value_label(self) -> str:
        """The value as people read it (A · 全力以赴), never the stored code."""
        member = self.values_of(self.dimension)._value2member_map_.get(self.value)
        return str(member.label) if member is not None else self.value


class ClientCadence(db.Model):
    """Where each client stands in the return-visit regime, kept current by visits.cadence whenever a touch, a
    client's classification or a rule changes: the overdue lists, Today and 5-3-2 read it with plain indexed
    filters instead of aggregating every interaction on every page (derived data: not audited)."""

    __tablename__ = "client_cadence"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    last_touch_at: Mapped[datetime | None] = mapped_column(index=True)
    last_phone_at: Mapped[datetime | None]
    last_onsite_at: Mapped[datetime | None]
    phone_interval: Mapped[int | None] = mapped_column(SmallInteger)
    onsite_interval: Mapped[int | None] = mapped_column(SmallInteger)
    phone_due_on: Mapped[date | None] = mapped_column(Date, index=True)  # NULL: no rule applies, or a lost client
    onsite_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The earlier of the two: the overdue list and Today read the most overdue clients off this index.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
