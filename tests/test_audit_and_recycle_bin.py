"""Audit trail, recycle bin and optimistic locking: the cross-cutting records every domain relies on."""
from sqlalchemy import select

from app.archive.models import Client
from app.core.models import AuditEvent, User
from tests.factories import ClientFactory, make_user


def events(db, record):
    db.session.expire_all()
    return db.session.execute(AuditEvent.for_record(record).order_by(None).order_by(AuditEvent.id)).scalars().all()


def test_create_edit_delete_restore_are_audited_with_old_and_new_values(client, login_as, db):
    manager = login_as("manager", display_name="王建国")
    rep = make_user("sales", display_name="李晓燕")
    db.session.commit()
    client.post("/clients/new", data={"name": "绵阳市中心医院", "short_name": "绵阳中心", "owner_id": rep.id})
    record = db.session.execute(select(Client)).scalar_one()
    client.post(f"/clients/{record.id}/edit", data={"name": "绵阳市中心医院", "short_name": "绵中",
                                                   "owner_id": rep.id, "notes": "三甲", "version": 1})
    client.post(f"/clients/{record.id}/delete")
    client.post(f"/admin/recycle-bin/clients/{record.id}/restore")

    trail = events(db, record)
    assert [e.action for e in trail] == ["create", "update", "delete", "restore"]
    assert {e.actor_id for e in trail} == {manager.id}
    assert trail[0].changes["name"] == [None, "绵阳市中心医院"]
    assert trail[1].changes == {"short_name": ["绵阳中心", "绵中"], "notes": ["", "三甲"]}
    assert trail[2].changes["deleted_at"][0] is None and trail[2].changes["deleted_at"][1]
    assert trail[3].changes["deleted_at"][1] is None

    html = client.get(f"/clients/{record.id}/history").get_data(as_text=True)
    assert "<del>绵阳中心</del> → <ins>绵中</ins>" in html
    assert "王建国" in html and "已恢复" in html


def test_an_untouched_save_writes_no_update_event(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    client.post(f"/clients/{record.id}/edit", data={"name": record.name, "short_name": record.short_name,
                                                   "owner_id": rep.id, "notes": "", "version": 1})
    assert [e.action for e in events(db, record)] == ["create"]


def test_password_changes_are_audited_without_the_hash(client, login_as, db):
    admin = login_as("admin")
    user = make_user("sales")
    db.session.commit()
    client.post(f"/admin/users/{user.id}/password", data={"new_password": "brand-new-pw", "confirm": "brand-new-pw"})
    (change,) = [e for e in events(db, user) if e.action == "update"]
    assert change.changes == {"password_hash": ["******", "******"], "session_token": ["******", "******"]}
    assert change.actor_id == admin.id


def test_deleted_client_leaves_the_list_and_detail_and_comes_back_on_restore(client, login_as, db):
    rep = make_user("sales")
    record = ClientFactory(name="南充市妇幼保健院", owner_id=rep.id)
    db.session.commit()
    login_as("manager")
    assert client.post(f"/clients/{record.id}/delete").status_code == 302
    assert ">南充市妇幼保健院</a>" not in client.get("/clients/").get_data(as_text=True)
    assert client.get(f"/clients/{record.id}").status_code == 404
    assert "南充市妇幼保健院" in client.get("/admin/recycle-bin").get_data(as_text=True)

    assert client.post(f"/admin/recycle-bin/clients/{record.id}/restore").status_code == 302
    assert client.get(f"/clients/{record.id}").status_code == 200
    assert "南充市妇幼保健院" not in client.get("/admin/recycle-bin").get_data(as_text=True)


def test_restore_of_an_unknown_kind_or_a_live_record_is_404(client, login_as, db):
    login_as("admin")
    record = ClientFactory()
    db.session.commit()
    assert client.post(f"/admin/recycle-bin/users/{record.id}/restore").status_code == 404
    assert client.post(f"/admin/recycle-bin/clients/{record.id}/restore").status_code == 404


def test_contacts_go_to_the_recycle_bin_too(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    client.post(f"/clients/{record.id}/contacts/new", data={"name": "赵德明", "title": "院长"})
    contact_id = db.session.execute(select(Client).where(Client.id == record.id)).scalar_one().contacts[0].id
    assert ">赵德明</a>" in client.get(f"/clients/{record.id}").get_data(as_text=True)
    client.post(f"/clients/{record.id}/contacts/{contact_id}/delete")
    assert ">赵德明</a>" not in client.get(f"/clients/{record.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login_as("manager")
    assert "赵德明" in client.get("/admin/recycle-bin").get_data(as_text=True)


def test_stale_edit_shows_who_changed_it_and_keeps_both_values(client, login_as, db, app):
    rep = login_as("sales", display_name="李晓燕")
    record = ClientFactory(name="泸州市人民医院", owner_id=rep.id)
    db.session.commit()
    form = {"name": "泸州市人民医院", "short_name": "泸州人医", "owner_id": rep.id, "notes": "", "version": 1}

    colleague = app.test_client()
    manager = make_user("manager", display_name="王建国")
    db.session.commit()
    colleague.post("/auth/login", data={"username": manager.username, "password": "correct-horse-9"})
    assert colleague.post(f"/clients/{record.id}/edit", data={**form, "notes": "院长换人了"}).status_code == 302

    response = client.post(f"/clients/{record.id}/edit", data={**form, "notes": "下周拜访信息科"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "王建国" in html and "修改了这条记录" in html
    assert "<td>院长换人了</td><td>下周拜访信息科</td>" in html  # saved now | yours
    assert "下周拜访信息科</textarea>" in html  # the typed text is still in the form
    assert 'name="version" type="hidden" value="2"' in html
    db.session.expire_all()
    assert db.session.get(Client, record.id).notes == "院长换人了"  # nothing overwritten yet

    # saving again from the conflict page overwrites knowingly
    response = client.post(f"/clients/{record.id}/edit", data={**form, "notes": "下周拜访信息科", "version": 2})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Client, record.id).notes == "下周拜访信息科"


def test_stale_user_edit_is_caught_too(client, login_as, db):
    login_as("admin")
    user = make_user("sales", display_name="张伟")
    db.session.commit()
    form = {"display_name": "张伟", "role": "sales", "locale": "zh_CN", "active": "y", "version": 1}
    assert client.post(f"/admin/users/{user.id}/edit", data={**form, "display_name": "张伟（成都）"}).status_code == 302
    response = client.post(f"/admin/users/{user.id}/edit", data={**form, "role": "service"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "<td>张伟（成都）</td><td>张伟</td>" in html and "<td>销售</td><td>售后</td>" in html
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "sales"
