"""The client archive. Client is the unit of ownership: every record attached to a client is scoped by it."""
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    event,
    exists,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, aliased, declared_attr, mapped_column, relationship

from app.archive.enums import (
    LIFE_EVENTS,
    AssetKind,
    AssetStatus,
    ClientCategory,
    DecisionRole,
    Demand,
    DevelopmentType,
    Expansion,
    Gender,
    IncomeTier,
    LeadSource,
    Lifecycle,
    ProductCategory,
    Relationship,
    SpecialDateKind,
    Stance,
    StrategyLayer,
    ValueGrade,
)
from app.archive.rules import Breakdown, assessment_breakdown, name_pinyin
from app.core.clock import utcnow
from app.core.models import Audited, RecordMixin, SoftDeleteMixin, User, enum_column
from app.extensions import db

DEFAULT_UNIT_LEVELS = ("三甲", "三乙", "二甲", "二乙", "一级", "未定级")


class UnitLevel(Audited, db.Model):
    """Hospital grade (三甲, 二甲, 一级, 未定级…): an admin-editable list."""

    __tablename__ = "unit_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self) -> str:
        return self.name


class Client(RecordMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "clients"
    __label__ = _l("Client")
    __audit_exclude__ = RecordMixin.__audit_exclude__ | {"search_text"}  # derived, kept by archive.search
    # The list's filter panel reads the distinct places from this index alone.
    __table_args__ = (
        Index("ix_clients_region_city", "region", "city"),
        # A rep's clients in name (pinyin) order (their list; festival greetings) without walking everyone's.
        Index("ix_clients_owner_name", "owner_id", "deleted_at", "pinyin"),
    )

    name: Mapped[str] = mapped_column(String(200), index=True)
    name_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    # Derived from the name (archive.rules.name_pinyin): the list's name order, and search by pinyin.
    pinyin: Mapped[str] = mapped_column(String(800), index=True, default="")
    pinyin_initials: Mapped[str] = mapped_column(String(200), default="")
    # What a search reads (archive.search): names, phone, pinyin and the contacts' names and numbers.
    search_text: Mapped[str] = mapped_column(Text, default="")
    short_name: Mapped[str] = mapped_column(String(80), default="")
    category: Mapped[ClientCategory | None] = enum_column(ClientCategory, index=True)
    unit_level_id: Mapped[int | None] = mapped_column(ForeignKey("unit_levels.id"), index=True)
    region: Mapped[str] = mapped_column(String(40), default="", index=True)
    city: Mapped[str] = mapped_column(String(40), default="", index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    website: Mapped[str] = mapped_column(String(200), default="")
    legal_representative: Mapped[str] = mapped_column(String(40), default="")
    employees: Mapped[int | None]
    beds: Mapped[int | None]
    annual_revenue: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # 万元
    established_year: Mapped[int | None] = mapped_column(SmallInteger)
    business_situation: Mapped[str] = mapped_column(Text, default="")
    after_sales_situation: Mapped[str] = mapped_column(Text, default="")
    it_situation: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    competitors: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    lead_source: Mapped[LeadSource | None] = enum_column(LeadSource, index=True)
    status: Mapped[Lifecycle] = enum_column(Lifecycle, default=Lifecycle.CUSTOMER, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    relationship_class: Mapped[Relationship | None] = enum_column(Relationship, index=True)
    income_tier: Mapped[IncomeTier | None] = enum_column(IncomeTier, index=True)
    expansion: Mapped[Expansion | None] = enum_column(Expansion, index=True)
    demand: Mapped[Demand | None] = enum_column(Demand, index=True)
    development_type: Mapped[DevelopmentType | None] = enum_column(DevelopmentType, index=True)
    strategy_layer: Mapped[StrategyLayer | None] = enum_column(StrategyLayer, index=True)
    value_grade: Mapped[ValueGrade | None] = enum_column(ValueGrade, index=True)
    assessment_score: Mapped[int | None]

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys="Client.created_by_id")
    unit_level: Mapped[UnitLevel | None] = relationship(lazy="joined")
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="client", primaryjoin="and_(Contact.client_id == Client.id, Contact.deleted_at.is_(None))",
        order_by="(Contact.is_key_person.desc(), Contact.name)", viewonly=True)

    field_labels = {
        "name": _l("Name"), "name_key": _l("Name"), "short_name": _l("Short name"), "category": _l("Category"),
        "unit_level_id": _l("Unit level"), "region": _l("Region"), "city": _l("City"), "address": _l("Address"),
        "postcode": _l("Postcode"), "phone": _l("Phone"), "website": _l("Website"),
        "legal_representative": _l("Legal representative"), "employees": _l("Employees"), "beds": _l("Beds"),
        "annual_revenue": _l("Annual revenue (10k yuan)"), "established_year": _l("Established"),
        "business_situation": _l("Business situation"), "after_sales_situation": _l("After-sales situation"),
        "it_situation": _l("IT and network"), "needs": _l("Needs"), "competitors": _l("Suppliers and competitors"),
        "notes": _l("Notes"), "lead_source": _l("Lead source"), "status": _l("Lifecycle status"),
        "owner_id": _l("Owner"), "relationship_class": _l("Relationship"), "income_tier": _l("Income tier"),
        "expansion": _l("Expansion"), "demand": _l("Demand level"), "development_type": _l("Development type"),
        "strategy_layer": _l("Strategy layer"), "value_grade": _l("Value grade"),
        "assessment_score": _l("Assessment score"), "deleted_at": _l("Deleted"), "created_at": _l("Created"),
    }
    audit_hidden = frozenset({"name_key", "pinyin", "pinyin_initials"})  # derived from the name
    handover_note = ""  # not stored: said with a handover, written to the timeline by the visits domain
    audit_references = {"unit_level_id": (UnitLevel, UnitLevel.name)}

    @classmethod
    def scope(cls, user):
        """Sales see the clients they own (DESIGN.md, roles); everyone else sees all."""
        return None if user.sees_all_clients else cls.owner_id == user.id

    def __str__(self) -> str:
        return self.name



@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _spell_the_name(_mapper, _connection, client: Client) -> None:
    """The pinyin follows the name however the client is written (form, import, script)."""
    if not client.pinyin or inspect(client).attrs.name.history.has_changes():
        client.pinyin, client.pinyin_initials = name_pinyin(client.name)

class ClientOwned:
    """A record attached to a client: seen by whoever sees the client, gone with it."""

    @declared_attr
    def client_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("clients.id"), index=True)

    @classmethod
    def scope(cls, user):
        if user.sees_all_clients:
            # Every client but the few in the recycle bin: a sorted page walks its own index and stops early, and a
            # count reads an index, instead of first gathering the ids of every client.
            return cls.client_id.not_in(select(Client.id).where(Client.deleted_at.is_not(None)))
        if book_size(user) <= SMALL_BOOK:
            # A rep's book: their clients' ids once (an index range), then only those clients' rows. Measured at
            # 10,000 clients, 250 a rep: all visits 43 → 9 ms, Today 36 → 29 ms, a client page 32 → 23 ms.
            return cls.client_id.in_(select(Client.id).where(Client.owner_id == user.id, Client.deleted_at.is_(None)))
        # A book of thousands (half the archive): row by row through the client's primary key, so a sorted page
        # checks only the rows it reads and stops early (with the ids gathered first: 12 → 64 ms at 5,000).
        owner = aliased(Client)
        return exists().where(owner.id == cls.client_id, owner.deleted_at.is_(None), owner.owner_id == user.id)


