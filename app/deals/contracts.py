"""Contracts, their payment milestones and receipts: the writes (flush, never commit) and the queries (always
through visible(); amounts, received and outstanding summed in SQL, one query a page)."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import selectinload

from app.archive.attachments import save_upload
from app.archive.enums import AssetKind, ProductCategory
from app.archive.models import Asset, Client
from app.core.clock import local_today
from app.core.errors import Refused
from app.core.forms import whole_number
from app.core.scoping import visible
from app.core.sequences import next_number
from app.deals.access import can_change
from app.deals.enums import DealStage, ImplementationStatus
from app.deals.models import Contract, ContractLine, Deal, Milestone, Receipt
from app.deals.receivables import BUCKETS, ZERO, milestones_gap, outstanding
from app.deals.referrals import grant_for_contract
from app.extensions import db

EDITABLE = ("title", "signed_on", "amount", "owner_id", "implementation_start", "acceptance_planned",
            "acceptance_actual", "maintenance_until", "notes")
DUE_SOON_DAYS = 14  # payments due within two weeks show on Today


# ---- writes ----------------------------------------------------------------------------------------------------

def _check_milestones(amount: Decimal, milestones: list[dict]) -> None:
    total, expected = milestones_gap(amount, [m["amount"] for m in milestones])
    if total != expected:
        raise Refused(_("The milestones add up to %(total)s yuan but the contract amount is %(amount)s yuan: they "
                        "must be equal.", total=f"{total:,.2f}", amount=f"{expected:,.2f}"), "amount")


def create_contract(client: Client, data: dict, user, deal: Deal | None = None) -> Contract:
    """A contract with its lines and milestones (``data["lines"]``, ``data["milestones"]``: lists of dicts); its
    number runs on per year of signing. Refused, with nothing written, when the milestones miss the amount."""
    _check_milestones(data["amount"], data["milestones"])
    contract = Contract(client_id=client.id, deal_id=deal.id if deal else None,
                        number=next_number("HT", data["signed_on"].year),
                        **{name: data[name] for name in EDITABLE if name in data})
    contract.owner_id = contract.owner_id or client.owner_id or user.id
    contract.lines = [ContractLine(**line) for line in data["lines"]]
    contract.milestones = [Milestone(**_milestone_fields(m)) for m in data["milestones"]]
    db.session.add(contract)
    db.session.flush()
    grant_for_contract(contract, user)  # the referrer's points, once, at the referred client's first contract
    return contract


def _milestone_fields(row: dict) -> dict:
    return {name: row[name] for name in ("kind", "due_on", "amount", "note") if name in row}


def update_contract(contract: Contract, data: dict) -> None:
    """Facts, lines and milestones as edited. A milestone (matched by ``id``) may not drop below what was already
    received on it, nor go while it has receipts."""
    _check_milestones(data["amount"], data["milestones"])
    received = received_per_milestone([m.id for m in contract.milestones])
    kept = {row["id"]: row for row in data["milestones"] if row.get("id")}
    for milestone in contract.milestones:  # every check before the first change: nothing is half-saved
        paid, row = received.get(milestone.id, ZERO), kept.get(milestone.id)
        if row is None and paid:
            raise Refused(_("A milestone with receipts cannot be removed: delete its receipts first."), "amount")
        if row is not None and row["amount"] < paid:
            raise Refused(_("%(paid)s yuan has already been received on a milestone now set to %(amount)s yuan.",
                            paid=f"{paid:,.2f}", amount=f"{row['amount']:,.2f}"), "amount")
    ours = {m.id: m for m in contract.milestones}
    for milestone in list(contract.milestones):
        if milestone.id not in kept:
            contract.milestones.remove(milestone)
    for row in data["milestones"]:
        if row.get("id") in ours:
            for name, value in _milestone_fields(row).items():
                setattr(ours[row["id"]], name, value)
        else:
            contract.milestones.append(Milestone(**_milestone_fields(row)))
    for name in EDITABLE:
        if name in data:
            setattr(contract, name, data[name])
    contract.lines = [ContractLine(**line) for line in data["lines"]]
    if contract.implementation_status is ImplementationStatus.ACCEPTED:
        sync_installed_base(contract)
    db.session.flush()


def add_receipt(contract: Contract, data: dict) -> Receipt:
    """Money received against one of the contract's milestones: partial payments add up, never beyond what the
    milestone owes. Two payments at once cannot both pass: PostgreSQL queues them on the milestone's row (FOR
    UPDATE); on SQLite the receipt is written before the sum is read, so the write lock queues them. Inside a
    savepoint: a refused payment leaves nothing behind."""
    milestone = db.session.execute(select(Milestone).where(
        Milestone.id == data["milestone_id"], Milestone.contract_id == contract.id).with_for_update()).scalar()
    if milestone is None:
        raise Refused(_("Choose a milestone of this contract."), "milestone_id")
    with db.session.begin_nested():
        receipt = Receipt(milestone_id=milestone.id, received_on=data["received_on"], amount=data["amount"],
                          note=data.get("note") or "")
        db.session.add(receipt)
        db.session.flush()
        received = received_per_milestone([milestone.id]).get(milestone.id, ZERO)
        if received > milestone.amount:
            owed = outstanding(milestone.amount, received - data["amount"])
            raise Refused(_("Only %(owed)s yuan is still owed on this milestone; %(amount)s yuan is more than "
                            "that.", owed=f"{owed:,.2f}", amount=f"{data['amount']:,.2f}"), "amount")
    return receipt


def change_status(contract: Contract, status: ImplementationStatus) -> list[Asset]:
    """Move the implementation; starting dates the start, acceptance the acceptance (unless already typed). Once
    accepted with a maintenance date, the installed base follows (the assets touched are returned)."""
    contract.implementation_status = status
    if status is ImplementationStatus.IMPLEMENTING and contract.implementation_start is None:
        contract.implementation_start = local_today()
    touched = []
    if status is ImplementationStatus.ACCEPTED:
        contract.acceptance_actual = contract.acceptance_actual or local_today()
        touched = sync_installed_base(contract)
    db.session.flush()
    return touched


def sync_installed_base(contract: Contract) -> list[Asset]:
    """Each software-module line of an accepted contract with a maintenance date becomes the client's installed
    module: the module already on record (same product, kind software) has its maintenance extended to the
    contract's if that is later; a module not yet on record is added, installed on the acceptance date."""
    if contract.maintenance_until is None:
        return []
    modules = [line for line in contract.lines if line.product.category is ProductCategory.MODULE]
    existing = {asset.product_id: asset for asset in db.session.execute(select(Asset).where(
        Asset.client_id == contract.client_id, Asset.kind == AssetKind.SOFTWARE, Asset.deleted_at.is_(None),
        Asset.product_id.in_([line.product_id for line in modules])).order_by(Asset.id.desc())).scalars()}
    touched = []
    for line in modules:
        asset = existing.get(line.product_id)
        if asset is None:
            asset = Asset(client_id=contract.client_id, kind=AssetKind.SOFTWARE, product_id=line.product_id,
                          name=line.product.name, quantity=line.quantity, installed_on=contract.acceptance_actual)
            db.session.add(asset)
            existing[line.product_id] = asset
        if asset.maintenance_until is None or asset.maintenance_until < contract.maintenance_until:
            asset.maintenance_until = contract.maintenance_until
        touched.append(asset)
    db.session.flush()
    return touched


