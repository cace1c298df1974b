"""Closing a complaint books the satisfaction call-back (回访) in the visits schedule."""
from datetime import datetime

from app.complaints.followup import after_close
from app.complaints.models import Complaint
from app.visits.enums import InteractionStatus, Method, Purpose
from tests.factories import ClientFactory, make_user


def test_after_close_books_the_owners_call_back_three_working_days_later(app, db):
    rep, engineer, manager = make_user("sales"), make_user("service"), make_user("manager")
    hospital = ClientFactory(owner_id=rep.id)
    complaint = Complaint(client_id=hospital.id, number="TS-2026-0042", title="LIS 结果不回传",
                          received_at=datetime(2026, 11, 20, 9), owner_id=engineer.id,
                          closed_at=datetime(2026, 11, 27, 16, 30))
    db.session.add(complaint)
    db.session.flush()

    with app.test_request_context():  # closing happens in a request: the agenda is in the user's language
        call = after_close(complaint, manager)

    assert call.id and call.client_id == hospital.id and call.user_id == engineer.id
    assert (call.status, call.method, call.purpose) == (InteractionStatus.PLANNED, Method.PHONE, Purpose.AFTER_SALES)
    assert call.planned_at == datetime(2026, 12, 2, 10, 0)  # closed on a Friday: the weekend does not count
    assert "TS-2026-0042" in call.agenda and "LIS 结果不回传" in call.agenda


def test_without_a_complaint_owner_the_clients_rep_calls(app, db):
    rep = make_user("sales")
    complaint = Complaint(client_id=ClientFactory(owner_id=rep.id).id, number="TS-2026-0043", title="打印机",
                          received_at=datetime(2026, 11, 20, 9), closed_at=datetime(2026, 11, 21, 9))
    db.session.add(complaint)
    db.session.flush()
    with app.test_request_context():
        assert after_close(complaint, make_user("service")).user_id == rep.id
