"""The KPIs of keeping clients on a hand-worked data set (issue 15, acceptance 1): retention, average
contribution, referral rate, return visits on schedule, deep share (5-3-2), complaint SLA compliance and average
satisfaction — a month, a quarter, the team and one rep, empty periods included."""
from datetime import date, datetime
from decimal import Decimal as D

from sqlalchemy import func, select

from app.archive.enums import LeadSource, Lifecycle
from app.complaints.churn import ChurnRecord
from app.complaints.enums import ChurnOutcome, ChurnReason, ComplaintStatus
from app.complaints.models import Complaint, Survey
from app.dashboard.kpis import (
    Period,
    average_contribution,
    average_satisfaction,
    deep_share,
    referral_rate,
    retention,
    sla_compliance,
    visits_on_schedule,
)
from app.deals.contracts import add_receipt
from app.deals.models import Referral
from app.visits.enums import Method
from app.visits.regime import overdue_query
from tests.factories import CadenceRuleFactory, ClientFactory, InteractionFactory, make_user, signed_contract

OCTOBER, NOVEMBER = Period.month(2026, 10), Period.month(2026, 11)
Q4 = Period.quarter(2026, 4)
JANUARY = datetime(2026, 1, 5, 9)
UNTIL_25TH = Period("month", date(2026, 11, 1), date(2026, 11, 25))  # read on the 25th from a later day


def _churn(client, lost_on: date, outcome=ChurnOutcome.PENDING, outcome_on=None):
    return ChurnRecord(client_id=client.id, lost_on=lost_on, reason=ChurnReason.PRICE, outcome=outcome,
                       outcome_on=outcome_on)


def test_retention_counts_churn_records_and_win_backs(db):
    """Q4 2026. A: a1 stays; a2 lost Nov 10 (pending); a3 lost in August but won back in September; a4 lost in
    August for good (not on the books at the start); a5 added in November (not at the start) → A 2 of 3.
    B: b1 stays → 1 of 1. Team 3 of 4. September: a3 (back only on the 20th) and a4 were off the books when it
    began; a1, a2 and b1 were on them and stayed → 3 of 3."""
    rep_a, rep_b = make_user("sales"), make_user("sales")
    a1, a2, a3, a4 = (ClientFactory(owner_id=rep_a.id, created_at=JANUARY) for _ in range(4))
    ClientFactory(owner_id=rep_a.id, created_at=datetime(2026, 11, 1, 9))
    ClientFactory(owner_id=rep_b.id, created_at=JANUARY)
    db.session.add_all([_churn(a2, date(2026, 11, 10)),
                        _churn(a3, date(2026, 8, 1), ChurnOutcome.WON_BACK, date(2026, 9, 20)),
                        _churn(a4, date(2026, 8, 1), ChurnOutcome.LOST, date(2026, 8, 30))])
    db.session.commit()
    assert (retention(Q4, rep_a.id).numerator, retention(Q4, rep_a.id).denominator) == (2, 3)
    assert retention(Q4, rep_b.id).value == D("1")
    assert retention(Q4).value == D("0.75")
    assert (retention(Period.month(2026, 9)).numerator, retention(Period.month(2026, 9)).denominator) == (3, 3)
    assert retention(Period.year(2025)).value is None  # nobody on the books yet


def test_average_contribution_is_money_received_over_clients_on_the_books(db):
    """October: 30,000 received on a1's contract; A has three clients on the books at the end (a fourth was
    lost on Oct 15) → 10,000.00; B has one and received nothing → 0.00; November: nothing received → 0.00."""
    rep_a, rep_b = make_user("sales"), make_user("sales")
    a1, _a2, _a3, a4 = (ClientFactory(owner_id=rep_a.id, created_at=JANUARY) for _ in range(4))
    ClientFactory(owner_id=rep_b.id, created_at=JANUARY)
    db.session.add(_churn(a4, date(2026, 10, 15)))
    contract = signed_contract(a1, rep_a, "50000.00", date(2026, 9, 1), (date(2026, 10, 1), "50000.00"))
    add_receipt(contract, {"milestone_id": contract.milestones[0].id, "received_on": date(2026, 10, 9),
                           "amount": D("30000.00")})
    db.session.commit()
    assert average_contribution(OCTOBER, rep_a.id) == average_contribution(OCTOBER, rep_a.id).__class__(
        D("10000.00"), D("30000.00"), 3)
    assert average_contribution(OCTOBER, rep_b.id).value == D("0.00")
    assert average_contribution(OCTOBER).value == D("7500.00")  # 30,000 over four
    assert average_contribution(Period.year(2025)).value is None  # no client yet: no division by zero
    # The quarter: the same money over the same clients; Q3: nothing received, a4 still on the books → 0 of 5.
    assert average_contribution(Q4, rep_a.id).value == D("10000.00")
    assert (average_contribution(Period.quarter(2026, 3)).value, average_contribution(Period.quarter(2026, 3))
            .denominator) == (D("0.00"), 5)


