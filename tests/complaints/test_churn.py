"""Churn-risk signals on hand-worked data: each signal on and off at its boundary, lost clients left out, a
sales rep sees only their own clients."""
from datetime import date, datetime, timedelta
from itertools import count

import pytest

from app.archive.enums import AssetKind, AssetStatus, Lifecycle, ValueGrade
from app.archive.models import Asset
from app.complaints.churn import as_risks, client_risk, risk_list
from app.complaints.enums import ComplaintStatus, RiskSignal
from app.complaints.models import Complaint, Survey
from app.extensions import db
from app.visits.enums import Channel, GradeDimension, InteractionStatus, Method, Satisfaction
from app.visits.models import CadenceRule, Interaction
from tests.factories import ClientFactory, ProductFactory, make_user

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 12, 0)
_numbers = count(1)
S = RiskSignal


@pytest.fixture
def manager(db):
    return make_user("manager")


def signals(client, user) -> list[RiskSignal]:
    return client_risk(client, user, TODAY, NOW)


def complaint(client, **values) -> Complaint:
    record = Complaint(client_id=client.id, number=f"TS-2026-{next(_numbers):04d}", title="HIS 挂号慢",
                       received_at=NOW - timedelta(days=30), **values)
    db.session.add(record)
    db.session.flush()
    return record


def closed(client, *, at: datetime, **values) -> Complaint:
    return complaint(client, status=ComplaintStatus.CLOSED, closed_at=at, resolved_at=at, **values)


def test_return_visits_overdue_beyond_twice_their_interval(db, manager):
    db.session.add(CadenceRule(dimension=GradeDimension.VALUE_GRADE, value="A", channel=Channel.PHONE,
                               interval_days=14))
    on_time, late = (ClientFactory(value_grade=ValueGrade.A, created_at=datetime(2026, 1, 1)) for _ in range(2))
    for record, days in ((on_time, 28), (late, 29)):  # due 14 days after the call; flagged 14 days after that
        db.session.add(Interaction(client_id=record.id, user_id=manager.id, method=Method.PHONE,
                                   status=InteractionStatus.DONE, done_at=datetime.combine(TODAY, NOW.time())
                                   - timedelta(days=days)))
    db.session.flush()
    assert signals(on_time, manager) == []
    assert signals(late, manager) == [S.OVERDUE_VISITS]


def test_low_satisfaction_reads_the_latest_closed_complaint_and_recent_visits(db, manager):
    unhappy, old, recovered, visited, fine_visit = (ClientFactory() for _ in range(5))
    closed(unhappy, at=NOW - timedelta(days=179), satisfaction=Satisfaction.DISSATISFIED)
    closed(old, at=NOW - timedelta(days=181), satisfaction=Satisfaction.VERY_DISSATISFIED)
    closed(recovered, at=NOW - timedelta(days=60), satisfaction=Satisfaction.VERY_DISSATISFIED)
    closed(recovered, at=NOW - timedelta(days=5), satisfaction=Satisfaction.SATISFIED)  # the latest one counts
    for record, level in ((visited, Satisfaction.DISSATISFIED), (fine_visit, Satisfaction.NEUTRAL)):
        db.session.add(Interaction(client_id=record.id, user_id=manager.id, method=Method.ONSITE, satisfaction=level,
                                   status=InteractionStatus.DONE, done_at=NOW - timedelta(days=10)))
    db.session.flush()
    assert signals(unhappy, manager) == [S.LOW_SATISFACTION]
    assert signals(old, manager) == signals(recovered, manager) == signals(fine_visit, manager) == []
    assert signals(visited, manager) == [S.LOW_SATISFACTION]


def test_open_complaints_past_a_due_time_with_their_step_unmet(db, manager):
    late, not_yet, answered, paused, done = (ClientFactory() for _ in range(5))
    complaint(late, response_due_at=NOW - timedelta(minutes=1))
    complaint(not_yet, response_due_at=NOW + timedelta(minutes=1))
    complaint(answered, response_due_at=NOW - timedelta(hours=5), responded_at=NOW - timedelta(hours=6),
              status=ComplaintStatus.ANALYSING, resolution_due_at=NOW + timedelta(days=2))
    complaint(paused, status=ComplaintStatus.FEEDBACK, resolution_due_at=NOW - timedelta(days=1),
              paused_since=NOW - timedelta(days=2))
    closed(done, at=NOW - timedelta(days=1), resolution_due_at=NOW)
    assert signals(late, manager) == [S.OVERDUE_COMPLAINTS]
    assert signals(not_yet, manager) == signals(answered, manager) == signals(paused, manager) == []
    assert signals(done, manager) == []

    complaint(answered, status=ComplaintStatus.RESOLVING, plan_due_at=NOW - timedelta(hours=1))  # no plan yet
    assert signals(answered, manager) == [S.OVERDUE_COMPLAINTS]


