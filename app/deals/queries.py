"""Reads of the deal pipeline, always through the scoping helper: the board's columns (totals in one aggregate
query, a few cards per column in one windowed query), the list, Today's overdue next steps, a client's open
deals and a deal's touches."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, and_, exists, func, or_, select
from werkzeug.datastructures import MultiDict

from app.archive.enums import ValueGrade
from app.archive.models import Client
from app.core.dates import next_month, parse_month
from app.core.forms import whole_number
from app.core.scoping import visible
from app.deals.enums import OPEN_STAGES, DealStage
from app.deals.models import Deal, DealLine, DealStageChange, deal_interactions
from app.extensions import db
from app.visits.models import Interaction

CARDS_PER_COLUMN = 8  # the board is an overview: a column's other deals are one link away, in the list
BOARD_STAGES = (*OPEN_STAGES, DealStage.WON, DealStage.LOST)


@dataclass
class DealFilters:
    owner_id: int | None = None
    grade: ValueGrade | None = None
    product_id: int | None = None
    close_month: date | None = None  # the first day of the expected close month
    stage: DealStage | None = None
    overdue: bool = False

    @classmethod
    def from_args(cls, args: MultiDict) -> "DealFilters":
        return cls(owner_id=whole_number(args.get("owner")),
                   grade=ValueGrade._value2member_map_.get(args.get("grade") or ""),
                   product_id=whole_number(args.get("product")), close_month=parse_month(args.get("month")),
                   stage=DealStage._value2member_map_.get(args.get("stage") or ""),
                   overdue=args.get("overdue") == "1")

    def to_args(self, **changes) -> dict:
        args = {"owner": self.owner_id, "grade": self.grade.value if self.grade else None,
                "product": self.product_id,
                "month": self.close_month.strftime("%Y-%m") if self.close_month else None,
                "stage": self.stage.value if self.stage else None, "overdue": "1" if self.overdue else None,
                **changes}
        return {key: value for key, value in args.items() if value is not None}


def _filtered(stmt: Select, user, filters: DealFilters, today: date) -> Select:
    stmt = visible(stmt, Deal, user)
    if filters.owner_id:
        stmt = stmt.where(Deal.owner_id == filters.owner_id)
    if filters.grade:
        stmt = stmt.where(Deal.client_id.in_(select(Client.id).where(Client.value_grade == filters.grade)))
    if filters.product_id:
        stmt = stmt.where(exists().where(DealLine.deal_id == Deal.id, DealLine.product_id == filters.product_id))
    if filters.close_month:
        stmt = stmt.where(Deal.expected_close >= filters.close_month,
                          Deal.expected_close < next_month(filters.close_month))
    if filters.stage:
        stmt = stmt.where(Deal.stage == filters.stage)
    if filters.overdue:
        stmt = stmt.where(overdue_condition(today))
    return stmt


def overdue_condition(today: date):
    return and_(Deal.stage.in_(OPEN_STAGES), Deal.next_date < today)


def _on_board(today: date):
    """Open deals, and those won or lost this month."""
    return or_(Deal.stage.in_(OPEN_STAGES), Deal.closed_on >= today.replace(day=1))


@dataclass
class Column:
    stage: DealStage
    count: int
    amount: Decimal
    cards: list


def board(user, filters: DealFilters, today: date) -> list[Column]:
    """The board's columns: count and amount of every column from one aggregate query, and the first cards of
    every column (next step first) from one windowed query."""
    totals = stage_totals(user, filters, today, _on_board(today))
    rank = func.row_number().over(partition_by=Deal.stage, order_by=(Deal.next_date, Deal.id)).label("rank")
    ranked = _filtered(select(Deal.id, rank), user, filters, today).where(_on_board(today)).subquery()
    cards = db.session.execute(select(Deal).join(ranked, ranked.c.id == Deal.id)
                               .where(ranked.c.rank <= CARDS_PER_COLUMN)
                               .order_by(ranked.c.rank)).unique().scalars().all()
    return [Column(stage, totals[stage].count if stage in totals else 0,
                   Decimal(totals[stage].amount or 0) if stage in totals else Decimal("0"),
                   [deal for deal in cards if deal.stage is stage]) for stage in BOARD_STAGES]


def stage_totals(user, filters: DealFilters, today: date, *conditions) -> dict:
    """{stage: row with its count and amount} of the deals the list would show with these filters."""
    return {row.stage: row for row in db.session.execute(
        _filtered(select(Deal.stage, func.count().label("count"), func.sum(Deal.amount).label("amount")),
                  user, filters, today).where(*conditions).group_by(Deal.stage))}


def deal_list(user, filters: DealFilters, today: date) -> Select:
    """The deals the user may see, open ones by next step, then the closed ones by when they closed."""
    return _filtered(select(Deal), user, filters, today).order_by(
        Deal.closed_on.is_not(None), Deal.next_date, Deal.closed_on.desc(), Deal.id)


def overdue_deals(user, today: date, mine: bool) -> Select:
    stmt = visible(select(Deal).where(overdue_condition(today)), Deal, user)
    if mine:
        stmt = stmt.where(Deal.owner_id == user.id)
    return stmt.order_by(Deal.next_date, Deal.id)


def client_deals(client: Client, user) -> list[Deal]:
    """The client's open deals, next step first."""
    stmt = visible(select(Deal).where(Deal.client_id == client.id, Deal.stage.in_(OPEN_STAGES)), Deal, user)
    return db.session.execute(stmt.order_by(Deal.next_date, Deal.id)).unique().scalars().all()


def funnel_changes(user, year: int, owner_id: int | None = None) -> Select:
    """(deal, from, to, at) rows of the stage changes of the deals created in ``year`` that the user may see (and
    ``owner_id`` owns): what rules.funnel computes conversion and cycle time from. Plain rows, no objects."""
    deals = visible(select(Deal.id), Deal, user).where(Deal.created_at >= datetime(year, 1, 1),
                                                         Deal.created_at < datetime(year + 1, 1, 1))
    if owner_id:
        deals = deals.where(Deal.owner_id == owner_id)
    return select(DealStageChange.deal_id, DealStageChange.from_stage, DealStageChange.to_stage,
                  DealStageChange.at).where(DealStageChange.deal_id.in_(deals))


def stage_history(deal: Deal) -> list[DealStageChange]:
    return db.session.execute(select(DealStageChange).where(DealStageChange.deal_id == deal.id)
                              .order_by(DealStageChange.at, DealStageChange.id)).scalars().all()


def touches(deal: Deal) -> list[Interaction]:
    """The visits and calls linked to the deal, latest first (the caller has checked the deal is visible)."""
    return db.session.execute(select(Interaction).join(
        deal_interactions, deal_interactions.c.interaction_id == Interaction.id).where(
        deal_interactions.c.deal_id == deal.id, Interaction.deleted_at.is_(None))
        .order_by(Interaction.done_at.desc(), Interaction.id.desc())).scalars().all()


def touch_choices(deal: Deal, limit: int = 20) -> list[tuple[int, str]]:
    """(id, label) of the client's latest visits and calls not yet linked to the deal."""
    linked = select(deal_interactions.c.interaction_id).where(deal_interactions.c.deal_id == deal.id)
    rows = db.session.execute(select(Interaction).where(
        Interaction.client_id == deal.client_id, Interaction.deleted_at.is_(None), Interaction.id.not_in(linked),
        Interaction.done_at.is_not(None)).order_by(Interaction.done_at.desc()).limit(limit)).scalars().all()
    return [(row.id, f"{row.done_at:%Y-%m-%d} · {row.method.label} · {row.summary[:40]}") for row in rows]


