"""The dashboard's panels besides the KPI cards: where the team (or one rep's book) stands today. Each panel is
read from the same query function as the list page it links to, with the same filters, so a number on the
dashboard is the count of its list; every panel is a fixed number of aggregate queries."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.archive.models import Client
from app.complaints.churn import risk_page
from app.complaints.queries import ComplaintFilters, complaint_list
from app.core.models import User
from app.core.paging import Page, paginate
from app.core.scoping import visible
from app.deals.contracts import ageing_sums
from app.deals.enums import OPEN_STAGES
from app.deals.models import Contract, Deal
from app.deals.queries import DealFilters, stage_totals
from app.deals.receivables import BUCKETS
from app.extensions import db
from app.visits.enums import InteractionStatus
from app.visits.models import Interaction
from app.visits.regime import overdue_query, recency
from app.visits.rules import BAND_LABELS, BANDS, BENCHMARK

LIST_LENGTH = 5


@dataclass(frozen=True)
class Bar:
    """One row of a chart and of the table beside it."""

    label: str
    value: Decimal | int  # what the bar's length shows
    shown: str  # the value as printed
    url: str | None = None
    note: str = ""  # a second figure (an amount beside a count, the rule's share beside the real one)


def funnel(viewer: User, today: date, owner_id: int | None) -> list[Bar]:
    """Open deals per stage (of one owner's deals, if asked): count (the bar) and amount, each linking to the deal
    list of that stage, which the viewer reads with the same filters."""
    totals = stage_totals(viewer, DealFilters(owner_id=owner_id), today, Deal.stage.in_(OPEN_STAGES))
    bars = []
    for stage in OPEN_STAGES:
        row = totals.get(stage)
        count, amount = (row.count, Decimal(row.amount or 0)) if row else (0, Decimal("0"))
        bars.append(Bar(str(stage.label), count, str(count), url_for(
            "deals.index", view="list", stage=stage.value, owner=owner_id), note=f"{amount:,.2f} 元"))
    return bars


def five_three_two(scope: User, today: date, owner_id: int | None) -> list[Bar]:
    """Clients by the recency of their last touch, each band's share beside the rule's 20/30/50, linking to the
    client list of that band."""
    counts, split = recency(scope, today)
    return [Bar(str(BAND_LABELS[band]), Decimal(str(split[band])), f"{split[band]:.1f}%",
                url_for("archive.index", band=band, owner=owner_id), note=f"{counts[band]:,} · {BENCHMARK[band]}%")
            for band in BANDS]


def overdue_by_rep(scope: User, today: date) -> list[Bar]:
    """Clients overdue on a return-visit clock per owner, most first, each linking to that owner's overdue list."""
    counts = db.session.execute(overdue_query(scope, today).with_only_columns(Client.owner_id, func.count())
                                .group_by(Client.owner_id).order_by(None)).all()
    owners = [owner for owner, _count in counts if owner]
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(owners))).all()) \
        if owners else {}
    return [Bar(names.get(owner, "—"), count, f"{count:,}", url_for("visits.overdue", owner=owner) if owner else None)
            for owner, count in sorted(counts, key=lambda row: (-row[1], names.get(row[0], "")))]


def overdue_complaints(scope: User, now: datetime) -> Page:
    """Open complaints past an SLA clock: the first few and how many (the complaint list's overdue filter)."""
    return paginate(complaint_list(scope, ComplaintFilters(overdue=True), now), 1, LIST_LENGTH)


def churn_risks(scope: User, today: date, now: datetime) -> Page:
    """The clients most at risk first (the churn-risk list's first rows) and how many are at risk."""
    return risk_page(scope, today, now, 1, LIST_LENGTH)


def receivables_ageing(scope: User, today: date, owner_id: int | None) -> list[Bar]:
    """Money past due by age (the receivables page's buckets)."""
    return [Bar(_("%(range)s days", range=bucket.label), amount, f"{amount:,.2f} 元",
                url_for("contracts.receivables", rep=owner_id))
            for bucket, amount in zip(BUCKETS, ageing_sums(scope, today), strict=True)]


@dataclass(frozen=True)
class Activity:
    user: User
    visits_done: int
    visits_planned: int
    deals_opened: int
    contracts_signed: int


def team_activity(scope: User, today: date) -> list[Activity]:
    """This week (Monday to today) per person: return visits done and still planned, deals opened and contracts
    signed by them on the clients in scope; people with nothing this week are left out."""
    monday = today - timedelta(days=today.weekday())
    start, after = datetime.combine(monday, datetime.min.time()), datetime.combine(monday + timedelta(days=7),
                                                                                   datetime.min.time())
    week = Interaction.status == InteractionStatus.DONE
    visits = dict(db.session.execute(visible(
        select(Interaction.user_id, func.count()), Interaction, scope).where(
        week, Interaction.done_at >= start, Interaction.done_at < after).group_by(Interaction.user_id)).all())
    planned = dict(db.session.execute(visible(
        select(Interaction.user_id, func.count()), Interaction, scope).where(
        Interaction.status == InteractionStatus.PLANNED, Interaction.planned_at >= start,
        Interaction.planned_at < after).group_by(Interaction.user_id)).all())
    deals = dict(db.session.execute(visible(select(Deal.owner_id, func.count()), Deal, scope).where(
        Deal.created_at >= start, Deal.created_at < after).group_by(Deal.owner_id)).all())
    contracts = dict(db.session.execute(visible(select(Contract.owner_id, func.count()), Contract, scope).where(
        Contract.signed_on >= monday, Contract.signed_on <= today).group_by(Contract.owner_id)).all())
    people = {*visits, *planned, *deals, *contracts} - {None}
    users = db.session.execute(select(User).where(User.id.in_(people)).order_by(User.display_name)).scalars() \
        if people else []
    return [Activity(user, visits.get(user.id, 0), planned.get(user.id, 0), deals.get(user.id, 0),
                     contracts.get(user.id, 0)) for user in users]
