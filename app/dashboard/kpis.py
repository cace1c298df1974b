"""KPI definitions (seed 003 表4): plain functions over a period (a month, a quarter, a year) and a scope (the
team, or the clients one rep owns), each an aggregate in SQL, its definition in its docstring. A rate whose
denominator is empty is None ("—"), never a division by zero."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from app.archive.models import Client
from app.complaints.models import Survey
from app.complaints.surveys import nps_from_counts
from app.core.dates import next_month
from app.deals.enums import DealStage
from app.deals.models import Contract, Deal, Milestone, Receipt
from app.extensions import db


@dataclass(frozen=True)
class Period:
    """[start, end] by calendar days: a month, a quarter or a year."""

    kind: str  # month | quarter | year
    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        return cls("month", first, next_month(first) - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        return cls("quarter", date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    def previous(self) -> "Period":
        """The period of the same kind just before (month on month, quarter on quarter, year on year)."""
        day = self.start - timedelta(days=1)
        if self.kind == "month":
            return Period.month(day.year, day.month)
        if self.kind == "quarter":
            return Period.quarter(day.year, (day.month - 1) // 3 + 1)
        return Period.year(day.year)

    @property
    def moments(self) -> tuple[datetime, datetime]:
        """[first moment, first moment after) for timestamps."""
        return datetime.combine(self.start, datetime.min.time()), datetime.combine(
            self.end + timedelta(days=1), datetime.min.time())


@dataclass(frozen=True)
class Figure:
    """A KPI's value with what it was computed from: ``value`` is numerator / denominator for a rate (None when
    the denominator is nought), or the amount itself."""

    value: Decimal | int | None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None


def _rate(numerator, denominator) -> Figure:
    value = (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001")) if denominator else None
    return Figure(value, numerator, denominator)


def _owned(stmt, client_id_column, rep_id: int | None):
    """The scope: the team (every live client), or the clients one rep owns."""
    condition = and_(Client.id == client_id_column, Client.deleted_at.is_(None))
    if rep_id is not None:
        condition = and_(condition, Client.owner_id == rep_id)
    return stmt.where(select(Client.id).where(condition).exists())


def new_clients(period: Period, rep_id: int | None = None) -> Figure:
    """Clients added to the archive in the period."""
    start, after = period.moments
    stmt = select(func.count(Client.id)).where(Client.deleted_at.is_(None), Client.created_at >= start,
                                               Client.created_at < after)
    if rep_id is not None:
        stmt = stmt.where(Client.owner_id == rep_id)
    return Figure(db.session.scalar(stmt))


def deal_conversion(period: Period, rep_id: int | None = None) -> Figure:
    """Deals won over deals closed (won or lost) in the period."""
    stmt = _owned(select(func.count(Deal.id).filter(Deal.stage == DealStage.WON), func.count(Deal.id))
                  .where(Deal.deleted_at.is_(None), Deal.stage.in_((DealStage.WON, DealStage.LOST)),
                         Deal.closed_on.between(period.start, period.end)), Deal.client_id, rep_id)
    won, closed = db.session.execute(stmt).one()
    return _rate(won, closed)


def average_contract_value(period: Period, rep_id: int | None = None) -> Figure:
    """The contracts signed in the period: their total over their number."""
    stmt = _owned(select(func.coalesce(func.sum(Contract.amount), 0), func.count(Contract.id))
                  .where(Contract.deleted_at.is_(None), Contract.signed_on.between(period.start, period.end)),
                  Contract.client_id, rep_id)
    total, count = db.session.execute(stmt).one()
    figure = _rate(total, count)
    return Figure(figure.value.quantize(Decimal("0.01")) if figure.value is not None else None, Decimal(total), count)


def repurchase(period: Period, rep_id: int | None = None) -> Figure:
    """Of the clients with a contract signed by the period's end, the share with two or more."""
    per_client = _owned(select(Contract.client_id, func.count(Contract.id).label("contracts"))
                        .where(Contract.deleted_at.is_(None), Contract.signed_on <= period.end)
                        .group_by(Contract.client_id), Contract.client_id, rep_id).subquery()
    again, buyers = db.session.execute(select(func.count().filter(per_client.c.contracts >= 2),
                                              func.count())).one()
    return _rate(again, buyers)


def collected_vs_due(period: Period, rep_id: int | None = None) -> Figure:
    """Money received in the period over the milestones falling due in it."""
    live = and_(Contract.id == Milestone.contract_id, Contract.deleted_at.is_(None))
    received = db.session.scalar(_owned(
        select(func.coalesce(func.sum(Receipt.amount), 0)).join(Milestone, Milestone.id == Receipt.milestone_id)
        .join(Contract, live).where(Receipt.deleted_at.is_(None),
                                    Receipt.received_on.between(period.start, period.end)),
        Contract.client_id, rep_id))
    due = db.session.scalar(_owned(
        select(func.coalesce(func.sum(Milestone.amount), 0)).join(Contract, live)
        .where(Milestone.due_on.between(period.start, period.end)), Contract.client_id, rep_id))
    return _rate(Decimal(received), Decimal(due))


def net_promoter_score(period: Period, rep_id: int | None = None) -> Figure:
    """% promoters (9–10) − % detractors (0–6) of the surveys answered in the period (the complaints domain's
    rule); numerator promoters − detractors, denominator the answers."""
    start, after = period.moments
    stmt = _owned(select(func.count().filter(Survey.nps >= 9), func.count().filter(Survey.nps <= 6), func.count())
                  .where(Survey.deleted_at.is_(None), Survey.answered_at >= start, Survey.answered_at < after),
                  Survey.client_id, rep_id)
    promoters, detractors, answers = db.session.execute(stmt).one()
    return Figure(nps_from_counts(promoters, detractors, answers), promoters - detractors, answers)


# --- The catalogue ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kpi:
    """One KPI as the dashboard, the targets and the review (复盘) show it: ``measure(period, rep_id)``; ``unit``
    says how to print the value (count, rate, money, score — NPS −100…100 — or mean — a 1–5 score)."""

    key: str
    label: str
    definition: str
    measure: Callable[[Period, int | None], Figure]
    unit: str


def catalogue() -> list[Kpi]:
    """Every KPI in the order the dashboard and the review list them (labels in the request's language)."""
    return [
        Kpi("new_clients", _("New clients"), _("Clients added to the archive in the period."), new_clients, "count"),
        Kpi("deal_conversion", _("Deal conversion rate"),
            _("Deals won over deals closed (won or lost) in the period."), deal_conversion, "rate"),
        Kpi("average_contract_value", _("Average contract value"),
            _("The contracts signed in the period: their total over their number."), average_contract_value,
            "money"),
        Kpi("repurchase", _("Repurchase rate"),
            _("Of the clients with a contract signed by the period's end, the share with two or more."),
            repurchase, "rate"),
        Kpi("collected_vs_due", _("Collected vs due"),
            _("Money received in the period over the milestones falling due in it."), collected_vs_due, "rate"),
        Kpi("nps", _("Net promoter score"),
            _("Promoters (9–10) minus detractors (0–6), as shares of the surveys answered in the period."),
            net_promoter_score, "score"),
    ]


def by_key() -> dict[str, Kpi]:
    return {kpi.key: kpi for kpi in catalogue()}
