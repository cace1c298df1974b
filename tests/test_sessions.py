"""Sessions can be revoked: the cookies carry a per-user session token that a password change, an admin reset
or "sign out on every device" replaces; signing out clears the remember-me cookie."""
from tests.factories import PASSWORD, make_user


def signed_in(app, user, remember=False):
    client = app.test_client()
    data = {"username": user.username, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post("/auth/login", data=data).status_code == 302
    return client


def captured(app, source, *names):
    """Another browser holding a copy of these cookies (a stolen or forgotten session)."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        thief.set_cookie(name, cookie.value)
    return thief


def can_open_today(client) -> bool:
    return client.get("/").status_code == 200


def test_a_password_change_ends_other_sessions_but_not_this_one(app, db):
    user = make_user("sales")
    db.session.commit()
    mine = signed_in(app, user, remember=True)
    stolen = captured(app, mine, "session", "remember_token")
    assert can_open_today(stolen)

    response = mine.post("/auth/password", data={"current_password": PASSWORD, "new_password": "another-pass-7",
                                                 "confirm": "another-pass-7"})
    assert response.status_code == 302
    assert can_open_today(mine)
    assert not can_open_today(stolen)
    assert not can_open_today(captured(app, stolen, "remember_token"))


def test_an_admin_password_reset_ends_every_session_of_that_user(app, db):
    user, admin = make_user("sales"), make_user("admin")
    db.session.commit()
    theirs = signed_in(app, user, remember=True)
    remembered = captured(app, theirs, "remember_token")
    assert can_open_today(remembered)
    response = signed_in(app, admin).post(f"/admin/users/{user.id}/password",
                                          data={"new_password": "reset-pass-8", "confirm": "reset-pass-8"})
    assert response.status_code == 302
    assert not can_open_today(theirs) and not can_open_today(remembered)


def test_sign_out_everywhere(app, db):
    user = make_user("manager")
    db.session.commit()
    tablet, office = signed_in(app, user, remember=True), signed_in(app, user)
    assert office.post("/auth/logout-everywhere").status_code == 302
    assert not can_open_today(tablet) and not can_open_today(office)
    assert can_open_today(signed_in(app, user))  # signing in again works


def test_signing_out_clears_the_remember_me_cookie(app, db):
    user = make_user("sales")
    db.session.commit()
    client = signed_in(app, user, remember=True)
    assert client.get_cookie("remember_token") is not None
    client.post("/auth/logout")
    assert client.get_cookie("remember_token") is None
    assert not can_open_today(client)


def test_cookies_are_http_only_and_lax(app, db):
    user = make_user("sales")
    db.session.commit()
    client = signed_in(app, user, remember=True)
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        assert cookie.http_only and cookie.same_site == "Lax"
