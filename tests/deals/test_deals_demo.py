"""seed-demo's secondary-development part: deals in every stage with their history, contracts in every
implementation state whose milestones add up, partial receipts and overdue milestones, numbers and counters in
step, referrals whose points are 5 % of the referred client's first contract, and one redemption."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from app.core.clock import local_today
from app.core.sequences import Counter, next_number
from app.deals import queries, rules
from app.deals.enums import DealStage, ImplementationStatus, ReferralStatus
from app.deals.models import Contract, Deal, DealStageChange, Milestone, PointsEntry, Receipt, Referral
from app.deals.referrals import points_balance


def test_demo_seeds_deals_contracts_and_referrals(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--clients", "200", "--seed", "3"])
    assert result.exit_code == 0, result.output
    today = local_today()

    deals = db.session.execute(select(Deal)).unique().scalars().all()
    assert {deal.stage for deal in deals} == set(DealStage) and 18 <= len(deals) <= 24  # about 10 % of clients
    for deal in deals:
        path = [change.to_stage for change in deal.stage_changes]
        assert path[0] is DealStage.TARGET and path[-1] is deal.stage
        assert [c.at for c in deal.stage_changes] == sorted(c.at for c in deal.stage_changes)
        assert (deal.next_action and deal.next_date) if deal.stage.is_open else deal.closed_on
    assert any(deal.next_date < today for deal in deals if deal.stage.is_open)  # some next steps past due
    assert all(deal.lost_reason and deal.lessons for deal in deals if deal.stage is DealStage.LOST)
    assert any(deal.stakeholders for deal in deals)
    touches = {deal.id: queries.touches(deal) for deal in deals}
    assert sum(map(bool, touches.values())) >= len(deals) // 2  # the visits done while a deal ran are its touches
    assert {rules.touch_band(len(found)) for found in touches.values()} >= {"early", "band"}
    for deal in deals:
        assert all(t.client_id == deal.client_id and t.done_at >= deal.created_at for t in touches[deal.id])

    contracts = db.session.execute(select(Contract)).unique().scalars().all()
    assert {c.implementation_status for c in contracts} == set(ImplementationStatus)
    assert 6 <= len(contracts) <= 10  # about 4 % of clients
    overdue = partial = 0
    for contract in contracts:
        assert sum(m.amount for m in contract.milestones) == contract.amount
        assert contract.signed_on <= today
        for milestone in contract.milestones:
            received = sum((r.amount for r in milestone.receipts), Decimal(0))
            assert received <= milestone.amount
            partial += 0 < received < milestone.amount
            overdue += milestone.due_on < today and received < milestone.amount
    assert overdue and partial
    won = db.session.scalar(select(func.count(Contract.id)).where(Contract.deal_id.is_not(None)))
    assert won == sum(deal.stage is DealStage.WON for deal in deals)

    for key, last in db.session.execute(select(Counter.key, Counter.value).where(Counter.key.like("HT-%"))).all():
        assert db.session.scalar(select(func.max(Contract.number)).where(Contract.number.like(f"{key}-%"))) == (
            f"{key}-{last:04d}")
    assert next_number("HT", today.year) not in {c.number for c in contracts}

    referrals = db.session.execute(select(Referral)).unique().scalars().all()
    signed = [r for r in referrals if r.status is ReferralStatus.SIGNED]
    assert signed and len(signed) < len(referrals)
    first_contracts = defaultdict(list)
    for contract in sorted(contracts, key=lambda c: (c.signed_on, c.id)):
        first_contracts[contract.client_id].append(contract)
    for referral in signed:
        grant = db.session.scalar(select(PointsEntry).where(PointsEntry.referral_id == referral.id))
        first = first_contracts[referral.referred_client_id][0]
        assert referral.contract_id == first.id and grant.points == (first.amount / 20).quantize(Decimal("0.01"))
    redemptions = db.session.execute(select(PointsEntry).where(PointsEntry.points < 0)).scalars().all()
    assert len(redemptions) == 1 and points_balance(redemptions[0].client_id) > 0
    assert db.session.scalar(select(func.count(Receipt.id))) and db.session.scalar(select(func.count(Milestone.id)))
    assert db.session.scalar(select(func.count(DealStageChange.id))) >= len(deals)
