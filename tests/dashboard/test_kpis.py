"""KPI definitions on a hand-worked data set, for a month, a quarter, the team and one rep, empty periods
included (issue 15, acceptance 1 — the first KPIs)."""
from datetime import date, datetime
from decimal import Decimal as D

from app.complaints.models import Survey
from app.dashboard.kpis import (
    Period,
    average_contract_value,
    collected_vs_due,
    deal_conversion,
    net_promoter_score,
    new_clients,
    repurchase,
)
from app.deals.contracts import add_receipt
from app.deals.enums import DealStage
from tests.factories import ClientFactory, closed_deal, make_user, signed_contract

OCTOBER, NOVEMBER = Period.month(2026, 10), Period.month(2026, 11)
Q4, Q3 = Period.quarter(2026, 4), Period.quarter(2026, 3)


def test_periods_and_the_one_before():
    assert (OCTOBER.start, OCTOBER.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert (Q4.start, Q4.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Q4.previous() == Q3 and Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.year(2026).previous() == Period.year(2025)
    assert Period.month(2026, 2).end == date(2026, 2, 28)



def test_the_kpis_of_a_month_a_quarter_the_team_and_one_rep(db):
    """Rep A owns two clients, rep B one. By hand:
    - new clients: A's two in October, B's one in November → Oct team 2, Q4 team 3, Oct B 0.
    - deals closed in October: on A's clients 2 won, 1 lost; on B's 1 lost (whoever owns the deal) → team 2 of 4
      = 0.5, A 2/3, B 0/1; a deal won in September is not October's.
    - contracts: A signs 100,000 (Oct 5) and 50,000 (Nov 2) for client a1; B signs 30,000 (Oct 20)
      → Oct average (100,000 + 30,000) / 2 = 65,000; Q4 180,000 / 3 = 60,000; B in Nov: none → None.
    - repurchase by Nov 30: a1 has two contracts, b1 one → 1 of 2 buyers; by Oct 31: 0 of 2.
    - collected vs due in October: due 40,000 (a1, Oct 10) + 30,000 (b1, Oct 25) = 70,000; received 40,000 +
      10,000 = 50,000 → 0.7143; A alone 40,000 / 40,000 = 1."""
    rep_a, rep_b = make_user("sales"), make_user("sales")
    a1 = ClientFactory(owner_id=rep_a.id, created_at=datetime(2026, 10, 3, 2))
    a2 = ClientFactory(owner_id=rep_a.id, created_at=datetime(2026, 10, 30, 2))
    b1 = ClientFactory(owner_id=rep_b.id, created_at=datetime(2026, 11, 2, 2))
    for client, stage in ((a1, DealStage.WON), (a1, DealStage.WON), (a2, DealStage.LOST), (b1, DealStage.LOST)):
        closed_deal(client, rep_a, stage, date(2026, 10, 15))
    closed_deal(a2, rep_a, DealStage.WON, date(2026, 9, 30))  # closed in September: not October's
    first = signed_contract(a1, rep_a, "100000.00", date(2026, 10, 5),
                      (date(2026, 10, 10), "40000.00"), (date(2027, 1, 10), "60000.00"))
    signed_contract(a1, rep_a, "50000.00", date(2026, 11, 2), (date(2026, 12, 1), "50000.00"))
    second = signed_contract(b1, rep_b, "30000.00", date(2026, 10, 20), (date(2026, 10, 25), "30000.00"))
    add_receipt(first, {"milestone_id": first.milestones[0].id, "received_on": date(2026, 10, 9),
                        "amount": D("40000.00")})
    add_receipt(second, {"milestone_id": second.milestones[0].id, "received_on": date(2026, 10, 28),
                         "amount": D("10000.00")})
    db.session.commit()

    assert [new_clients(p, rep).value for p, rep in
            ((OCTOBER, None), (Q4, None), (OCTOBER, rep_b.id), (NOVEMBER, rep_b.id))] == [2, 3, 0, 1]
    assert deal_conversion(OCTOBER).value == D("0.5")
    assert deal_conversion(OCTOBER, rep_a.id).value == D("0.6667")
    assert deal_conversion(OCTOBER, rep_b.id).value == D("0")
    assert deal_conversion(NOVEMBER).value is None  # no deal closed: no rate, no division by zero
    assert average_contract_value(OCTOBER).value == D("65000.00")
    assert average_contract_value(Q4).value == D("60000.00")
    assert average_contract_value(NOVEMBER, rep_b.id).value is None
    assert (repurchase(NOVEMBER).numerator, repurchase(NOVEMBER).denominator) == (1, 2)
    assert repurchase(OCTOBER).value == D("0") and repurchase(Period.month(2026, 9)).value is None
    assert collected_vs_due(OCTOBER).value == D("0.7143")
    assert collected_vs_due(OCTOBER, rep_a.id).value == D("1")
    assert collected_vs_due(Period.month(2026, 8)).value is None


def test_nps_of_a_quarter_for_the_team_and_a_rep_and_of_a_quarter_without_answers(db):
    """A's clients answer 10, 9, 6 in October and 8 in December; B's 0 in November; a September answer is Q3's.
    Q4 team: promoters 2, detractors 2 of 5 → 0; A: 2 − 1 of 4 → 25; B: −100; Q2: no answers → None."""
    rep_a, rep_b = make_user("sales"), make_user("sales")
    a1, b1 = ClientFactory(owner_id=rep_a.id), ClientFactory(owner_id=rep_b.id)
    for client, score, when in ((a1, 10, datetime(2026, 10, 2)), (a1, 9, datetime(2026, 10, 9)),
                                (a1, 6, datetime(2026, 10, 30)), (a1, 8, datetime(2026, 12, 31, 23)),
                                (b1, 0, datetime(2026, 11, 5)), (b1, 10, datetime(2026, 9, 30, 23))):
        db.session.add(Survey(client_id=client.id, nps=score, answered_at=when))
    db.session.commit()
    assert net_promoter_score(Q4).value == 0
    assert (net_promoter_score(Q4, rep_a.id).value, net_promoter_score(Q4, rep_a.id).denominator) == (25, 4)
    assert net_promoter_score(Q4, rep_b.id).value == -100
    assert net_promoter_score(Q3).value == 100
    assert net_promoter_score(Period.quarter(2026, 2)).value is None
