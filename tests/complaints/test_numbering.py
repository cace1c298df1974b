"""Complaints received at the same moment get different numbers (TS-2026-0001, -0002, …): each request has its
own session and connection, all ask for a number at once and commit, on SQLite and on PostgreSQL."""
import threading
from datetime import datetime

import pytest
from sqlalchemy import select

from app.archive.models import Client
from app.complaints.models import Complaint
from app.complaints.services import create_complaint
from app.core.models import User
from app.extensions import db as _db
from tests.factories import ClientFactory, make_user

AT_ONCE = 4


def receive_at_once(app, client_id: int, user_id: int, count: int) -> list[BaseException]:
    """``count`` threads, each in its own app context (so its own session and connection), start receiving a
    complaint at the same instant and commit it."""
    start, errors = threading.Barrier(count), []

    def receive(n: int):
        with app.app_context():
            client, user = _db.session.get(Client, client_id), _db.session.get(User, user_id)
            try:
                start.wait(timeout=10)
                create_complaint(client, {"title": f"同时受理{n}", "received_at": datetime(2026, 11, 26, 10)}, user)
                _db.session.commit()
            except BaseException as error:  # noqa: BLE001  (reported to the test below)
                errors.append(error)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=receive, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.parametrize("already", [0, 7], ids=["first-of-the-year", "counter-running"])
def test_complaints_received_at_the_same_moment_get_different_numbers(app, db, already):
    user = make_user("service")
    client = ClientFactory()
    for n in range(already):
        create_complaint(client, {"title": f"早先{n}", "received_at": datetime(2026, 3, 1, 9)}, user)
    db.session.commit()
    client_id, user_id = client.id, user.id
    db.session.remove()  # the threads' sessions must not wait on this one

    errors = receive_at_once(app, client_id, user_id, AT_ONCE)

    assert errors == []
    numbers = db.session.execute(select(Complaint.number).where(Complaint.title.like("同时受理%"))).scalars().all()
    assert sorted(numbers) == [f"TS-2026-{n:04d}" for n in range(already + 1, already + AT_ONCE + 1)]
