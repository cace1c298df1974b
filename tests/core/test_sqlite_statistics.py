"""SQLite housekeeping: a database is analysed on first use, so the planner uses the indexes from day one."""
import sqlite3

from sqlalchemy import create_engine, text

from app import _sqlite_pragmas  # noqa: F401  (the connect hook is registered on every Engine)


def test_a_never_analysed_database_gets_statistics_on_its_first_connection(tmp_path):
    path = tmp_path / "fresh.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT)")
        raw.execute("CREATE INDEX ix_clients_name ON clients (name)")
        raw.executemany("INSERT INTO clients (name) VALUES (?)", [(f"医院{n}",) for n in range(50)])
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            stats = connection.execute(text("SELECT tbl, idx FROM sqlite_stat1")).all()
    finally:
        engine.dispose()
    assert ("clients", "ix_clients_name") in stats
