"""zh_CN by default, English per user and on the login page; the catalogue covers every msgid."""
import re
from collections import Counter
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("app/**.py", "python"), ("app/**/templates/**.html", "jinja2")]


def source_msgids() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS, options_map={"app/**/templates/**.html": {}}):
        found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def test_every_msgid_has_a_zh_cn_translation():
    with open(ROOT / "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])}
    msgids = source_msgids()
    assert len(msgids) > 100  # the extraction really read the code
    assert sorted(msgids - translated) == []


def test_the_catalogue_gives_each_msgid_one_translation():
    """Two entries for one msgid (left by a merge) mean one of them silently loses."""
    text = (ROOT / "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po").read_text()
    entries = re.findall(r'^(?:msgctxt ("(?:.*)"\n))?msgid ((?:".*"\n)+)', text, flags=re.M)
    assert len(entries) > 100
    assert [entry for entry, count in Counter(entries).items() if count > 1] == []


def test_anonymous_visitor_switches_the_login_page_to_english(client):
    assert "登录" in client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/language", data={"lang": "en", "next": "/auth/login"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in to KeYuan" in html


def test_a_users_language_is_theirs_and_follows_them(client, login_as, db):
    user = login_as("sales")
    assert "今日" in client.get("/").get_data(as_text=True)
    client.post("/auth/language", data={"lang": "en", "next": "/"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "en"
    html = client.get("/").get_data(as_text=True)
    assert "Today" in html and "今日" not in html
    assert "Not found" in client.get("/clients/999999").get_data(as_text=True)  # error pages too


def test_unknown_language_is_refused(client):
    assert client.post("/auth/language", data={"lang": "xx"}).status_code == 400


def test_english_user_is_english_after_signing_in(client, db):
    make_user("sales", username="en-user", locale="en")
    db.session.commit()
    client.post("/auth/login", data={"username": "en-user", "password": "correct-horse-9"})
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_error_pages_speak_chinese_by_default(client, login_as):
    login_as("sales")
    response = client.get("/clients/999999")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
