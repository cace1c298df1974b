"""Complaints (投诉/服务问题) handled in a closed loop, and their timeline."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.archive.models import Asset, Client, ClientOwned, Contact
from app.complaints.enums import ComplaintCategory, ComplaintChannel, ComplaintStatus, EventKind, Severity
from app.core.models import RecordMixin, SoftDeleteMixin, User, enum_column
from app.extensions import db
from app.visits.enums import Satisfaction


class Complaint(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """An issue a client raised. Its times are naive local times (the team's zone, like a visit's), because the
    SLA clocks run on China's working calendar; the due times are kept by complaints.sla after every change, so
    lists filter and sort on them in SQL."""

    __tablename__ = "complaints"
    __label__ = _l("Complaint")
    __table_args__ = (
        Index("ix_complaints_status_received", "status", "received_at"),
        Index("ix_complaints_received", "received_at", "id"),  # everything newest first, a page at a time
        Index("ix_complaints_owner_status", "owner_id", "status"),
        Index("ix_complaints_client_received", "client_id", "received_at"),
    )

    number: Mapped[str] = mapped_column(String(20), unique=True)  # TS-2026-0001 (core.sequences)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    channel: Mapped[ComplaintChannel] = enum_column(ComplaintChannel, default=ComplaintChannel.PHONE)
    received_at: Mapped[datetime]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    category: Mapped[ComplaintCategory] = enum_column(ComplaintCategory, default=ComplaintCategory.SERVICE)
    severity: Mapped[Severity] = enum_column(Severity, default=Severity.ORDINARY)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 责任人
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)  # the installed module
    source_visit_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"), index=True)
    status: Mapped[ComplaintStatus] = enum_column(ComplaintStatus, default=ComplaintStatus.ACCEPTED)

    # Closing (关闭): what it was, what fixed it, how the client felt and who said so.
    root_cause: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    resolution_summary: Mapped[str] = mapped_column(Text, default="")  # client-safe: shown on the client's page
    satisfaction: Mapped[Satisfaction | None] = enum_column(Satisfaction)
    confirmed_by: Mapped[str] = mapped_column(String(80), default="")
    closed_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(SmallInteger, default=0)

    # SLA clocks (complaints.sla): when each step was met, when it is due, and the pause while the client confirms.
    responded_at: Mapped[datetime | None]
    plan_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    response_due_at: Mapped[datetime | None] = mapped_column(index=True)
    plan_due_at: Mapped[datetime | None] = mapped_column(index=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(index=True)
    paused_since: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(default=0, server_default="0")  # working time paused, ended pauses
    escalated_at: Mapped[datetime | None]

    client: Mapped[Client] = relationship(lazy="joined")
    contact: Mapped[Contact | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    asset: Mapped[Asset | None] = relationship()
    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", order_by="(ComplaintEvent.at.desc(), ComplaintEvent.id.desc())",
        cascade="all, delete-orphan")

    field_labels = {
        "number": _l("Number"), "client_id": _l("Client"), "contact_id": _l("Contact"), "channel": _l("Channel"),
        "received_at": _l("Received at"), "received_by_id": _l("Received by"), "category": _l("Category"),
        "severity": _l("Severity"), "title": _l("Subject"), "description": _l("Description"),
        "owner_id": _l("Owner"), "asset_id": _l("Installed module"), "source_visit_id": _l("Raised during visit"),
        "status": _l("Status"), "root_cause": _l("Root cause"), "solution": _l("Solution"),
        "resolution_summary": _l("Resolution summary for the client"), "satisfaction": _l("Client satisfaction"),
        "confirmed_by": _l("Confirmed by"), "closed_at": _l("Closed at"), "reopen_count": _l("Times reopened"),
        "responded_at": _l("First response"), "plan_at": _l("Plan made"), "resolved_at": _l("Resolved at"),
        "response_due_at": _l("Response due"), "plan_due_at": _l("Plan due"),
        "resolution_due_at": _l("Resolution due"), "paused_since": _l("Clock paused since"),
        "paused_seconds": _l("Working time paused"),
        "escalated_at": _l("Escalated at"), "deleted_at": _l("Deleted"),
    }
    audit_hidden = frozenset({"response_due_at", "plan_due_at", "resolution_due_at", "paused_since",
                              "paused_seconds"})  # derived

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"


class ComplaintEvent(db.Model):
    """One line of a complaint's timeline: who, when, what (a status change, a note, a client contact, the
    client's own answer from the confirmation link). Written once, never edited."""

    __tablename__ = "complaint_events"
    __table_args__ = (Index("ix_complaint_events_complaint_at", "complaint_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    at: Mapped[datetime]  # local, like the complaint's times
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the client, through the link
    kind: Mapped[EventKind] = enum_column(EventKind)
    from_status: Mapped[ComplaintStatus | None] = enum_column(ComplaintStatus)
    to_status: Mapped[ComplaintStatus | None] = enum_column(ComplaintStatus)
    text: Mapped[str] = mapped_column(Text, default="")

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship(lazy="joined")


class Survey(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """A satisfaction survey (满意度调研, seed 003: quarterly): NPS 0–10 and four 1–5 scores, recorded by a rep
    or answered by the client through a signed link (recorded_by_id None)."""

    __tablename__ = "surveys"
    __label__ = _l("Satisfaction survey")
    __table_args__ = (Index("ix_surveys_client_answered", "client_id", "answered_at"),
                      Index("ix_surveys_answered", "answered_at"))

    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    answered_at: Mapped[datetime]  # local time
    nps: Mapped[int] = mapped_column(SmallInteger)  # 0–10: would you recommend us?
    product_quality: Mapped[int | None] = mapped_column(SmallInteger)  # 1–5
    service_response: Mapped[int | None] = mapped_column(SmallInteger)
    value_for_money: Mapped[int | None] = mapped_column(SmallInteger)
    cooperation: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the client answered

    client: Mapped[Client] = relationship(lazy="joined")
    contact: Mapped[Contact | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    field_labels = {
        "client_id": _l("Client"), "contact_id": _l("Contact"), "answered_at": _l("Answered at"),
        "nps": _l("Likelihood to recommend (0–10)"), "product_quality": _l("Product quality"),
        "service_response": _l("Service response"), "value_for_money": _l("Value for money"),
        "cooperation": _l("Cooperation experience"), "comment": _l("Comment"),
        "recorded_by_id": _l("Recorded by"), "deleted_at": _l("Deleted"),
    }
