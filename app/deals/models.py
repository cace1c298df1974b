"""Secondary development (二次开发): deals with their stage history and stakeholders, contracts with payment
milestones and receipts, referrals and the points they earn. Money is Numeric, read as Decimal, never float."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    exists,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.archive.enums import DecisionRole, Stance
from app.archive.models import Attachment, Client, ClientOwned, Contact, Product
from app.core.clock import utcnow
from app.core.errors import Refused
from app.core.models import RecordMixin, SoftDeleteMixin, User, enum_column
from app.deals.enums import (
    DealSource,
    DealStage,
    DemandFit,
    ImplementationStatus,
    MilestoneKind,
    ReferralStatus,
    RelationshipStage,
)
from app.extensions import db

MONEY = Numeric(14, 2)

# The touches (visits, calls) that worked on a deal: the seeds' 4th–11th follow-up band is counted from these.
deal_interactions = Table(
    "deal_interactions", db.metadata,
    Column("deal_id", ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True),
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True, index=True),
)

contract_attachments = Table(
    "contract_attachments", db.metadata,
    Column("contract_id", ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Deal(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """A secondary-development opportunity (二次开发机会). Every open deal has a next step (action and date)."""

    __tablename__ = "deals"
    __label__ = _l("Deal")
    __table_args__ = (
        Index("ix_deals_stage_close", "stage", "expected_close"),
        Index("ix_deals_owner_stage", "owner_id", "stage"),
        Index("ix_deals_next_date", "next_date"),
    )

    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stage: Mapped[DealStage] = enum_column(DealStage, default=DealStage.TARGET)
    probability: Mapped[int] = mapped_column(SmallInteger, default=10)  # percent
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))  # estimated: the lines' sum, or typed
    expected_close: Mapped[date | None] = mapped_column(Date)
    key_person_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    inside_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    competitor: Mapped[str] = mapped_column(String(120), default="")
    demand_fit: Mapped[DemandFit | None] = enum_column(DemandFit)
    source: Mapped[DealSource | None] = enum_column(DealSource)
    source_visit_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"), index=True)
    next_action: Mapped[str] = mapped_column(String(200), default="")
    next_date: Mapped[date | None] = mapped_column(Date)
    meeting_plan: Mapped[str] = mapped_column(Text, default="")  # internal: 约谈方案
    fallback_plan: Mapped[str] = mapped_column(Text, default="")  # internal: 备选方案
    lost_reason: Mapped[str] = mapped_column(String(200), default="")
    lessons: Mapped[str] = mapped_column(Text, default="")  # what we learned from a lost deal
    notes: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)

    client: Mapped[Client] = relationship(lazy="joined")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    key_person: Mapped[Contact | None] = relationship(foreign_keys=[key_person_id])
    inside_contact: Mapped[Contact | None] = relationship(foreign_keys=[inside_contact_id])
    lines: Mapped[list["DealLine"]] = relationship(back_populates="deal", cascade="all, delete-orphan",
                                                   order_by="DealLine.id")
    stage_changes: Mapped[list["DealStageChange"]] = relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="DealStageChange.at")
    stakeholders: Mapped[list["Stakeholder"]] = relationship(back_populates="deal", cascade="all, delete-orphan",
                                                             order_by="Stakeholder.id")

    field_labels = {
        "client_id": _l("Client"), "title": _l("Subject"), "owner_id": _l("Owner"), "stage": _l("Stage"),
        "probability": _l("Probability (%)"), "amount": _l("Estimated amount (yuan)"),
        "expected_close": _l("Expected close"), "key_person_id": _l("Key person"),
        "inside_contact_id": _l("Inside contact"), "competitor": _l("Competitor"), "demand_fit": _l("Demand fit"),
        "source": _l("Source"), "source_visit_id": _l("Found during visit"), "next_action": _l("Next step"),
        "next_date": _l("Next step on"), "meeting_plan": _l("Meeting plan"),
        "fallback_plan": _l("Fallback plan if the talk fails"), "lost_reason": _l("Why it was not won"),
        "lessons": _l("What we learned"), "notes": _l("Notes"), "closed_on": _l("Closed on"),
        "deleted_at": _l("Deleted"),
    }

    def __str__(self) -> str:
        return f"{self.client.name} · {self.title}"


class DealLine(RecordMixin, db.Model):
    """A product of the catalogue on a deal: quantity × unit price."""

    __tablename__ = "deal_lines"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))

    deal: Mapped[Deal] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship(lazy="joined")

    field_labels = {"deal_id": _l("Deal"), "product_id": _l("Product"), "quantity": _l("Quantity"),
                    "unit_price": _l("Unit price (yuan)")}

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class DealStageChange(db.Model):
    """A deal moved from one stage to another: when and by whom (conversion and cycle time per stage)."""

    __tablename__ = "deal_stage_changes"
    __table_args__ = (Index("ix_deal_stage_changes_deal_at", "deal_id", "at"),
                      Index("ix_deal_stage_changes_to_at", "to_stage", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_stage: Mapped[DealStage | None] = enum_column(DealStage)  # None: the deal was created
    to_stage: Mapped[DealStage] = enum_column(DealStage)

    deal: Mapped[Deal] = relationship(back_populates="stage_changes")
    user: Mapped[User | None] = relationship(lazy="joined")


class Stakeholder(RecordMixin, db.Model):
    """A contact on a deal's stakeholder map (internal only): their role in the decision, their stance (its
    history is this row's audit trail), for the inside contact the relationship stage, and how to win support."""

    __tablename__ = "stakeholders"
    __table_args__ = (UniqueConstraint("deal_id", "contact_id"),)

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    decision_role: Mapped[DecisionRole | None] = enum_column(DecisionRole)
    stance: Mapped[Stance | None] = enum_column(Stance)
    relationship_stage: Mapped[RelationshipStage | None] = enum_column(RelationshipStage)
    notes: Mapped[str] = mapped_column(Text, default="")  # how to strengthen support

    deal: Mapped[Deal] = relationship(back_populates="stakeholders")
    contact: Mapped[Contact] = relationship(lazy="joined")

    field_labels = {"deal_id": _l("Deal"), "contact_id": _l("Contact"), "decision_role": _l("Decision role"),
                    "stance": _l("Stance"), "relationship_stage": _l("Relationship stage"),
                    "notes": _l("How to strengthen support")}


