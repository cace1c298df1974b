"""The contract-tracking sheet (合同跟踪表) of one client: its contracts, their milestones with due / received /
outstanding, ageing and overdue flags, and totals. The sums are the deals domain's: contract_list gives each
contract's received and outstanding, received_per_milestone each milestone's, receivables.ageing the buckets."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import selectinload

from app.archive.models import Client
from app.deals.contracts import ContractFilters, contract_list, received_per_milestone
from app.deals.models import Contract, Milestone
from app.deals.receivables import BUCKETS, ZERO, ageing, bucket_index, outstanding
from app.extensions import db


@dataclass
class MilestoneLine:
    milestone: Milestone
    received: Decimal
    outstanding: Decimal
    bucket: str  # the ageing bucket's label ("31–60"), empty when not yet due or paid
    overdue: bool  # past its due date and not paid in full (due today is in a bucket, not yet overdue)


@dataclass
class ContractLines:
    contract: Contract
    received: Decimal
    outstanding: Decimal
    overdue: Decimal
    milestones: list[MilestoneLine]


@dataclass
class ContractSheet:
    client: Client
    today: date
    contracts: list[ContractLines]
    ageing: list[tuple[str, Decimal]]  # (bucket label, amount past due in it)

    def total(self, name: str) -> Decimal:
        return sum((getattr(row, name) for row in self.contracts), ZERO)

    @property
    def amount(self) -> Decimal:
        return sum((row.contract.amount for row in self.contracts), ZERO)


def contract_sheet(client: Client, user, today: date) -> ContractSheet:
    """The client's contracts the user may see, oldest signed first, in three queries whatever their number."""
    stmt = contract_list(user, ContractFilters(client=client.id), today).options(selectinload(Contract.milestones))
    rows = db.session.execute(stmt).unique().all()[::-1]
    received = received_per_milestone([m.id for row in rows for m in row.Contract.milestones])
    contracts, owed = [], []
    for row in rows:
        lines = []
        for milestone in row.Contract.milestones:
            paid = received.get(milestone.id, ZERO)
            left = outstanding(milestone.amount, paid)
            index = bucket_index(milestone.due_on, today) if left > 0 else None
            lines.append(MilestoneLine(milestone, paid, left, BUCKETS[index].label if index is not None else "",
                                       left > 0 and milestone.due_on < today))
            owed.append((milestone.due_on, left))
        contracts.append(ContractLines(row.Contract, row.received, row.outstanding, row.overdue, lines))
    buckets = [(bucket.label, amount) for bucket, amount in zip(BUCKETS, ageing(owed, today), strict=True)]
    return ContractSheet(client, today, contracts, buckets)
