"""Receivables as plain arithmetic: what a milestone still owes, whether milestones add up to their contract, and
the ageing buckets of what is past due. Money is Decimal throughout, exact to the fen."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Bucket:
    """Outstanding amounts due between ``first`` and ``last`` days ago (``last`` None: or longer)."""

    first: int
    last: int | None

    @property
    def label(self) -> str:
        return f"{self.first}–{self.last}" if self.last is not None else f"{self.first - 1}+"

    def earliest(self, today: date) -> date | None:
        """The earliest due date in this bucket (None: no limit)."""
        return today - timedelta(days=self.last) if self.last is not None else None

    def latest(self, today: date) -> date:
        return today - timedelta(days=self.first)


# 0–30 / 31–60 / 61–90 / 90+ days past due; a milestone due today is in the first (due and unpaid).
BUCKETS = (Bucket(0, 30), Bucket(31, 60), Bucket(61, 90), Bucket(91, None))


def outstanding(amount: Decimal, received: Decimal) -> Decimal:
    return (amount - received).quantize(FEN)


def milestones_gap(contract_amount: Decimal, amounts: Iterable[Decimal]) -> tuple[Decimal, Decimal]:
    """(sum of the milestones, the contract amount), both to the fen: they must be equal."""
    return sum(amounts, ZERO).quantize(FEN), contract_amount.quantize(FEN)


def bucket_index(due_on: date, today: date) -> int | None:
    """Which ageing bucket a milestone due on ``due_on`` falls in today; None when it is not yet due."""
    days = (today - due_on).days
    if days < 0:
        return None
    return next(i for i, bucket in enumerate(BUCKETS) if bucket.last is None or days <= bucket.last)


def ageing(items: Iterable[tuple[date, Decimal]], today: date) -> list[Decimal]:
    """The outstanding amounts of (due date, outstanding) pairs summed per bucket, in BUCKETS' order; amounts
    not yet due, and milestones paid in full, count in none."""
    sums = [ZERO] * len(BUCKETS)
    for due_on, amount in items:
        index = bucket_index(due_on, today)
        if index is not None and amount > 0:
            sums[index] += amount
    return [total.quantize(FEN) for total in sums]