class Contract(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """A signed contract (合同): from a won deal or entered directly. Its milestones add up to its amount."""

    __tablename__ = "contracts"
    __label__ = _l("Contract")
    __table_args__ = (Index("ix_contracts_signed", "signed_on", "id"),
                      Index("ix_contracts_status", "implementation_status"))

    number: Mapped[str] = mapped_column(String(20), unique=True)  # HT-2026-0001 (core.sequences)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    implementation_start: Mapped[date | None] = mapped_column(Date)
    acceptance_planned: Mapped[date | None] = mapped_column(Date)
    acceptance_actual: Mapped[date | None] = mapped_column(Date)
    implementation_status: Mapped[ImplementationStatus] = enum_column(
        ImplementationStatus, default=ImplementationStatus.NOT_STARTED)
    maintenance_until: Mapped[date | None] = mapped_column(Date)  # feeds the installed base once accepted
    notes: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[Client] = relationship(lazy="joined")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    deal: Mapped[Deal | None] = relationship()
    lines: Mapped[list["ContractLine"]] = relationship(back_populates="contract", cascade="all, delete-orphan",
                                                       order_by="ContractLine.id")
    milestones: Mapped[list["Milestone"]] = relationship(back_populates="contract", cascade="all, delete-orphan",
                                                         order_by="(Milestone.due_on, Milestone.id)")
    attachments: Mapped[list[Attachment]] = relationship(
        secondary=contract_attachments, order_by=Attachment.id,
        secondaryjoin="and_(Attachment.id == contract_attachments.c.attachment_id, Attachment.deleted_at.is_(None))")

    field_labels = {
        "client_id": _l("Client"), "number": _l("Number"), "deal_id": _l("Deal"), "title": _l("Subject"),
        "owner_id": _l("Owner"), "signed_on": _l("Signed on"), "amount": _l("Contract amount (yuan)"),
        "implementation_start": _l("Implementation start"), "acceptance_planned": _l("Acceptance planned"),
        "acceptance_actual": _l("Accepted on"), "implementation_status": _l("Implementation status"),
        "maintenance_until": _l("Maintenance until"), "notes": _l("Notes"), "deleted_at": _l("Deleted"),
    }

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"


class ContractLine(RecordMixin, db.Model):
    __tablename__ = "contract_lines"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))

    contract: Mapped[Contract] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship(lazy="joined")

    field_labels = {"contract_id": _l("Contract"), "product_id": _l("Product"), "quantity": _l("Quantity"),
                    "unit_price": _l("Unit price (yuan)")}

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class Milestone(RecordMixin, db.Model):
    """A payment the contract expects (首付款, 验收款, 尾款…): when and how much."""

    __tablename__ = "milestones"
    __table_args__ = (Index("ix_milestones_due", "due_on", "contract_id"),)

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MilestoneKind] = enum_column(MilestoneKind)
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str] = mapped_column(String(200), default="")

    contract: Mapped[Contract] = relationship(back_populates="milestones")
    receipts: Mapped[list["Receipt"]] = relationship(
        back_populates="milestone", order_by="(Receipt.received_on, Receipt.id)",
        primaryjoin="and_(Receipt.milestone_id == Milestone.id, Receipt.deleted_at.is_(None))", viewonly=True,
        lazy="selectin")  # a contract's milestones bring all their receipts in one query

    field_labels = {"contract_id": _l("Contract"), "kind": _l("Kind"), "due_on": _l("Due on"),
                    "amount": _l("Amount (yuan)"), "note": _l("Note")}