def test_referral_rate_of_the_clients_added(db):
    """November: n1 came by a referral (its lead source), n2 is named by a referral record, n3 and n4 did not →
    2 of 4; A (n1, n3) 1 of 2; October: nobody added → None."""
    rep_a, rep_b = make_user("sales"), make_user("sales")
    referrer = ClientFactory(owner_id=rep_b.id, created_at=JANUARY)
    added = datetime(2026, 11, 3, 10)
    n1 = ClientFactory(owner_id=rep_a.id, created_at=added, lead_source=LeadSource.REFERRAL)
    n2 = ClientFactory(owner_id=rep_b.id, created_at=added)
    ClientFactory(owner_id=rep_a.id, created_at=added)
    ClientFactory(owner_id=rep_b.id, created_at=added, lead_source=LeadSource.EXHIBITION)
    db.session.add(Referral(client_id=referrer.id, referred_client_id=n2.id, referred_on=date(2026, 11, 3)))
    db.session.commit()
    assert referral_rate(NOVEMBER).value == D("0.5")
    assert (referral_rate(NOVEMBER, rep_a.id).numerator, referral_rate(NOVEMBER, rep_a.id).denominator) == (1, 2)
    assert referral_rate(OCTOBER).value is None and n1.id
    assert referral_rate(Q4).value == D("0.5")
    assert (referral_rate(Period.quarter(2026, 1)).numerator, referral_rate(Period.quarter(2026, 1)).denominator) \
        == (0, 1)  # the referrer, added in January, came by no referral


def test_return_visits_on_schedule_agree_with_the_overdue_list(db, today_is):
    """Grade A clients are called every 14 days. Today is Nov 25. c1 called Nov 20 (on schedule); c2 called Nov 5
    (due Nov 19: overdue); c3 added Nov 20 (not due yet); c6 seen on site Nov 24 but never called (overdue);
    c4 is grade B (no clock: not counted); c5 is lost. November so far: 2 of 4 — and the other two are exactly the
    overdue list. October (read on Oct 31): c1, c2, c6 untouched since January → 0 of 3; c3 not yet a client."""
    today_is(date(2026, 11, 25))
    rep = make_user("sales")
    CadenceRuleFactory()
    c1, c2, c6 = (ClientFactory(owner_id=rep.id, value_grade="A", created_at=JANUARY) for _ in range(3))
    ClientFactory(owner_id=rep.id, value_grade="A", created_at=datetime(2026, 11, 20, 9))
    ClientFactory(owner_id=rep.id, value_grade="B", created_at=JANUARY)
    ClientFactory(owner_id=rep.id, value_grade="A", created_at=JANUARY, status=Lifecycle.LOST)
    for client, when, method in ((c1, datetime(2026, 11, 20, 15), Method.PHONE),
                                 (c2, datetime(2026, 11, 5, 15), Method.WECHAT),
                                 (c6, datetime(2026, 11, 24, 15), Method.ONSITE)):
        InteractionFactory(client_id=client.id, user_id=rep.id, done_at=when, method=method)
    db.session.commit()
    figure = visits_on_schedule(NOVEMBER)
    assert (figure.numerator, figure.denominator, figure.value) == (2, 4, D("0.5"))
    overdue = db.session.scalar(select(func.count()).select_from(overdue_query(make_user("manager"), date(2026, 11, 25))
                                                                 .subquery()))
    assert overdue == figure.denominator - figure.numerator
    assert (visits_on_schedule(OCTOBER).numerator, visits_on_schedule(OCTOBER).denominator) == (0, 3)
    assert visits_on_schedule(NOVEMBER, make_user("sales").id).value is None
    assert visits_on_schedule(Q4) == figure  # the quarter runs: read today
    assert visits_on_schedule(Period.quarter(2026, 3), rep.id).value == D("0")  # Sep 30: nobody touched yet
    # Read again from the visits done, a day later: the history agrees with client_cadence.
    today_is(date(2026, 11, 26))
    assert visits_on_schedule(UNTIL_25TH) == figure


