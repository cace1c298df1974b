"""seed-demo's complaints part: every state of the loop, timelines, numbers and counters in step, some overdue,
surveys with an NPS spread, and two lost clients with churn records (one won back)."""
from sqlalchemy import func, select

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.complaints.churn import ChurnRecord, as_risks, risk_list
from app.complaints.enums import ChurnOutcome, ComplaintStatus, EventKind, RiskSignal
from app.complaints.models import Complaint, ComplaintEvent, Survey
from app.core.clock import local_now, local_today
from app.core.models import User
from app.core.sequences import Counter, next_number


def test_demo_seeds_complaints_in_every_state_surveys_and_churn(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--clients", "100", "--seed", "4"])
    assert result.exit_code == 0, result.output
    scalar = db.session.scalar

    states = dict(db.session.execute(select(Complaint.status, func.count()).group_by(Complaint.status)).all())
    assert set(states) == set(ComplaintStatus) and 6 <= sum(states.values()) <= 10
    complaints = db.session.execute(select(Complaint)).unique().scalars().all()
    for complaint in complaints:
        kinds = [event.kind for event in complaint.events]
        assert EventKind.CREATED in kinds and len(kinds) >= 1 + (complaint.status != ComplaintStatus.ACCEPTED)
        assert complaint.response_due_at > complaint.received_at and complaint.title and complaint.description
    for complaint in (c for c in complaints if c.status == ComplaintStatus.CLOSED):
        assert complaint.root_cause and complaint.solution and complaint.satisfaction and complaint.confirmed_by

    for year, last in db.session.execute(select(Counter.key, Counter.value).where(Counter.key.like("TS-%"))).all():
        numbers = select(func.max(Complaint.number)).where(Complaint.number.like(f"{year}-%"))
        assert scalar(numbers) == f"{year}-{last:04d}"
    year = local_today().year
    assert next_number("TS", year) not in {c.number for c in complaints}

    surveys = scalar(select(func.count(Survey.id)))
    assert surveys == 30 and scalar(select(func.count(Survey.id)).where(Survey.recorded_by_id.is_(None))) >= 1
    assert {s for (s,) in db.session.execute(select(Survey.nps))} & {0, 1, 2, 3, 4, 5, 6}
    assert {s for (s,) in db.session.execute(select(Survey.nps))} & {9, 10}

    records = db.session.execute(select(ChurnRecord)).scalars().all()
    outcomes = {record.outcome: record.client.status for record in records}
    assert outcomes == {ChurnOutcome.PENDING: Lifecycle.LOST, ChurnOutcome.WON_BACK: Lifecycle.CUSTOMER}

    manager = db.session.execute(select(User).where(User.username == "manager")).scalar_one()
    risks = as_risks(db.session.execute(risk_list(manager, local_today(), local_now())).unique().all())
    found = {signal for risk in risks for signal in risk.signals}
    assert {RiskSignal.OVERDUE_COMPLAINTS, RiskSignal.NPS_DETRACTOR, RiskSignal.OVERDUE_VISITS} <= found
    assert all(risk.client.status != Lifecycle.LOST for risk in risks)
    assert scalar(select(func.count(ComplaintEvent.id))) > len(complaints)
    assert scalar(select(func.count(Client.id))) == 100
