"""A backup taken while the app writes restores to the same database and the same files, on SQLite and
PostgreSQL: the restore runs into a second, empty installation and everything is compared."""
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db as _db
from app.visits.models import Interaction

TABLES_COMPARED = ("users", "clients", "contacts", "special_dates", "assets", "interactions", "attachments",
                   "client_cadence", "audit_events")


def contents(engine) -> dict:
    with engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
                for table in TABLES_COMPARED}


def files(folder: Path) -> dict:
    return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.is_dir() else {}


@pytest.fixture
def second_install(app, tmp_path):
    """An empty installation beside the test one: its own instance folder and its own database."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        target = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        name = f"keyuan_restore_{uuid.uuid4().hex[:8]}"
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        target = url.set(database=name).render_as_string(hide_password=False)
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": target})
    other.instance_path = str(tmp_path / "restored-instance")
    yield other
    with other.app_context():
        _db.engine.dispose()
    if url.get_backend_name() != "sqlite":
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def test_a_backup_taken_during_writes_restores_identically(app, db, tmp_path, monkeypatch, second_install):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--clients", "20"]).exit_code == 0
    folder = tmp_path / "instance" / "attachments"
    folder.mkdir(parents=True)
    for n in range(3):
        (folder / f"f{n}.jpg").write_bytes(bytes([n]) * 500)

    client_id, user_id = db.session.execute(select(_db.text("id"), _db.text("owner_id")).select_from(
        _db.table("clients")).limit(1)).one()
    stop = threading.Event()

    def keep_writing():  # a rep logging touches the whole time, through its own connection
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        while not stop.is_set():
            with engine.begin() as connection:
                connection.execute(insert(Interaction.__table__).values(
                    client_id=client_id, user_id=user_id, method="phone", purpose="routine", status="done",
                    done_at=datetime(2026, 11, 24, 10), summary="备份时写入", version=1,
                    created_at=datetime(2026, 11, 24), updated_at=datetime(2026, 11, 24), extra_services=[]))
        engine.dispose()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        target = tmp_path / "during-writes.tar.gz"
        assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    finally:
        stop.set()
        writer.join()

    with second_install.app_context():
        result = second_install.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output
        restored = contents(_db.engine)
    assert files(Path(second_install.instance_path) / "attachments") == files(folder)
    written = len(restored["interactions"])
    assert restored["clients"] and written >= 1  # the copy holds the seed and some of what was being written

    # Taken again with nothing writing, backup and restore give exactly the source back.
    quiet = tmp_path / "quiet.tar.gz"
    assert runner.invoke(args=["backup", str(quiet)]).exit_code == 0
    source = contents(_db.engine)
    with second_install.app_context():
        assert second_install.test_cli_runner().invoke(args=["restore", str(quiet), "--yes"]).exit_code == 0
        assert contents(_db.engine) == source


def test_restore_refuses_a_backup_of_another_database_kind(app, db, tmp_path, monkeypatch):
    import io
    import json
    import tarfile

    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[_db.engine.dialect.name]
    archive = tmp_path / "foreign.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = json.dumps({"format": 1, "database": other}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = app.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code != 0 and "backup holds a" in result.output