SMALL_BOOK = 2000  # clients a rep owns up to which their records are read by the list of their clients' ids


def book_size(user) -> int:
    """How many clients the rep owns: counted once per loaded user (a request's current_user), for scope."""
    size = getattr(user, "_book_size", None)
    if size is None:
        size = db.session.scalar(select(func.count(Client.id)).where(Client.owner_id == user.id,
                                                                    Client.deleted_at.is_(None)))
        user._book_size = size
    return size


class Contact(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "contacts"
    __label__ = _l("Contact")

    name: Mapped[str] = mapped_column(String(80), index=True)
    gender: Mapped[Gender | None] = enum_column(Gender)
    title: Mapped[str] = mapped_column(String(80), default="")
    department: Mapped[str] = mapped_column(String(80), default="")
    decision_role: Mapped[DecisionRole | None] = enum_column(DecisionRole)
    is_key_person: Mapped[bool] = mapped_column(default=False)
    is_inside_contact: Mapped[bool] = mapped_column(default=False)
    stance: Mapped[Stance | None] = enum_column(Stance)
    mobile: Mapped[str] = mapped_column(String(40), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    wechat: Mapped[str] = mapped_column(String(80), default="")
    hometown: Mapped[str] = mapped_column(String(80), default="")
    hobbies: Mapped[str] = mapped_column(Text, default="")
    personality: Mapped[str] = mapped_column(Text, default="")
    family_notes: Mapped[str] = mapped_column(Text, default="")
    tenure: Mapped[str] = mapped_column(String(80), default="")
    authority: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    still_at_client: Mapped[bool] = mapped_column(default=True)

    client: Mapped[Client] = relationship(back_populates="contacts", lazy="joined")
    special_dates: Mapped[list["SpecialDate"]] = relationship(
        primaryjoin="and_(SpecialDate.contact_id == Contact.id, SpecialDate.deleted_at.is_(None))",
        viewonly=True, order_by="(SpecialDate.month, SpecialDate.day)")

    field_labels = {
        "name": _l("Full name"), "gender": _l("Gender"), "title": _l("Title"), "department": _l("Department"),
        "decision_role": _l("Decision role"), "is_key_person": _l("Key person"),
        "is_inside_contact": _l("Inside contact"), "stance": _l("Stance toward us"), "mobile": _l("Mobile"),
        "phone": _l("Office phone"), "email": _l("Email"), "wechat": _l("WeChat"), "hometown": _l("Hometown"),
        "hobbies": _l("Hobbies"), "personality": _l("Personality and working style"),
        "family_notes": _l("Family"), "tenure": _l("Tenure"), "authority": _l("Authority"), "notes": _l("Notes"),
        "still_at_client": _l("Still at the client"), "client_id": _l("Client"), "deleted_at": _l("Deleted"),
    }

    def __str__(self) -> str:
        return self.name


class SpecialDate(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """A contact's birthday or family date, or a client's own event; solar or lunar (农历), repeating yearly.
    A life event (marriage, bereavement…) happens once: its year is required and it never repeats."""

    __tablename__ = "special_dates"
    __label__ = _l("Special date")
    __audit_exclude__ = RecordMixin.__audit_exclude__ | {"next_on"}  # derived, rolls forward every year

    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    kind: Mapped[SpecialDateKind] = enum_column(SpecialDateKind)
    whose: Mapped[str] = mapped_column(String(40), default="")
    label: Mapped[str] = mapped_column(String(80), default="")
    month: Mapped[int] = mapped_column(SmallInteger)
    day: Mapped[int] = mapped_column(SmallInteger)
    year: Mapped[int | None] = mapped_column(SmallInteger)
    is_lunar: Mapped[bool] = mapped_column(default=False)
    is_leap_month: Mapped[bool] = mapped_column(default=False)
    remind_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    # The next solar date it falls on, kept current by archive.occurrences: care days filter it in SQL.
    next_on: Mapped[date | None] = mapped_column(Date, index=True)

    contact: Mapped[Contact | None] = relationship(lazy="joined")
    client: Mapped[Client] = relationship(lazy="joined")

    field_labels = {
        "kind": _l("Kind"), "whose": _l("Whose"), "label": _l("Description"), "month": _l("Month"),
        "day": _l("Day"), "year": _l("Year"), "is_lunar": _l("Lunar calendar"), "is_leap_month": _l("Leap month"),
        "remind_days": _l("Remind days ahead"), "contact_id": _l("Contact"), "deleted_at": _l("Deleted"),
    }

    def __str__(self) -> str:
        who = self.contact.name if self.contact else self.client.name
        return f"{who} · {self.label or self.kind.label}"

    @property
    def is_life_event(self) -> bool:
        """A one-time event (marriage, bereavement…) on its own dated day, not a yearly date."""
        return self.kind in LIFE_EVENTS


class Product(RecordMixin, db.Model):
    """Our catalogue: modules and services; drives the cross-sell gaps on the client page."""

    __tablename__ = "products"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[ProductCategory] = enum_column(ProductCategory, default=ProductCategory.MODULE)
    list_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="")

    field_labels = {"name": _l("Name"), "category": _l("Category"), "list_price": _l("List price"),
                    "active": _l("Active"), "description": _l("Description")}

    def __str__(self) -> str:
        return self.name


class Asset(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """What the client runs: our modules, hardware, peripherals, medical devices."""

    __tablename__ = "assets"
    __label__ = _l("Asset")

    kind: Mapped[AssetKind] = enum_column(AssetKind)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    module_version: Mapped[str] = mapped_column(String(40), default="")  # "version" is the lock column
    quantity: Mapped[int] = mapped_column(default=1)
    installed_on: Mapped[date | None] = mapped_column(Date)
    maintenance_until: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[AssetStatus] = enum_column(AssetStatus, default=AssetStatus.IN_USE)
    notes: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[Client] = relationship(lazy="joined")
    product: Mapped[Product | None] = relationship(lazy="joined")

    field_labels = {
        "kind": _l("Kind"), "product_id": _l("Product"), "name": _l("Name"), "module_version": _l("Version"),
        "quantity": _l("Quantity"), "installed_on": _l("Installed on"),
        "maintenance_until": _l("Maintenance until"), "status": _l("Status"), "notes": _l("Notes"),
        "deleted_at": _l("Deleted"),
    }

    def __str__(self) -> str:
        return f"{self.client.name} · {self.name}"


class Assessment(db.Model):
    """One value assessment of a client: the scores, the weights used, the result and any override.
    The rows of a client, newest first, are its grade history."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    scores: Mapped[dict] = mapped_column(JSON)  # criterion → 1–5, or null: 信息不足
    weights: Mapped[dict] = mapped_column(JSON)
    thresholds: Mapped[dict | None] = mapped_column(JSON)  # grade → lowest score; null on rows older than this column
    # All three None when too little is known (信息不足，继续收集); an override still sets `grade`.
    score: Mapped[int | None]
    computed_grade: Mapped[ValueGrade | None] = enum_column(ValueGrade)
    override_grade: Mapped[ValueGrade | None] = enum_column(ValueGrade)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    previous_grade: Mapped[ValueGrade | None] = enum_column(ValueGrade)
    grade: Mapped[ValueGrade | None] = enum_column(ValueGrade)
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assessed_by: Mapped[User | None] = relationship(lazy="joined")

    @cached_property
    def breakdown(self) -> Breakdown:
        return assessment_breakdown(self.scores, self.weights)


class Attachment(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """A photo or scan kept under instance/attachments and served only to users who may see the client."""

    __tablename__ = "attachments"
    __label__ = _l("Attachment")

    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    caption: Mapped[str] = mapped_column(String(200), default="")

    client: Mapped[Client] = relationship(lazy="joined")

    field_labels = {"filename": _l("File"), "caption": _l("Caption"), "deleted_at": _l("Deleted")}

    def __str__(self) -> str:
        return f"{self.client.name} · {self.filename}"