def test_deep_share_is_the_first_band_of_five_three_two(db, today_is):
    """Today Nov 25, the deep band 30 days (since Oct 26): c1 (Nov 20), c2 (Nov 5) and c3 (on site Nov 24) were
    touched; c4 was called in September; c5 never; a lost client is left out; a note is not a touch → 3 of 5.
    October (read on Oct 31, since Oct 1): none of those touches yet → 0 of 5."""
    today_is(date(2026, 11, 25))
    rep = make_user("sales")
    c1, c2, c3, c4, c5 = (ClientFactory(owner_id=rep.id, created_at=JANUARY) for _ in range(5))
    lost = ClientFactory(owner_id=rep.id, created_at=JANUARY, status=Lifecycle.LOST)
    for client, when, method in ((c1, datetime(2026, 11, 20, 15), Method.PHONE),
                                 (c2, datetime(2026, 11, 5, 15), Method.PHONE),
                                 (c3, datetime(2026, 11, 24, 15), Method.ONSITE),
                                 (c4, datetime(2026, 9, 24, 15), Method.PHONE),
                                 (c5, datetime(2026, 11, 24, 15), Method.NOTE),
                                 (lost, datetime(2026, 11, 24, 15), Method.PHONE)):
        InteractionFactory(client_id=client.id, user_id=rep.id, done_at=when, method=method)
    db.session.commit()
    assert (deep_share(NOVEMBER).numerator, deep_share(NOVEMBER).denominator) == (3, 5)
    assert deep_share(OCTOBER).value == D("0")
    assert deep_share(Q4, rep.id).numerator == 3
    today_is(date(2026, 11, 26))  # read from the visits done: the same
    assert (deep_share(UNTIL_25TH).numerator, deep_share(UNTIL_25TH).denominator) == (3, 5)


def _complaint(client, n: int, resolved: datetime, **dues) -> Complaint:
    received = datetime(resolved.year, resolved.month, 1, 9)
    record = Complaint(client_id=client.id, number=f"TS-2026-{n:04d}", title="HIS 挂号慢", received_at=received,
                       status=ComplaintStatus.CLOSED, responded_at=received.replace(hour=10),
                       plan_at=received.replace(hour=11), resolved_at=resolved, closed_at=resolved,
                       response_due_at=received.replace(hour=12), plan_due_at=received.replace(hour=12),
                       resolution_due_at=datetime(resolved.year, resolved.month, 10, 18))
    for name, value in dues.items():
        setattr(record, name, value)
    return record


def test_sla_compliance_of_the_complaints_resolved(db):
    """November: one met every clock, one resolved after its deadline, one whose plan came late (A's clients); B's
    one met → team 2 of 4, A 1 of 3; one resolved in October is October's; December: none → None."""
    rep_a, rep_b = make_user("sales"), make_user("sales")
    a1, b1 = ClientFactory(owner_id=rep_a.id), ClientFactory(owner_id=rep_b.id)
    db.session.add_all([
        _complaint(a1, 1, datetime(2026, 11, 5, 16)),
        _complaint(a1, 2, datetime(2026, 11, 12, 16)),  # due on the 10th
        _complaint(a1, 3, datetime(2026, 11, 5, 16), plan_due_at=datetime(2026, 11, 1, 10, 30)),
        _complaint(b1, 4, datetime(2026, 11, 6, 16)),
        _complaint(b1, 5, datetime(2026, 10, 20, 16)),  # October's, late
    ])
    db.session.commit()
    assert (sla_compliance(NOVEMBER).numerator, sla_compliance(NOVEMBER).denominator) == (2, 4)
    assert sla_compliance(NOVEMBER, rep_a.id).value == D("0.3333")
    assert sla_compliance(OCTOBER).value == D("0")
    assert sla_compliance(Period.month(2026, 12)).value is None
    assert (sla_compliance(Q4).numerator, sla_compliance(Q4).denominator) == (2, 5)  # October's late one too
    assert (sla_compliance(Q4, rep_b.id).numerator, sla_compliance(Q4, rep_b.id).denominator) == (1, 2)


def test_average_satisfaction_of_the_scores_given(db):
    """November: (5, 4, –, 3) and (2, 2, 2, 2): 20 points over 7 scores → 2.86; B alone (the second) 2.00;
    October: none → None."""
    rep_a, rep_b = make_user("sales"), make_user("sales")
    a1, b1 = ClientFactory(owner_id=rep_a.id), ClientFactory(owner_id=rep_b.id)
    db.session.add_all([
        Survey(client_id=a1.id, nps=9, answered_at=datetime(2026, 11, 3, 10), product_quality=5,
               service_response=4, cooperation=3),
        Survey(client_id=b1.id, nps=3, answered_at=datetime(2026, 11, 30, 22), product_quality=2,
               service_response=2, value_for_money=2, cooperation=2),
    ])
    db.session.commit()
    assert average_satisfaction(NOVEMBER).value == D("2.86")
    assert average_satisfaction(NOVEMBER, rep_b.id).value == D("2.00")
    assert average_satisfaction(OCTOBER).value is None
    assert average_satisfaction(Q4).value == D("2.86") and average_satisfaction(Q4, rep_a.id).value == D("4.00")
    assert average_satisfaction(Period.quarter(2026, 3)).value is None
