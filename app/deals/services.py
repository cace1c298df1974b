"""Writes of the deal pipeline: plain data in; they flush, the route commits. Every open deal keeps a next step
(action and date), every stage change is recorded with its time and user."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import insert, select

from app.core.clock import local_today, utcnow
from app.core.errors import Refused
from app.core.records import apply
from app.deals import rules
from app.deals.enums import DealSource, DealStage
from app.deals.models import Deal, DealLine, DealStageChange, deal_interactions
from app.extensions import db
from app.visits.models import Interaction

EDITABLE = ("title", "owner_id", "probability", "amount", "expected_close", "key_person_id", "inside_contact_id",
            "competitor", "demand_fit", "source", "next_action", "next_date", "meeting_plan", "fallback_plan",
            "notes")
NEXT_STEP_NEEDED = {"next_action": lambda: _("An open deal needs its next step: what will be done."),
                    "next_date": lambda: _("An open deal needs its next step: by when.")}


def _check_next_step(deal: Deal) -> None:
    """Seed 000: every step of the sale ends with the next one agreed. An open deal without it is refused (the
    route then renders the form and never commits)."""
    if missing := rules.next_step_missing(deal.stage, deal.next_action, deal.next_date):
        raise Refused(NEXT_STEP_NEEDED[missing[0]](), missing[0])


def _set_lines(deal: Deal, lines: list[dict] | None) -> None:
    """Replace the deal's product lines; with lines the amount is their sum, without it is the typed one."""
    if lines is None:
        return
    deal.lines = [DealLine(product_id=line["product_id"], quantity=line["quantity"],
                           unit_price=line["unit_price"]) for line in lines if line.get("product_id")]
    if deal.lines:
        deal.amount = sum((line.amount for line in deal.lines), Decimal("0"))


def _record_change(deal: Deal, previous: DealStage | None, user) -> None:
    db.session.add(DealStageChange(deal=deal, from_stage=previous, to_stage=deal.stage, at=utcnow(),
                                   user_id=user.id if user else None))


def create_deal(client, data: dict, user) -> Deal:
    """A new deal of ``client``, owned by whoever is named (the creator when nobody is), at its stage's default
    probability unless one is typed."""
    deal = Deal(client_id=client.id, stage=data.get("stage") or DealStage.TARGET)
    deal.client = client
    apply(deal, {name: data.get(name) for name in (*EDITABLE, "source_visit_id")})
    deal.owner_id = deal.owner_id or user.id
    if data.get("probability") is None:
        deal.probability = rules.default_probability(deal.stage)
    if deal.source_visit_id:
        visit = db.session.get(Interaction, deal.source_visit_id)
        if visit is None or visit.client_id != client.id:
            raise Refused(_("This visit is not one of the deal's client's."))
        deal.source = deal.source or DealSource.VISIT
    deal.amount = deal.amount or Decimal("0")
    _set_lines(deal, data.get("lines"))
    _check_next_step(deal)
    db.session.add(deal)
    _record_change(deal, None, user)
    db.session.flush()
    return deal


def update_deal(deal: Deal, data: dict) -> Deal:
    apply(deal, {name: data[name] for name in EDITABLE if name in data})
    deal.amount = deal.amount or Decimal("0")
    _set_lines(deal, data.get("lines"))
    _check_next_step(deal)
    db.session.flush()
    return deal


def move_deal(deal: Deal, stage: DealStage, user, data: dict | None = None) -> Deal:
    """Move the deal to ``stage``: the probability becomes the stage's default, won or lost closes it today (lost
    needs its reason), an open stage needs a next step (the one given, or the deal's own)."""
    data = data or {}
    if stage is deal.stage:
        raise Refused(_("The deal is already at this stage."), "stage")
    if stage is DealStage.LOST and not (data.get("lost_reason") or "").strip():
        raise Refused(_("Say why the deal was not won."), "lost_reason")
    given = {name: data[name] for name in ("next_action", "next_date", "lost_reason", "lessons") if data.get(name)}
    if missing := rules.next_step_missing(stage, given.get("next_action", deal.next_action),
                                          given.get("next_date", deal.next_date)):
        raise Refused(NEXT_STEP_NEEDED[missing[0]](), missing[0])  # checked first: the deal stays as it was
    apply(deal, given)
    previous, deal.stage = deal.stage, stage
    deal.probability = rules.default_probability(stage)
    deal.closed_on = None if stage.is_open else local_today()
    _record_change(deal, previous, user)
    db.session.flush()
    return deal


def link_touch(deal: Deal, interaction) -> None:
    """Count a visit or call of the deal's client as a touch on the deal (once)."""
    if interaction.client_id != deal.client_id:
        raise Refused(_("This visit is not one of the deal's client's."), "interaction_id")
    linked = db.session.scalar(select(deal_interactions.c.deal_id).where(
        deal_interactions.c.deal_id == deal.id, deal_interactions.c.interaction_id == interaction.id))
    if linked is None:
        db.session.execute(insert(deal_interactions).values(deal_id=deal.id, interaction_id=interaction.id))
    db.session.flush()