class Receipt(RecordMixin, SoftDeleteMixin, db.Model):
    """Money received against a milestone; several partial receipts may settle one."""

    __tablename__ = "receipts"
    __label__ = _l("Receipt")
    __table_args__ = (Index("ix_receipts_milestone", "milestone_id", "received_on"),)

    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    received_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str] = mapped_column(String(200), default="")

    milestone: Mapped[Milestone] = relationship(back_populates="receipts")

    field_labels = {"milestone_id": _l("Milestone"), "received_on": _l("Received on"),
                    "amount": _l("Amount (yuan)"), "note": _l("Note"), "deleted_at": _l("Deleted")}

    @classmethod
    def scope(cls, user):
        """A receipt is seen by whoever sees its contract (the recycle bin lists receipts on their own)."""
        condition = Contract.scope(user)
        return None if condition is None else exists().where(
            Milestone.id == cls.milestone_id, Contract.id == Milestone.contract_id, condition)

    def restore(self) -> None:
        """Back from the recycle bin only while its milestone still owes this much: a payment registered since
        may have settled it. Checked after the write, like a new receipt (see contracts.add_receipt)."""
        with db.session.begin_nested():
            super().restore()
            db.session.flush()
            owed = db.session.execute(select(Milestone.amount).where(Milestone.id == self.milestone_id)
                                      .with_for_update()).scalar_one()
            received = db.session.scalar(select(func.sum(Receipt.amount)).where(
                Receipt.milestone_id == self.milestone_id, Receipt.deleted_at.is_(None)))
            if received > owed:
                raise Refused(_("This receipt cannot come back: its milestone has been paid since (%(received)s "
                                "of %(owed)s yuan received).", received=f"{received - self.amount:,.2f}",
                                owed=f"{owed:,.2f}"))

    def __str__(self) -> str:
        return f"{self.received_on:%Y-%m-%d} · {self.amount:,.2f} 元"


class Referral(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """A client (client_id, the referrer) who introduced another (referred_client_id, a new lead). Points at the
    admin's rate of the referred client's first contract are granted once, when it is signed."""

    __tablename__ = "referrals"
    __label__ = _l("Referral")

    referring_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    referred_client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    referred_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ReferralStatus] = enum_column(ReferralStatus, default=ReferralStatus.NEW)
    notes: Mapped[str] = mapped_column(Text, default="")
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))  # the first one, which paid out

    client: Mapped[Client] = relationship(foreign_keys="Referral.client_id", lazy="joined")
    referred_client: Mapped[Client] = relationship(foreign_keys=[referred_client_id])
    referring_contact: Mapped[Contact | None] = relationship()

    field_labels = {"client_id": _l("Referred by"), "referring_contact_id": _l("Referring contact"),
                    "referred_client_id": _l("Referred client"), "referred_on": _l("Referred on"),
                    "status": _l("Status"), "notes": _l("Notes"), "contract_id": _l("First contract"),
                    "deleted_at": _l("Deleted")}


class PointsEntry(ClientOwned, RecordMixin, db.Model):
    """Reward points of a client: + granted for a referral, − redeemed. The balance is their sum."""

    __tablename__ = "points_entries"

    booked_on: Mapped[date] = mapped_column(Date)
    points: Mapped[Decimal] = mapped_column(MONEY)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), unique=True)  # a grant, once
    note: Mapped[str] = mapped_column(String(200), default="")

    field_labels = {"client_id": _l("Client"), "booked_on": _l("Booked on"), "points": _l("Points"),
                    "referral_id": _l("Referral"), "note": _l("Note")}
