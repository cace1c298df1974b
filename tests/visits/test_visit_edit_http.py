"""Completing and editing a visit record through HTTP: what a cleared field becomes."""
from datetime import datetime

from app.visits.enums import InteractionStatus, Method, Satisfaction
from app.visits.models import Interaction
from tests.factories import ClientFactory


def test_clearing_the_satisfaction_stores_nothing_and_every_page_still_opens(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    visit = Interaction(client_id=record.id, user_id=rep.id, method=Method.PHONE, status=InteractionStatus.DONE,
                        done_at=datetime(2026, 11, 2, 10), summary="电话回访", satisfaction=Satisfaction.SATISFIED)
    db.session.add(visit)
    db.session.commit()

    response = client.post(f"/visits/{visit.id}/edit", data={
        "method": "phone", "purpose": "routine", "summary": "电话回访", "satisfaction": "", "version": 1})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Interaction, visit.id).satisfaction is None
    for url in (f"/visits/{visit.id}", f"/visits/{visit.id}/edit", f"/clients/{record.id}", "/visits/?status=all"):
        assert client.get(url).status_code == 200, url
