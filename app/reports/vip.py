"""The quarterly VIP summary (seed 004: "定期对老客户的业务进行总结，如VIP SUMMARY": data analysis, a summary of the
projects, what comes next): one page per key client and quarter with contracts and collection, services and
issues, satisfaction, open opportunities and next quarter's plan.

Client-facing like the service monthly report, whose pieces it reads (reports/monthly.py): only client-safe fields.
An open deal shows its title and where it stands in words the client reads ("solution under discussion"), never
its internal stage, probability, amount estimate, next-step text, notes, stance or key people."""
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.archive.enums import Relationship
from app.archive.models import Client
from app.complaints.models import Survey
from app.complaints.surveys import SCORE_FIELDS
from app.core.clock import local_today
from app.core.dates import next_quarter, previous_quarter, quarter_label, quarter_of
from app.core.pdf import render_pdf
from app.deals.enums import OPEN_STAGES, DealStage, ImplementationStatus
from app.deals.models import Contract, Deal, Milestone
from app.deals.receivables import ZERO, outstanding
from app.extensions import db
from app.reports import monthly
from app.reports.models import ProductUpdate
from app.visits.enums import Method

# Where an open deal stands, as the client reads it: the sales steps behind it are ours.
PROGRESS = {
    DealStage.TARGET: _l("Understanding your needs"), DealStage.NEEDS: _l("Understanding your needs"),
    DealStage.APPROACH: _l("Solution under discussion"), DealStage.CONTACT: _l("Solution under discussion"),
    DealStage.MEETING_PLAN: _l("Solution under discussion"), DealStage.MEETING: _l("Solution under discussion"),
    DealStage.DRAFT: _l("Contract in preparation"),
}
QUARTERS_OFFERED = 8  # the quarter picker's choices: the current quarter and the seven before


def last_finished_quarter(today: date) -> date:
    return previous_quarter(quarter_of(today))


def recent_quarters(today: date) -> list[date]:
    """The current quarter first, then the ones before it."""
    quarters = [quarter_of(today)]
    while len(quarters) < QUARTERS_OFFERED:
        quarters.append(previous_quarter(quarters[-1]))
    return quarters


def vip_clients() -> list[Client]:
    """Every VIP client not deleted: the quarter's batch."""
    return list(db.session.scalars(select(Client).where(Client.relationship_class == Relationship.VIP,
                                                        Client.deleted_at.is_(None)).order_by(Client.id)))


# ---- the summary's data ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Collection:
    signed: Decimal  # contract amount signed in the quarter
    received: Decimal  # money received in the quarter, on any of the client's contracts
    outstanding: Decimal  # still owed at the quarter's end, on the contracts signed by then
    past_due: Decimal  # of which was due by the quarter's end


@dataclass(frozen=True)
class Scores:
    """The satisfaction surveys answered in the quarter: how many, the average likelihood to recommend (0–10) and
    the average of each 1–5 score (None: nobody gave it)."""

    answered: int
    nps: float | None
    averages: list[tuple[str, float | None]]  # (score field, average)


@dataclass(frozen=True)
class PlanItem:
    day: date
    what: str
    details: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class VipSummary:
    client: Client
    quarter: date  # its first day
    last_day: date
    today: date
    contracts: list[Contract]  # in delivery during the quarter (signed by its end, not accepted before it)
    signed: list[Contract]  # of those, signed in the quarter
    collection: Collection
    figures: monthly.Figures  # services, hours, issues received and resolved, SLA shares
    methods: list[tuple[Method, int]]  # services done per kind, most first
    issues: list[monthly.Issue]
    updates: list[ProductUpdate]
    ratings: list
    rated: int
    satisfied: int
    scores: Scores
    opportunities: list[tuple[Deal, str]]  # (deal, progress in the client's words)
    next_quarter: date
    plan: list[PlanItem]

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)

    @property
    def next_label(self) -> str:
        return quarter_label(self.next_quarter)


def _moments(first: date, after: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, datetime.min.time()), datetime.combine(after, datetime.min.time())


def collection(client: Client, first: date, after: date) -> Collection:
    """Signed, received and still owed for the quarter [first, after), each milestone's receipts counted up to the
    quarter's end (a later payment does not change what was owed then). Two queries: milestones, their receipts."""
    stmt = (select(Milestone).join(Contract, Contract.id == Milestone.contract_id)
            .where(Contract.client_id == client.id, Contract.deleted_at.is_(None), Contract.signed_on < after))
    received, owed, past_due = ZERO, ZERO, ZERO
    for milestone in db.session.scalars(stmt):
        paid = [receipt for receipt in milestone.receipts if receipt.received_on < after]
        received += sum((r.amount for r in paid if r.received_on >= first), ZERO)
        left = outstanding(milestone.amount, sum((r.amount for r in paid), ZERO))
        if left > 0:
            owed += left
            past_due += left if milestone.due_on < after else ZERO
    return Collection(ZERO, received, owed, past_due)


