from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import LoginAttempt
from app.auth.rules import locked_until
from app.core.clock import utcnow
from tests.factories import PASSWORD, make_user

T0 = datetime(2026, 11, 23, 9, 0)


def fails(*minutes):
    return [(T0 + timedelta(minutes=m), False) for m in minutes]


class TestLockedUntil:
    def test_four_failures_do_not_lock(self):
        assert locked_until(fails(0, 1, 2, 3), now=T0 + timedelta(minutes=4)) is None

    def test_fifth_failure_locks_until_the_oldest_leaves_the_window(self):
        # failures at 9:00..9:04 → the 9:00 one leaves the 15-minute window at 9:15
        assert locked_until(fails(0, 1, 2, 3, 4), now=T0 + timedelta(minutes=5)) == datetime(2026, 11, 23, 9, 15)

    def test_lock_lifts_when_the_window_passes(self):
        assert locked_until(fails(0, 1, 2, 3, 4), now=T0 + timedelta(minutes=15, seconds=1)) is None

    def test_old_failures_outside_the_window_do_not_count(self):
        assert locked_until(fails(-30, -20, 0, 1, 2, 3), now=T0 + timedelta(minutes=4)) is None

    def test_a_success_resets_the_count(self):
        attempts = fails(0, 1, 2) + [(T0 + timedelta(minutes=3), True)] + fails(4, 5)
        assert locked_until(attempts, now=T0 + timedelta(minutes=6)) is None

    def test_more_failures_push_the_lock_later(self):
        # six failures: lock lasts until the fifth most recent (9:01) leaves the window
        assert locked_until(fails(0, 1, 2, 3, 4, 5), now=T0 + timedelta(minutes=6)) == datetime(2026, 11, 23, 9, 16)


def login(client, username, password, **extra):
    return client.post("/auth/login", data={"username": username, "password": password, **extra})


def test_login_page_is_chinese_by_default(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "登录" in html


def test_login_and_logout(client, db):
    make_user("sales", username="lixy", display_name="李晓燕")
    db.session.commit()
    assert client.get("/").status_code == 302  # signed out: to the login page
    response = login(client, "LiXY ", PASSWORD)  # usernames are case- and space-insensitive
    assert response.status_code == 302 and response.location == "/"
    assert "李晓燕" in client.get("/").get_data(as_text=True)
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_says_so_beside_the_field_and_keeps_the_username(client, db):
    make_user("sales", username="lixy")
    db.session.commit()
    response = login(client, "lixy", "wrong")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "用户名或密码错误" in html
    assert 'value="lixy"' in html


def test_deactivated_user_cannot_sign_in(client, db):
    make_user("sales", username="gone", active=False)
    db.session.commit()
    assert login(client, "gone", PASSWORD).status_code == 401


def test_remember_me_sets_a_lasting_cookie(client, db):
    make_user("sales", username="lixy")
    db.session.commit()
    login(client, "lixy", PASSWORD, remember="y")
    assert client.get_cookie("remember_token") is not None


def test_next_parameter_only_goes_to_this_site(client, db):
    make_user("sales", username="lixy")
    db.session.commit()
    response = client.post("/auth/login?next=//evil.example/x", data={"username": "lixy", "password": PASSWORD})
    assert response.location == "/"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=/clients/", data={"username": "lixy", "password": PASSWORD})
    assert response.location == "/clients/"


def test_five_failures_lock_the_username_even_for_the_right_password(client, db):
    make_user("sales", username="lixy")
    db.session.commit()
    for _ in range(5):
        assert login(client, "lixy", "wrong").status_code == 401
    response = login(client, "lixy", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_a_colleague_failing_behind_the_same_address_does_not_lock_the_office(client, db, app):
    """Behind the office's nginx every user comes from 127.0.0.1: five wrong guesses by one must not lock all."""
    make_user("sales", username="lixy")
    db.session.commit()
    for n in range(5):
        login(client, f"guess{n}", "wrong")
    assert login(client, "lixy", PASSWORD).status_code == 302


def test_many_failures_from_one_address_lock_it(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 8)
    make_user("sales", username="lixy")
    db.session.commit()
    for n in range(8):
        login(client, f"guess{n}", "wrong")
    assert login(client, "lixy", PASSWORD).status_code == 429


def test_an_unknown_user_costs_a_password_hash_like_a_real_one(monkeypatch, db):
    from app.auth import services

    checked = []
    monkeypatch.setattr(services, "check_password_hash", lambda stored, given: checked.append(stored) or False)
    assert services.authenticate("nobody-here", "wrong", "127.0.0.1") is None
    assert checked == [services.UNKNOWN_USER_HASH]


def test_lock_lifts_after_the_window(client, db):
    make_user("sales", username="lixy")
    old = utcnow() - timedelta(minutes=16)
    db.session.add_all(LoginAttempt(username="lixy", ip="127.0.0.1", success=False, at=old) for _ in range(5))
    db.session.commit()
    assert login(client, "lixy", PASSWORD).status_code == 302


def test_attempts_are_recorded(client, db):
    make_user("sales", username="lixy")
    db.session.commit()
    login(client, "lixy", "wrong")
    login(client, "lixy", PASSWORD)
    outcomes = db.session.execute(select(LoginAttempt.success).order_by(LoginAttempt.id)).scalars().all()
    assert outcomes == [False, True]


@pytest.mark.parametrize("current, new, confirm, message", [
    ("wrong-one", "new-password-1", "new-password-1", "当前密码不正确"),
    (PASSWORD, "short", "short", "至少 8 个字符"),
    (PASSWORD, "new-password-1", "new-password-2", "两次输入的密码不一致"),
])
def test_change_password_refuses_bad_input(client, login_as, current, new, confirm, message):
    login_as("sales")
    response = client.post("/auth/password", data={"current_password": current, "new_password": new,
                                                   "confirm": confirm})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_change_password(client, login_as, db):
    user = login_as("sales")
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "new-password-1",
                                                   "confirm": "new-password-1"})
    assert response.status_code == 302
    client.post("/auth/logout")
    assert login(client, user.username, PASSWORD).status_code == 401
    assert login(client, user.username, "new-password-1").status_code == 302


