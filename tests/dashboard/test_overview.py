"""The dashboard (issue 15, acceptance 2 and 3): a fixed number of queries whatever the data size, a sales rep
sees only their own clients, and every number on a panel is the count of the list it links to."""
import re
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from html import unescape

from app.complaints.enums import ComplaintStatus
from app.complaints.models import Complaint, Survey
from app.deals.contracts import create_contract
from app.deals.enums import DealStage, MilestoneKind
from app.deals.services import create_deal
from app.extensions import db
from tests.factories import CadenceRuleFactory, ClientFactory, InteractionFactory, make_user

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10)
_numbers = iter(range(1, 10_000))


def book(rep, clients: int) -> list:
    """A rep's book where every panel has something: grade A clients (called every 14 days) last called in
    September (overdue), each with an open deal, every other one with a complaint past its response deadline, a
    contract whose milestone is past due and a detractor's survey (churn risk), and a call done this week."""
    made = []
    for n in range(clients):
        client = ClientFactory(owner_id=rep.id, value_grade="A", created_at=datetime(2026, 1, 5, 9))
        InteractionFactory(client_id=client.id, user_id=rep.id, done_at=datetime(2026, 9, 1, 10))
        create_deal(client, {"title": f"升级{n}", "next_action": "约主任", "next_date": TODAY,
                             "amount": D("10000.00")}, rep).stage = (DealStage.NEEDS, DealStage.MEETING)[n % 2]
        if n % 2 == 0:
            db.session.add(Complaint(
                client_id=client.id, number=f"TS-2026-{next(_numbers):04d}", title="HIS 挂号慢", owner_id=rep.id,
                status=ComplaintStatus.ACCEPTED, received_at=NOW - timedelta(days=2),
                response_due_at=NOW - timedelta(days=1)))
            create_contract(client, {"title": "HIS", "signed_on": date(2026, 9, 1), "amount": D("30000.00"),
                                     "lines": [], "milestones": [{"kind": MilestoneKind.FINAL,
                                                                  "due_on": date(2026, 10, 1),
                                                                  "amount": D("30000.00")}]}, rep)
            db.session.add(Survey(client_id=client.id, nps=2, answered_at=NOW - timedelta(days=3)))
        InteractionFactory(client_id=client.id, user_id=rep.id, done_at=NOW - timedelta(hours=1))
        made.append(client)
    db.session.commit()
    return made


def test_the_manager_dashboard_runs_a_fixed_number_of_queries(client, db, login_as, query_counter, today_is):
    today_is(TODAY)
    CadenceRuleFactory()
    rep = make_user("sales")
    book(rep, 1)
    login_as("manager")

    def queries() -> int:
        with query_counter() as statements:
            response = client.get("/dashboard/")
            assert response.status_code == 200
        return len(statements)

    queries()  # settings and caches warm
    few = queries()
    book(rep, 12)
    book(make_user("sales"), 12)
    assert queries() == few
    assert client.get("/dashboard/?kind=quarter&period=2026-Q4").status_code == 200
