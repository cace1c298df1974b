"""Fixtures: a real database (SQLite file, or PostgreSQL from DATABASE_URL) built by the migrations, emptied
after every test that asks for it; a test client that sends the CSRF token like the pages do; login_as(role).
Nothing here is autouse: a rule test that asks for no fixture runs without the app and without a database."""
import os
import re
from contextlib import contextmanager

import flask_migrate
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from app import create_app
from app.config import TestConfig
from app.core import cache
from app.extensions import db as _db
from tests.factories import PASSWORD, make_user

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class CSRFClient(FlaskClient):
    """Sends the X-CSRFToken header on state-changing requests, as htmx and the forms do (csrf=False omits it),
    and gives every request its own app context, so requests share no `g` or session with the test."""

    _token = None

    def open(self, *args, **kwargs):
        send_token = kwargs.pop("csrf", True)
        if kwargs.get("method", "GET") not in ("GET", "HEAD", "OPTIONS") and send_token:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        if self._token is None:
            page = self.get("/auth/login", follow_redirects=True).get_data(as_text=True)
            self._token = TOKEN.search(page).group(1)
        return self._token


def empty_database() -> None:
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())
    cache.changed()  # rows went without the audit trail: nothing cached from them may be served again


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    overrides = {"TESTING": True, "SECRET_KEY": TestConfig.SECRET_KEY, "PDF_STRICT_GLYPHS": True}
    if not os.environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'keyuan-test.db'}"
    app = create_app(overrides)
    app.test_client_class = CSRFClient
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()
        empty_database()  # the migrations seed settings and rules; every test starts from empty tables
    return app


@pytest.fixture
def db(app):
    """The database inside an app context, emptied when the test ends."""
    with app.app_context():
        yield _db
        empty_database()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def login_as(client, db):
    """Create a user of ``role`` and sign the test client in as them."""

    def login(role, username=None, **kwargs):
        user = make_user(role, username=username, **kwargs)
        db.session.commit()
        response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@contextmanager
def counted_queries(engine):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def query_counter(db):
    return lambda: counted_queries(db.engine)


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL")
    return f"database: {url.split('@')[-1] if url else 'SQLite (temporary file)'}"


@pytest.fixture
def today_is(app):
    """Pin the app's today (core.clock.local_today) for one test: ``today_is(date(2026, 11, 26))``."""
    def pin(day):
        app.config["KEYUAN_TODAY"] = day
        return day

    yield pin
    app.config.pop("KEYUAN_TODAY", None)
