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


def test_a_done_record_is_changed_by_its_author_the_owner_or_a_manager_not_another_engineer(client, login_as, db, app):
    from tests.factories import PASSWORD, InteractionFactory, make_user

    rep, author, engineer, manager = (make_user(role) for role in ("sales", "service", "service", "manager"))
    record = ClientFactory(owner_id=rep.id)
    visit = InteractionFactory(client_id=record.id, user_id=author.id, method=Method.ONSITE,
                               done_at=datetime(2026, 11, 2, 10), summary="演示了移动护理")
    db.session.commit()

    def as_user(user, summary):
        browser = app.test_client()
        browser.post("/auth/login", data={"username": user.username, "password": PASSWORD})
        page = browser.get(f"/visits/{visit.id}").get_data(as_text=True)
        db.session.expire_all()
        version = db.session.get(Interaction, visit.id).version
        answer = browser.post(f"/visits/{visit.id}/edit", data={
            "method": "onsite", "purpose": "routine", "summary": summary, "version": version})
        return f"/visits/{visit.id}/edit" in page, answer.status_code

    assert as_user(engineer, "售后改写") == (False, 403)  # sees the visit, no edit button, may not rewrite it
    db.session.expire_all()
    assert db.session.get(Interaction, visit.id).summary == "演示了移动护理"
    assert as_user(author, "作者补充") == (True, 302)  # whoever made it
    assert as_user(rep, "客户负责人补充") == (True, 302)  # the client's owner
    assert as_user(manager, "主管批注") == (True, 302)
    db.session.expire_all()
    assert db.session.get(Interaction, visit.id).summary == "主管批注"
