"""Client links: signed before any query, expiring, single use; public pages rate-limited per address."""
from datetime import datetime, timedelta

from app.core import links
from tests.factories import ClientFactory, make_user

NOW = datetime(2026, 11, 26, 9, 0)


def _issue(db, **kwargs):
    client = ClientFactory()
    token = links.issue("complaint", 7, client.id, make_user("service"), now=NOW, **kwargs)
    db.session.commit()
    return token, client


def test_a_token_opens_its_link_until_it_expires(db):
    token, client = _issue(db)
    link = links.resolve(token, "complaint", now=NOW + timedelta(days=29))
    assert (link.record_id, link.client_id) == (7, client.id)
    assert link.expires_at == NOW + timedelta(days=30)
    assert links.resolve(token, "complaint", now=NOW + timedelta(days=30)) is None


def test_the_database_keeps_only_the_unsigned_half(db):
    token, _client = _issue(db)
    link = db.session.execute(db.select(links.ClientLink)).scalar_one()
    assert link.key != token and token.startswith(link.key + ".")


def test_a_tampered_or_guessed_token_fails_before_any_query(db, query_counter):
    token, _client = _issue(db)
    key, signature = token.split(".")
    changed = key[:-1] + ("A" if key[-1] != "A" else "B")
    with query_counter() as statements:
        for bad in (f"{changed}.{signature}", key, f"{key}.{signature[:-2]}", "x" * 50, "", "é.ü"):
            assert links.resolve(bad, "complaint", now=NOW) is None
    assert statements == []


def test_a_token_of_one_purpose_opens_no_other(db):
    token, _client = _issue(db)
    assert links.resolve(token, "survey", now=NOW) is None


def test_a_link_is_used_once(db):
    token, _client = _issue(db)
    link = links.resolve(token, "complaint", now=NOW)
    assert links.use(link, now=NOW) is True
    assert links.use(link, now=NOW) is False  # a second submission finds it used
    db.session.commit()
    assert links.resolve(token, "complaint", now=NOW) is None


def test_the_second_of_two_racing_submissions_is_refused(db):
    """Both loaded the link while it was open; the conditional UPDATE lets only one through."""
    token, _client = _issue(db)
    first = links.resolve(token, "complaint", now=NOW)
    db.session.expunge(first)
    second = links.resolve(token, "complaint", now=NOW)
    assert links.use(first, now=NOW) and not links.use(second, now=NOW)


def test_a_new_link_retires_the_open_one(db):
    old, client = _issue(db)
    new = links.issue("complaint", 7, client.id, None, now=NOW + timedelta(hours=1))
    db.session.commit()
    assert links.resolve(old, "complaint", now=NOW + timedelta(hours=1)) is None
    assert links.resolve(new, "complaint", now=NOW + timedelta(hours=1)) is not None
    assert links.token_for(links.current("complaint", 7, client.id, now=NOW + timedelta(hours=1))) == new


def test_an_address_is_limited_within_the_window(app, db):
    app.config["PUBLIC_RATE_LIMIT"] = (3, 600)
    try:
        assert [links.over_limit("10.0.0.1", NOW + timedelta(seconds=n)) for n in range(4)] == [False] * 3 + [True]
        assert links.over_limit("10.0.0.2", NOW) is False  # another address has its own count
        assert links.over_limit("10.0.0.1", NOW + timedelta(seconds=601)) is False  # the window moved on
    finally:
        del app.config["PUBLIC_RATE_LIMIT"]


def test_public_pages_answer_429_in_chinese_past_the_limit(app, client):
    app.config["PUBLIC_RATE_LIMIT"] = (2, 600)
    try:
        answers = [client.get("/p/c/nonsense") for _ in range(3)]
    finally:
        del app.config["PUBLIC_RATE_LIMIT"]
    assert [a.status_code for a in answers] == [404, 404, 429]
    html = answers[2].get_data(as_text=True)
    assert "请求过于频繁" in html and "mainnav" not in html
