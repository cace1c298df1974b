"""Every response says how a browser may treat it: a page, an htmx fragment, an export and an attachment."""
import pytest
from sqlalchemy import select

from app.archive.models import Attachment
from tests.archive.test_attachments import PNG, storage, upload  # noqa: F401  (storage is a fixture)
from tests.factories import ClientFactory

COMMON = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def assert_common(response):
    for name, value in COMMON.items():
        assert response.headers[name] == value, name
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"] or (
        response.headers["Content-Security-Policy"] == "sandbox")


@pytest.fixture
def record(login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    return record


def test_a_page_allows_scripts_from_this_site_and_the_pinned_htmx_only(client, app, record):
    response = client.get(f"/clients/{record.id}")
    assert_common(response)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' https://cdn.jsdelivr.net/npm/htmx.org@" in policy and "unsafe-inline" not in policy
    assert "no-store" in response.headers["Cache-Control"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP on the intranet by default
    assert " onsubmit=" not in response.get_data(as_text=True)  # no inline handler the policy would block


def test_a_fragment_and_an_export(client, record):
    fragment = client.get("/clients/?q=x", headers={"HX-Request": "true"})
    assert_common(fragment)
    assert "no-store" in fragment.headers["Cache-Control"]
    for fmt in ("csv", "xlsx"):
        export = client.get(f"/clients/export.{fmt}")
        assert_common(export)
        assert "no-store" in export.headers["Cache-Control"]
        export.close()  # a streamed download holds its request context until the server closes it


def test_an_attachment_runs_sandboxed(client, db, record, storage):  # noqa: F811
    upload(client, record.id, PNG, "现场.png")
    attachment = db.session.execute(select(Attachment)).scalar_one()
    response = client.get(f"/clients/{record.id}/attachments/{attachment.id}")
    assert_common(response)
    assert response.headers["Content-Security-Policy"] == "sandbox"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_comes_with_secure_cookies(client, app, record, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")