def test_forwarded_for_is_trusted_only_behind_a_configured_proxy(app, client, db):
    from app import create_app

    behind = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False, "PROXIES": 1,
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    forwarded = {"X-Forwarded-For": "10.1.2.3"}
    with behind.app_context():
        behind.test_client().post("/auth/login", data={"username": "a", "password": "b"}, headers=forwarded)
    client.post("/auth/login", data={"username": "c", "password": "d"}, headers=forwarded)
    db.session.expire_all()
    ips = dict(db.session.execute(select(LoginAttempt.username, LoginAttempt.ip)).all())
    assert ips == {"a": "10.1.2.3", "c": "127.0.0.1"}


def test_a_post_after_the_session_ended_returns_to_its_page_after_signing_in(client, db):
    from tests.factories import ClientFactory

    rep = make_user("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    page = f"/clients/{record.id}"
    form = {"method": "phone", "summary": "电话回访"}

    plain = client.post(f"/visits/clients/{record.id}/quick-log", data=form,
                        headers={"Referer": f"http://localhost{page}"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith(f"/auth/login?next=/clients/{record.id}")
    login_page = client.get(plain.headers["Location"]).get_data(as_text=True)
    assert "登录已过期" in login_page and "仍保存在本设备上" in login_page  # why, and that the draft waits

    fragment = client.post(f"/visits/clients/{record.id}/quick-log", data=form,
                           headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost{page}?tab=visits"})
    assert fragment.status_code == 401 and f"next=/clients/{record.id}?tab%3Dvisits" in fragment.headers["HX-Redirect"]

    elsewhere = client.post(f"/visits/clients/{record.id}/quick-log", data=form,
                            headers={"Referer": "https://evil.example/clients/1"})
    assert elsewhere.headers["Location"].endswith("/auth/login?next=/")  # another site: back to Today

    signed_in = client.post(f"/auth/login?next=%2Fclients%2F{record.id}",
                            data={"username": rep.username, "password": PASSWORD})
    assert signed_in.headers["Location"] == page  # the client page, not the post-only quick-log URL
    assert client.get(page).status_code == 200