def attach_to_contract(contract: Contract, upload, caption: str, user):
    """A scan of the signed contract, kept with the client's files and linked here."""
    attachment = save_upload(contract.client, upload, caption, user)
    contract.attachments.append(attachment)
    db.session.flush()
    return attachment


def may_sign_for(user, client: Client) -> bool:
    """Whether the user may enter a contract of this client: as if changing one of its contracts."""
    return can_change(user, SimpleNamespace(client=client))


def signed_deal(deal: Deal) -> bool:
    return deal.stage is DealStage.WON


def from_deal(deal: Deal) -> dict:
    """What a contract from a won deal starts with: its title, amount, owner and product lines."""
    return {"title": deal.title, "amount": deal.amount, "owner_id": deal.owner_id,
            "lines": [{"product_id": line.product_id, "quantity": line.quantity, "unit_price": line.unit_price}
                      for line in deal.lines]}


# ---- queries ---------------------------------------------------------------------------------------------------

def received_per_milestone(milestone_ids: list[int]) -> dict[int, Decimal]:
    if not milestone_ids:
        return {}
    rows = db.session.execute(select(Receipt.milestone_id, func.sum(Receipt.amount)).where(
        Receipt.milestone_id.in_(milestone_ids), Receipt.deleted_at.is_(None)).group_by(Receipt.milestone_id))
    return dict(rows.all())


def _owed_per_milestone():
    """Per milestone: its contract, due date, what it still owes, and whether that is past due."""
    paid = (select(Receipt.milestone_id, func.sum(Receipt.amount).label("received"))
            .where(Receipt.deleted_at.is_(None)).group_by(Receipt.milestone_id).subquery())
    owed = Milestone.amount - func.coalesce(paid.c.received, ZERO)
    return (select(Milestone.id.label("milestone_id"), Milestone.contract_id, Milestone.due_on,
                   func.coalesce(paid.c.received, ZERO).label("received"), owed.label("owed"))
            .outerjoin(paid, paid.c.milestone_id == Milestone.id).subquery())


def _per_contract(today: date):
    ms = _owed_per_milestone()
    return (select(ms.c.contract_id, func.sum(ms.c.received).label("received"), func.sum(ms.c.owed).label("owed"),
                   func.sum(case((ms.c.due_on < today, ms.c.owed), else_=ZERO)).label("overdue"))
            .group_by(ms.c.contract_id).subquery())


