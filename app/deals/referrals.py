"""Referrals (转介绍) and the reward points they earn: a client introduces another, and when the referred client
signs its first contract the referrer gets the admin's rate (default 5 %, seed 000 第五章) of its amount as
points, once. Redemptions are negative entries; a balance is the sum, in SQL, and never goes below zero."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.archive.enums import LeadSource, Lifecycle
from app.archive.models import Client
from app.archive.services import save_client
from app.core.clock import local_today
from app.core.errors import Refused
from app.core.models import get_setting, put_setting
from app.core.records import apply
from app.core.scoping import visible
from app.deals.enums import ReferralStatus
from app.deals.models import Contract, PointsEntry, Referral
from app.extensions import db

RATE_SETTING = "deals.referral_rate"
DEFAULT_RATE = Decimal("5")  # percent of the first contract's amount (seed 000: 合同金额的5%作为积分)
CENT = Decimal("0.01")
EDITABLE = ("referring_contact_id", "referred_client_id", "referred_on", "status", "notes")


def referral_rate() -> Decimal:
    """The reward rate in percent, as the admin set it."""
    return Decimal(get_setting(RATE_SETTING, {}).get("percent", str(DEFAULT_RATE)))


def set_referral_rate(percent: Decimal) -> None:
    """A new rate applies to grants from now on; points already granted stay as they were."""
    put_setting(RATE_SETTING, {"percent": str(percent)})


def reward_points(amount: Decimal, rate: Decimal) -> Decimal:
    """amount × rate %, to the fen: 123,456.78 元 at 5 % → 6,172.84 points."""
    return (amount * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def create_lead(referrer: Client, data: dict, user) -> Client:
    """The referred client as a new lead in the archive, owned by the referrer's owner."""
    lead = Client(status=Lifecycle.LEAD, lead_source=LeadSource.REFERRAL)
    return save_client(lead, {**data, "owner_id": referrer.owner_id}, user)


def create_referral(referrer: Client, data: dict, user, new_lead: dict | None = None) -> Referral:
    """Record a referral; with ``new_lead`` (name, city, phone) the referred client is created as a lead."""
    referral = Referral(client_id=referrer.id, status=ReferralStatus.NEW)
    apply(referral, {name: data.get(name) for name in EDITABLE})
    if new_lead:
        referral.referred_client_id = create_lead(referrer, new_lead, user).id
    referral.referred_on = referral.referred_on or local_today()
    db.session.add(referral)
    db.session.flush()
    return referral


def update_referral(referral: Referral, data: dict) -> Referral:
    apply(referral, {name: data[name] for name in EDITABLE if name in data})
    db.session.flush()
    return referral


def _is_first_contract(contract: Contract) -> bool:
    earlier = select(Contract.id).where(Contract.client_id == contract.client_id, Contract.id != contract.id,
                                        Contract.deleted_at.is_(None))
    return db.session.scalar(earlier.limit(1)) is None


def grant_for_contract(contract: Contract, user) -> PointsEntry | None:
    """Call once a contract is signed (saved). When it is the referred client's first contract, the referrer of
    its earliest open referral gets amount × rate points, once: the referral becomes signed and remembers the
    contract. A second contract, or a second call, grants nothing (PointsEntry.referral_id is unique)."""
    if not _is_first_contract(contract):
        return None
    referral = db.session.scalar(
        select(Referral).where(Referral.referred_client_id == contract.client_id, Referral.deleted_at.is_(None),
                               Referral.client_id != contract.client_id,
                               ~select(PointsEntry.id).where(PointsEntry.referral_id == Referral.id).exists())
        .order_by(Referral.referred_on, Referral.id).limit(1))
    if referral is None:
        return None
    entry = PointsEntry(client_id=referral.client_id, booked_on=contract.signed_on, referral_id=referral.id,
                        points=reward_points(contract.amount, referral_rate()), created_by_id=user.id,
                        note=_("Referral of %(client)s: contract %(number)s",
                               client=contract.client.name, number=contract.number)[:200])
    try:
        with db.session.begin_nested():  # a concurrent grant for the same referral: the unique key says no
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        return None
    referral.status = ReferralStatus.SIGNED
    referral.contract_id = contract.id
    db.session.flush()
    return entry


def points_balance(client_id: int) -> Decimal:
    total = db.session.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0))
                              .where(PointsEntry.client_id == client_id))
    return Decimal(total).quantize(CENT)


def redeem_points(client: Client, points: Decimal, note: str, user, on: date | None = None) -> PointsEntry:
    """Spend points (a negative entry); refused when the balance would go below zero. Two redemptions at once
    cannot both pass: PostgreSQL queues them on the client's row (FOR UPDATE); on SQLite the entry is written
    before the balance is read, so the write lock queues them. Inside a savepoint: a refusal saves nothing."""
    if points <= 0:
        raise Refused(_("Redeem more than zero points."), "points")
    db.session.execute(select(Client.id).where(Client.id == client.id).with_for_update())
    with db.session.begin_nested():
        entry = PointsEntry(client_id=client.id, booked_on=on or local_today(), points=-points.quantize(CENT),
                            note=note, created_by_id=user.id)
        db.session.add(entry)
        db.session.flush()
        if (balance := points_balance(client.id)) < 0:
            raise Refused(_("Only %(balance)s points are left to redeem.", balance=f"{balance + points:,.2f}"),
                          "points")
    return entry


def referral_list(user, status: ReferralStatus | None = None) -> Select:
    """The referrals the user may see (by the referring client), newest first."""
    stmt = visible(select(Referral), Referral, user)
    if status:
        stmt = stmt.where(Referral.status == status)
    return stmt.order_by(Referral.referred_on.desc(), Referral.id.desc())


def client_referrals(client: Client, user) -> list[Referral]:
    """The referrals the client made and those that brought it in, that the user may see."""
    stmt = visible(select(Referral), Referral, user).where(
        or_(Referral.client_id == client.id, Referral.referred_client_id == client.id))
    return db.session.execute(stmt.order_by(Referral.referred_on.desc(), Referral.id.desc()).limit(50)).scalars().all()


def points_entries(client_id: int, limit: int = 10) -> list[PointsEntry]:
    stmt = (select(PointsEntry).where(PointsEntry.client_id == client_id)
            .order_by(PointsEntry.booked_on.desc(), PointsEntry.id.desc()).limit(limit))
    return db.session.execute(stmt).scalars().all()
