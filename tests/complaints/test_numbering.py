"""Complaints received at the same moment get different numbers (TS-2026-0001, -0002, …): each request has its
own session and connection, all ask for a number at once and commit, on SQLite and on PostgreSQL."""
from datetime import datetime

import pytest
from sqlalchemy import select

from app.archive.models import Client
from app.complaints.models import Complaint
from app.complaints.services import create_complaint
from app.core.models import User
from app.extensions import db as _db
from tests.concurrency import at_once
from tests.factories import ClientFactory, make_user

AT_ONCE = 4
NOW = datetime(2026, 11, 26, 10)


@pytest.mark.parametrize("already", [0, 7], ids=["first-of-the-year", "counter-running"])
def test_complaints_received_at_the_same_moment_get_different_numbers(app, db, already):
    user = make_user("service")
    client = ClientFactory()
    for n in range(already):
        create_complaint(client, {"title": f"早先{n}", "received_at": datetime(2026, 3, 1, 9)}, user)
    db.session.commit()
    client_id, user_id = client.id, user.id

    def receive(n: int):
        create_complaint(_db.session.get(Client, client_id), {"title": f"同时受理{n}", "received_at": NOW},
                         _db.session.get(User, user_id))

    assert at_once(app, AT_ONCE, receive) == ["ok"] * AT_ONCE
    numbers = db.session.execute(select(Complaint.number).where(Complaint.title.like("同时受理%"))).scalars().all()
    assert sorted(numbers) == [f"TS-2026-{n:04d}" for n in range(already + 1, already + AT_ONCE + 1)]
