from sqlalchemy import select

from app.core.models import Role, User
from tests.factories import PASSWORD, make_user


def test_admin_creates_a_user_who_can_sign_in(client, login_as, db, app):
    login_as("admin")
    response = client.post("/admin/users/new", data={
        "username": "Sales3", "display_name": "刘芳", "role": "sales", "locale": "zh_CN",
        "new_password": "first-pw-123", "confirm": "first-pw-123"})
    assert response.status_code == 302
    user = db.session.execute(select(User).where(User.username == "sales3")).scalar_one()
    assert user.role == Role.SALES and user.display_name == "刘芳"
    other = app.test_client()
    assert other.post("/auth/login", data={"username": "sales3", "password": "first-pw-123"}).status_code == 302


def test_bad_new_user_input_is_shown_by_the_field_and_kept(client, login_as, db):
    login_as("admin")
    make_user("sales", username="taken")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "username": "taken", "display_name": "重名用户", "role": "sales", "locale": "zh_CN",
        "new_password": "pw", "confirm": "pw"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "用户名已被占用" in html and "至少 8 个字符" in html
    assert 'value="重名用户"' in html
    assert db.session.scalar(select(User.id).where(User.display_name == "重名用户")) is None


def test_admin_deactivates_changes_role_and_resets_password(client, login_as, db, app):
    login_as("admin")
    user = make_user("sales", display_name="张伟")
    db.session.commit()
    edit = {"display_name": "张伟", "role": "service", "locale": "en", "version": 1}  # no "active": unticked
    assert client.post(f"/admin/users/{user.id}/edit", data=edit).status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert (changed.role, changed.locale, changed.active) == (Role.SERVICE, "en", False)
    other = app.test_client()
    assert other.post("/auth/login", data={"username": user.username, "password": PASSWORD}).status_code == 401

    client.post(f"/admin/users/{user.id}/edit", data={**edit, "active": "y", "version": 2})
    client.post(f"/admin/users/{user.id}/password", data={"new_password": "reset-pw-456", "confirm": "reset-pw-456"})
    assert other.post("/auth/login", data={"username": user.username, "password": "reset-pw-456"}).status_code == 302


def test_deactivated_user_is_signed_out_on_next_request(client, login_as, db):
    user = login_as("sales")
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_admin_cannot_lock_themselves_out(client, login_as, db):
    admin = login_as("admin")
    response = client.post(f"/admin/users/{admin.id}/edit", data={"display_name": "管理员", "role": "admin",
                                                                 "locale": "zh_CN", "version": 1})
    assert response.status_code == 422
    assert "不能停用自己" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active


def test_user_page_shows_the_users_history(client, login_as, db):
    login_as("admin", display_name="系统管理员")
    user = make_user("sales", display_name="张伟")
    db.session.commit()
    client.post(f"/admin/users/{user.id}/edit", data={"display_name": "张伟", "role": "service", "locale": "zh_CN",
                                                     "active": "y", "version": 1})
    html = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert "角色：<del>销售</del> → <ins>售后</ins>" in html
    assert '<option selected value="service">售后</option>' in html  # choices translated at render time