@dataclass(frozen=True)
class ContractFilters:
    status: ImplementationStatus | None = None
    owner: int | None = None
    client: int | None = None
    year: int | None = None

    @classmethod
    def from_args(cls, args) -> "ContractFilters":
        return cls(status=ImplementationStatus._value2member_map_.get(args.get("status") or ""),
                   owner=whole_number(args.get("owner")), client=whole_number(args.get("client")),
                   year=whole_number(args.get("year"), maximum=9999))

    def args(self, **changes) -> dict:
        """The filters as query-string arguments (for the pager's links), with ``changes`` (None drops one)."""
        values = {"status": self.status.value if self.status else None, "owner": self.owner,
                  "client": self.client, "year": self.year, **changes}
        return {key: value for key, value in values.items() if value is not None}


def contract_list(user, filters: ContractFilters, today: date | None = None) -> Select:
    """Rows of (Contract, received, outstanding, overdue), newest signed first."""
    sums = _per_contract(today or local_today())
    received = func.coalesce(sums.c.received, ZERO)
    stmt = (select(Contract, received.label("received"), (Contract.amount - received).label("outstanding"),
                   func.coalesce(sums.c.overdue, ZERO).label("overdue"))
            .outerjoin(sums, sums.c.contract_id == Contract.id)
            .order_by(Contract.signed_on.desc(), Contract.id.desc()))
    if filters.status:
        stmt = stmt.where(Contract.implementation_status == filters.status)
    if filters.owner:
        stmt = stmt.where(Contract.owner_id == filters.owner)
    if filters.client:
        stmt = stmt.where(Contract.client_id == filters.client)
    if filters.year:
        stmt = stmt.where(Contract.signed_on.between(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    return visible(stmt, Contract, user)


def contract_receivables(user, today: date) -> Select:
    """Rows of (Contract, received, outstanding, overdue) of contracts still owed money, most overdue first."""
    sums = _per_contract(today)
    stmt = (select(Contract, sums.c.received, sums.c.owed.label("outstanding"), sums.c.overdue)
            .join(sums, sums.c.contract_id == Contract.id).where(sums.c.owed > 0)
            .order_by(sums.c.overdue.desc(), sums.c.owed.desc(), Contract.id))
    return visible(stmt, Contract, user)


def client_receivables(user, today: date) -> Select:
    """Rows of (client id, client name, contracts, outstanding, overdue) of clients still owing, most overdue
    first."""
    sums = _per_contract(today)
    stmt = (select(Client.id, Client.name, func.count(Contract.id).label("contracts"),
                   func.sum(sums.c.owed).label("outstanding"), func.sum(sums.c.overdue).label("overdue"))
            .select_from(Contract).join(sums, sums.c.contract_id == Contract.id)
            .join(Client, Client.id == Contract.client_id).where(sums.c.owed > 0)
            .group_by(Client.id, Client.name)
            .order_by(func.sum(sums.c.overdue).desc(), func.sum(sums.c.owed).desc(), Client.id))
    return visible(stmt, Contract, user)


def _owed_milestones(user, today: date) -> Select:
    ms = _owed_per_milestone()
    stmt = select(ms).join(Contract, Contract.id == ms.c.contract_id).where(ms.c.owed > 0)
    return visible(stmt, Contract, user)


def ageing_sums(user, today: date) -> list[Decimal]:
    """What is past due per bucket of BUCKETS (receivables.ageing's buckets, summed by SQL)."""
    owed = _owed_milestones(user, today).subquery()
    whens = [(owed.c.due_on >= bucket.earliest(today), index) for index, bucket in enumerate(BUCKETS[:-1])]
    bucket = case(*whens, else_=len(BUCKETS) - 1).label("bucket")
    rows = db.session.execute(select(bucket, func.sum(owed.c.owed)).where(owed.c.due_on <= today).group_by(bucket))
    sums = dict(rows.all())
    return [Decimal(sums.get(index) or ZERO).quantize(Decimal("0.01")) for index in range(len(BUCKETS))]


def milestones_due(user, today: date, *, overdue: bool, days: int = DUE_SOON_DAYS) -> Select:
    """Rows of (Milestone, received, owed) still owed: past due (oldest first), or due within ``days``."""
    ms = _owed_per_milestone()
    window = ms.c.due_on < today if overdue else and_(ms.c.due_on >= today,
                                                      ms.c.due_on <= today + timedelta(days=days))
    stmt = (select(Milestone, ms.c.received, ms.c.owed).join(ms, ms.c.milestone_id == Milestone.id)
            .join(Contract, Contract.id == Milestone.contract_id).where(ms.c.owed > 0, window)
            .options(selectinload(Milestone.contract)).order_by(Milestone.due_on, Milestone.id))
    return visible(stmt, Contract, user)


def milestone_rows(contract: Contract) -> list[tuple[Milestone, Decimal, Decimal]]:
    """(milestone, received, outstanding) of one contract, its receipts loaded with it."""
    received = received_per_milestone([m.id for m in contract.milestones])
    return [(m, received.get(m.id, ZERO), outstanding(m.amount, received.get(m.id, ZERO)))
            for m in contract.milestones]
