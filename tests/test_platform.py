"""Migrations, /healthz, htmx rendering and the pinned htmx file."""
import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.config import HTMX_VERSION
from app.extensions import db as _db
from tests.factories import ClientFactory


def test_migrations_build_the_models_schema_exactly(app, db):
    # The session fixture built the schema from an empty database with `upgrade`; autogenerate must agree.
    with _db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                _db.metadata)
    assert diff == []


def test_migration_files_sort_by_date():
    names = [p.name for p in (Path(__file__).resolve().parents[1] / "migrations/versions").glob("*.py")]
    assert names and all(name[:8].isdigit() for name in names)


def test_healthz_reports_database_schema_and_font(client, app):
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200
    assert body["database"] == "ok"
    assert body["schema_revision"] == body["schema_head"] != None  # noqa: E711
    assert body["schema_current"] is True
    assert body["cjk_font"] is True  # CI installs fonts-noto-cjk; False here means PDFs would show boxes


def test_healthz_reports_a_broken_database(app):
    from app import create_app

    broken = create_app({"TESTING": True, "SECRET_KEY": "x",
                         "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/for/sure.db"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"].startswith("error")


def test_render_gives_htmx_the_block_and_everyone_else_the_page(client, login_as, db):
    rep = login_as("sales")
    ClientFactory(name="宜宾市第三人民医院", owner_id=rep.id)
    db.session.commit()
    page = client.get("/clients/?q=宜宾")
    assert "<html" in page.get_data(as_text=True) and "宜宾市第三人民医院" in page.get_data(as_text=True)
    assert "HX-Request" in page.headers["Vary"]

    fragment = client.get("/clients/?q=宜宾", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "<table" in fragment and "宜宾市第三人民医院" in fragment
    assert 'id="q"' not in fragment  # the search box is outside the block, so typing is never interrupted

    restore = client.get("/clients/?q=宜宾", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_pinned_htmx_integrity_matches_the_npm_file(app):
    path = os.environ.get("KEYUAN_HTMX_FILE")
    assert path, "make test provides KEYUAN_HTMX_FILE, the htmx file from its npm package"
    digest = base64.b64encode(hashlib.sha384(Path(path).read_bytes()).digest()).decode()
    assert app.config["HTMX_INTEGRITY"] == f"sha384-{digest}"
    assert f"htmx.org@{HTMX_VERSION}/" in app.config["HTMX_URL"] and f"htmx.org-{HTMX_VERSION}/" in path


def test_pages_load_htmx_with_integrity(client, app):
    html = client.get("/auth/login").get_data(as_text=True)
    url, integrity = app.config["HTMX_URL"], app.config["HTMX_INTEGRITY"]
    assert f'<script src="{url}" integrity="{integrity}" crossorigin="anonymous"' in html


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("KEYUAN_INSTANCE", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert len(first) == 64 and first == second == (tmp_path / "secret_key").read_text()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_database_url_defaults_to_sqlite_in_instance_and_takes_postgres_urls(tmp_path, monkeypatch):
    from app.config import database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(str(tmp_path)) == f"sqlite:///{tmp_path / 'keyuan.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/keyuan")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u:p@db/keyuan"


def test_sqlite_connections_get_wal_busy_timeout_and_foreign_keys(tmp_path):
    from sqlalchemy import create_engine

    import app  # noqa: F401  (registers the connect hook)

    engine = create_engine(f"sqlite:///{tmp_path / 'probe.db'}")
    with engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert (pragma("journal_mode"), pragma("busy_timeout"), pragma("synchronous"), pragma("foreign_keys")) == (
            "wal", 5000, 1, 1)


def test_an_unexpected_error_shows_the_500_page_in_chinese_and_rolls_back(tmp_path):
    from app import create_app

    broken = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.db'}",
                         "JOBS_IN_PROCESS": False})
    broken.add_url_rule("/boom", "boom", lambda: 1 / 0)
    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    assert "出错了" in response.get_data(as_text=True)


def test_a_web_worker_starts_without_the_libraries_only_some_pages_need(tmp_path):
    """pypinyin's dictionaries (~55 MB), openpyxl and WeasyPrint load where they are used (a client's name
    written, a spreadsheet read, a PDF made), not in every gunicorn worker nor by /healthz, which reads every
    migration for the schema head (issue 8: the worker's peak RSS)."""
    probe = ("import sys; from app import create_app; create_app().test_client().get('/healthz'); "
             "print(' '.join(m for m in ('pypinyin', 'openpyxl', 'weasyprint') if m in sys.modules))")
    env = {**os.environ, "KEYUAN_INSTANCE": str(tmp_path), "SECRET_KEY": "test"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parent.parent, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