def scores(answers: list[Survey]) -> Scores:
    def mean(values: list[int]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    def given(name: str) -> list[int]:
        return [getattr(s, name) for s in answers if getattr(s, name) is not None]

    return Scores(len(answers), mean([s.nps for s in answers]), [(name, mean(given(name))) for name in SCORE_FIELDS])


def _open_deals(client: Client) -> list[Deal]:
    stmt = (select(Deal).where(Deal.client_id == client.id, Deal.deleted_at.is_(None), Deal.stage.in_(OPEN_STAGES))
            .order_by(Deal.created_at, Deal.id))
    return list(db.session.scalars(stmt))


def _updates(first: date, after: date) -> list[ProductUpdate]:
    stmt = (select(ProductUpdate).where(ProductUpdate.month >= first, ProductUpdate.month < after)
            .order_by(ProductUpdate.month, ProductUpdate.position, ProductUpdate.id))
    return list(db.session.scalars(stmt))


def plan(client: Client, contracts: list[Contract], deals: list[Deal], first: date, after: date) -> list[PlanItem]:
    """Next quarter [first, after): service visits planned, payment milestones due with money owed, acceptances
    planned, and the open projects' next contacts, by date. A deal's next step is our own wording: it shows as a
    follow-up on the project, its date only."""
    items = [PlanItem(visit.planned_at.date(), visit.method.label, visit.purpose.label)
             for visit in monthly.planned_services(client, *_moments(first, after))]
    items += [PlanItem(m.due_on, _("Payment milestone") + " · " + m.kind.label,
                       f"{m.contract.number} {m.contract.title}", owed)
              for m, owed in monthly.milestones_owed(client, first, after)]
    items += [PlanItem(c.acceptance_planned, _("Acceptance planned"), f"{c.number} {c.title}") for c in contracts
              if c.acceptance_planned and first <= c.acceptance_planned < after
              and c.implementation_status is not ImplementationStatus.ACCEPTED]
    items += [PlanItem(deal.next_date, _("Project follow-up"), deal.title) for deal in deals
              if deal.next_date and first <= deal.next_date < after]
    return sorted(items, key=lambda item: item.day)


def vip_summary(client: Client, quarter: date) -> VipSummary:
    """Everything the summary shows for one client and the quarter starting on ``quarter``, in a fixed number of
    queries whatever the client's history (each section one or two)."""
    first, after = quarter_of(quarter), next_quarter(quarter)
    start, end = _moments(first, after)
    contracts = monthly.contracts_in_delivery(client, first, after)
    signed = [c for c in contracts if c.signed_on >= first]
    money = collection(client, first, after)
    services, issues = monthly.services_done(client, start, end), monthly.issues_in(client, start, end)
    ratings, rated, satisfied = monthly.rating_counts(services)
    deals = _open_deals(client)
    following = next_quarter(after)
    return VipSummary(
        client=client, quarter=first, last_day=after - timedelta(days=1), today=local_today(),
        contracts=contracts, signed=signed,
        collection=Collection(sum((c.amount for c in signed), ZERO), money.received, money.outstanding,
                              money.past_due),
        figures=monthly.figures(services, issues, start, end),
        methods=Counter(s.method for s in services).most_common(), issues=issues, updates=_updates(first, after),
        ratings=ratings, rated=rated, satisfied=satisfied,
        scores=scores(monthly.surveys_answered(client, start, end)),
        opportunities=[(deal, str(PROGRESS[deal.stage])) for deal in deals], next_quarter=after,
        plan=plan(client, contracts, deals, after, following))


def vip_summary_pdf(client: Client, quarter: date) -> bytes:
    return render_pdf("reports/vip_print.html", summary=vip_summary(client, quarter), score_label=score_label)


def score_label(name: str) -> str:
    return str(Survey.field_labels[name])


def summary_filename(client: Client, quarter: date) -> str:
    """VIP季度总结-<client>-2026-Q4.pdf, with what a file system refuses in the name replaced."""
    return f"{_('VIP quarterly summary')}-{monthly.safe_name(client.name)}-{quarter_label(quarter)}.pdf"
