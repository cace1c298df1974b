"""KPI definitions (seed 003 表4): plain functions over a period (a month, a quarter, a year) and a scope (the
team, or the clients one rep owns), each an aggregate in SQL, its definition in its docstring. A rate whose
denominator is empty is None ("—"), never a division by zero."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, func, literal, or_, select

from app.archive.enums import LeadSource, Lifecycle
from app.archive.models import Client
from app.complaints.churn import ChurnRecord, days_after
from app.complaints.enums import ChurnOutcome
from app.complaints.models import Complaint, Survey
from app.complaints.surveys import nps_from_counts
from app.core.clock import local_today
from app.core.dates import next_month
from app.deals.enums import DealStage
from app.deals.models import Contract, Deal, Milestone, Receipt, Referral
from app.extensions import db
from app.visits.enums import CHANNEL_OF, Channel, InteractionStatus, Method
from app.visits.models import ClientCadence, Interaction
from app.visits.regime import band_bounds


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


METHODS_OF = {channel: [m for m, c in CHANNEL_OF.items() if c == channel] for channel in Channel}


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


def _active_at(moment: datetime):
    """A client on the books at a moment: created before it, not deleted, and not lost by then — no churn record
    dated before it unless the client was won back before it too."""
    lost = (select(ChurnRecord.id).where(
        ChurnRecord.client_id == Client.id, ChurnRecord.deleted_at.is_(None), ChurnRecord.lost_on < moment.date(),
        or_(ChurnRecord.outcome != ChurnOutcome.WON_BACK, ChurnRecord.outcome_on.is_(None),
            ChurnRecord.outcome_on >= moment.date())).exists())
    return and_(Client.deleted_at.is_(None), Client.created_at < moment, ~lost)


def _clients(rep_id: int | None, *conditions):
    stmt = select(func.count(Client.id)).where(*conditions)
    return stmt.where(Client.owner_id == rep_id) if rep_id is not None else stmt


def retention(period: Period, rep_id: int | None = None) -> Figure:
    """Of the clients on the books when the period began (not lost by churn records), the share still on the books
    when it ended."""
    start, after = period.moments
    kept, at_start = db.session.execute(_clients(rep_id, _active_at(start)).with_only_columns(
        func.count(Client.id).filter(_active_at(after)), func.count(Client.id))).one()
    return _rate(kept, at_start)


def average_contribution(period: Period, rep_id: int | None = None) -> Figure:
    """Money received in the period over the clients on the books at its end."""
    received = db.session.scalar(_owned(
        select(func.coalesce(func.sum(Receipt.amount), 0)).join(Milestone, Milestone.id == Receipt.milestone_id)
        .join(Contract, and_(Contract.id == Milestone.contract_id, Contract.deleted_at.is_(None)))
        .where(Receipt.deleted_at.is_(None), Receipt.received_on.between(period.start, period.end)),
        Contract.client_id, rep_id))
    clients = db.session.scalar(_clients(rep_id, _active_at(period.moments[1])))
    figure = _rate(received, clients)
    return Figure(figure.value.quantize(Decimal("0.01")) if figure.value is not None else None, Decimal(received),
                  clients)


def referral_rate(period: Period, rep_id: int | None = None) -> Figure:
    """Of the clients added in the period, the share introduced by another client (a referral names them, or
    their lead source is a referral)."""
    start, after = period.moments
    referred = or_(Client.lead_source == LeadSource.REFERRAL, select(Referral.id).where(
        Referral.referred_client_id == Client.id, Referral.deleted_at.is_(None)).exists())
    stmt = _clients(rep_id, Client.deleted_at.is_(None), Client.created_at >= start, Client.created_at < after)
    by_referral, added = db.session.execute(stmt.with_only_columns(func.count(Client.id).filter(referred),
                                                                   func.count(Client.id))).one()
    return _rate(by_referral, added)


def _checked_on(period: Period) -> date:
    """The day a clock is read for a period: its last day, or today while it runs."""
    return min(period.end, local_today())


def _before_end_of(day: date):
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


def _touched_since(channel: Channel, last_touch, day: date, interval):
    """A done touch on the channel no more than ``interval`` days before ``day``: client_cadence's last touch when
    it came by then, else (touched again since) looked up among the visits."""
    since, after = days_after(literal(day), -interval), _before_end_of(day)
    again = select(Interaction.id).where(
        Interaction.client_id == Client.id, Interaction.status == InteractionStatus.DONE,
        Interaction.deleted_at.is_(None), Interaction.method.in_(METHODS_OF[channel]),
        Interaction.done_at < after, Interaction.done_at >= since).exists()
    return or_(and_(last_touch < after, last_touch >= since), and_(last_touch >= after, again))


def visits_on_schedule(period: Period, rep_id: int | None = None) -> Figure:
    """Of the clients under the return-visit regime (not lost, with a cadence), the share with no clock overdue at
    the period's end (today while it runs): every channel touched within its interval, or the client newer than
    it. Today's reading comes from client_cadence (the others are exactly the overdue list); a past day's from the
    visits done by then."""
    day = _checked_on(period)
    clocks = ((Channel.PHONE, ClientCadence.phone_interval, ClientCadence.phone_due_on, ClientCadence.last_phone_at),
              (Channel.ONSITE, ClientCadence.onsite_interval, ClientCadence.onsite_due_on,
               ClientCadence.last_onsite_at))
    if day == local_today():
        met = [or_(due.is_(None), due >= day) for _channel, _interval, due, _last in clocks]
    else:
        created_on = func.date(Client.created_at)
        met = [or_(interval.is_(None), days_after(created_on, interval) >= day,
                   _touched_since(channel, last, day, interval)) for channel, interval, _due, last in clocks]
    stmt = (_clients(rep_id, Client.deleted_at.is_(None), Client.status != Lifecycle.LOST,
                     Client.created_at < _before_end_of(day),
                     or_(ClientCadence.phone_interval.is_not(None), ClientCadence.onsite_interval.is_not(None)))
            .join(ClientCadence, ClientCadence.client_id == Client.id))
    on_time, due = db.session.execute(stmt.with_only_columns(func.count(Client.id).filter(and_(*met)),
                                                             func.count(Client.id))).one()
    return _rate(on_time, due)


def sla_compliance(period: Period, rep_id: int | None = None) -> Figure:
    """Of the complaints resolved in the period, the share that met every SLA clock (response, plan, resolution)."""
    start, after = period.moments
    met = and_(*[or_(due.is_(None), done <= due) for done, due in (
        (Complaint.responded_at, Complaint.response_due_at), (Complaint.plan_at, Complaint.plan_due_at),
        (Complaint.resolved_at, Complaint.resolution_due_at))])
    stmt = _owned(select(func.count(Complaint.id).filter(met), func.count(Complaint.id))
                  .where(Complaint.deleted_at.is_(None), Complaint.resolved_at >= start, Complaint.resolved_at < after),
                  Complaint.client_id, rep_id)
    on_time, resolved = db.session.execute(stmt).one()
    return _rate(on_time, resolved)


def average_satisfaction(period: Period, rep_id: int | None = None) -> Figure:
    """The mean of the four 1–5 scores (product, service response, value, cooperation) of the surveys answered in
    the period."""
    start, after = period.moments
    scores = (Survey.product_quality, Survey.service_response, Survey.value_for_money, Survey.cooperation)
    stmt = _owned(select(sum((func.coalesce(func.sum(score), 0) for score in scores), start=literal(0)),
                         sum((func.count(score) for score in scores), start=literal(0)))
                  .where(Survey.deleted_at.is_(None), Survey.answered_at >= start, Survey.answered_at < after),
                  Survey.client_id, rep_id)
    total, answers = db.session.execute(stmt).one()
    figure = _rate(total, answers)
    return Figure(figure.value.quantize(Decimal("0.01")) if figure.value is not None else None, total, answers)


def deep_share(period: Period, rep_id: int | None = None) -> Figure:
    """The 5-3-2 rule's first band: of the clients under the regime (not lost), the share with a done touch within
    the deep band's days (30 unless set) of the period's end (today while it runs: the 5-3-2 page's deep band,
    from client_cadence; a past day: from the visits done by then)."""
    day = _checked_on(period)
    since = band_bounds(day)["deep"]
    last, after = ClientCadence.last_touch_at, _before_end_of(day)
    if day == local_today():
        touched = last >= since
    else:  # client_cadence's last touch when it came by then, else (touched again since) among the visits
        again = select(Interaction.id).where(
            Interaction.client_id == Client.id, Interaction.status == InteractionStatus.DONE,
            Interaction.deleted_at.is_(None), Interaction.method != Method.NOTE,
            Interaction.done_at >= since, Interaction.done_at < after).exists()
        touched = or_(and_(last < after, last >= since), and_(last >= after, again))
    stmt = (_clients(rep_id, Client.deleted_at.is_(None), Client.status != Lifecycle.LOST,
                     Client.created_at < _before_end_of(day))
            .outerjoin(ClientCadence, ClientCadence.client_id == Client.id))
    deep, clients = db.session.execute(stmt.with_only_columns(func.count(Client.id).filter(touched),
                                                              func.count(Client.id))).one()
    return _rate(deep, clients)

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
        Kpi("retention", _("Retention rate"), _("Of the clients on the books when the period began (not lost by "
                                                "churn records), the share still on the books when it ended."),
            retention, "rate"),
        Kpi("average_contribution", _("Average contribution per client"),
            _("Money received in the period over the clients on the books at its end."), average_contribution,
            "money"),
        Kpi("referral_rate", _("Referral rate"),
            _("Of the clients added in the period, the share introduced by another client."), referral_rate, "rate"),
        Kpi("visits_on_schedule", _("Return visits on schedule"),
            _("Of the clients under the return-visit regime, the share with no clock overdue at the period's end "
              "(today while it runs)."), visits_on_schedule, "rate"),
        Kpi("deep_share", _("Deeply maintained (5-3-2)"),
            _("Of the clients not lost, the share touched within the deep band's days of the period's end (in the "
              "5-3-2 rule's picture: a fifth deep, three tenths ordinary, half forgotten)."), deep_share, "rate"),
        Kpi("sla_compliance", _("Complaint SLA compliance"),
            _("Of the complaints resolved in the period, the share that met every SLA clock."), sla_compliance,
            "rate"),
        Kpi("satisfaction", _("Average satisfaction"),
            _("The mean of the four 1–5 scores of the surveys answered in the period."), average_satisfaction,
            "mean"),
    ]


def by_key() -> dict[str, Kpi]:
    return {kpi.key: kpi for kpi in catalogue()}