def test_nps_detractor_is_read_off_the_latest_survey(db, manager):
    detractor, passive, improved = (ClientFactory() for _ in range(3))
    db.session.add_all([Survey(client_id=detractor.id, answered_at=NOW - timedelta(days=400), nps=6),
                        Survey(client_id=passive.id, answered_at=NOW - timedelta(days=3), nps=7),
                        Survey(client_id=improved.id, answered_at=NOW - timedelta(days=90), nps=2),
                        Survey(client_id=improved.id, answered_at=NOW - timedelta(days=3), nps=9)])
    db.session.flush()
    assert signals(detractor, manager) == [S.NPS_DETRACTOR]
    assert signals(passive, manager) == signals(improved, manager) == []


def test_maintenance_expiring_within_60_days_without_renewal(db, manager):
    his = ProductFactory(name="HIS 医院信息系统")
    expiring, later, renewed, retired, hardware = (ClientFactory() for _ in range(5))

    def asset(record, days, product=his, **values):
        db.session.add(Asset(client_id=record.id, kind=AssetKind.SOFTWARE, name=values.pop("name", his.name),
                             product_id=product.id if product else None,
                             maintenance_until=TODAY + timedelta(days=days), **values))

    asset(expiring, 60)
    asset(later, 61)
    asset(renewed, 10)
    asset(renewed, 375)  # the renewal: the same module maintained a year on
    asset(retired, 5, status=AssetStatus.RETIRED)
    asset(hardware, 30, product=None, name="核心交换机")
    asset(hardware, 400, product=None, name="核心交换机")
    db.session.flush()
    assert signals(expiring, manager) == [S.MAINTENANCE_EXPIRING]
    assert [signals(c, manager) for c in (later, renewed, retired, hardware)] == [[], [], [], []]


def test_an_sla_breach_in_the_last_90_days(db, manager):
    breached, long_ago, in_time = (ClientFactory() for _ in range(3))
    closed(breached, at=NOW - timedelta(days=89), resolution_due_at=NOW - timedelta(days=90))
    closed(long_ago, at=NOW - timedelta(days=91), resolution_due_at=NOW - timedelta(days=95))
    closed(in_time, at=NOW - timedelta(days=10), resolution_due_at=NOW - timedelta(days=10))
    assert signals(breached, manager) == [S.SLA_BREACH]
    assert signals(long_ago, manager) == signals(in_time, manager) == []


def test_the_list_leaves_out_lost_clients_and_shows_each_client_its_reasons(db, manager):
    rep, other = make_user("sales"), make_user("sales")
    mine = ClientFactory(owner_id=rep.id, name="遂宁市中心医院")
    theirs = ClientFactory(owner_id=other.id)
    lost = ClientFactory(owner_id=rep.id, status=Lifecycle.LOST)
    for record in (mine, theirs, lost):
        db.session.add(Survey(client_id=record.id, answered_at=NOW, nps=0))
    complaint(mine, response_due_at=NOW - timedelta(hours=1))
    db.session.flush()

    def listed(user, **filters):
        rows = db.session.execute(risk_list(user, TODAY, NOW, **filters)).unique().all()
        return [(risk.client.id, risk.signals) for risk in as_risks(rows)]

    both = [S.OVERDUE_COMPLAINTS, S.NPS_DETRACTOR]
    assert listed(manager) == [(mine.id, both), (theirs.id, [S.NPS_DETRACTOR])]  # most signals first
    assert listed(rep) == [(mine.id, both)]
    assert listed(other) == [(theirs.id, [S.NPS_DETRACTOR])]
    assert listed(manager, signal=S.OVERDUE_COMPLAINTS) == [(mine.id, both)]  # every reason still shown
    assert listed(manager, owner_id=other.id) == [(theirs.id, [S.NPS_DETRACTOR])]
    assert signals(lost, manager) == []
