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


def test_the_draft_key_lookup_uses_its_index_when_most_touches_have_no_key(db):
    """Statistics count every NULL key as one value; the full unique index then looked useless to SQLite and each
    quick log scanned every touch. The partial index holds only the keys there are."""
    import pytest
    from sqlalchemy import select

    from app.visits.models import Interaction
    from tests.factories import ClientFactory, InteractionFactory, make_user

    if db.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite planner question")
    rep = make_user("sales")
    InteractionFactory(client_id=ClientFactory(owner_id=rep.id).id, user_id=rep.id, client_key="draft-0001")
    db.session.commit()
    columns = ", ".join(c.name for c in Interaction.__table__.columns if c.name not in ("id", "client_key"))
    for _ in range(9):  # 512 touches without a key
        db.session.execute(text(f"INSERT INTO interactions ({columns}) SELECT {columns} FROM interactions"))
    db.session.execute(text("ANALYZE"))
    lookup = select(Interaction).where(Interaction.client_key == "draft-0001")
    sql = str(lookup.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = " ".join(str(row) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_interactions_client_key" in plan and "SCAN interactions" not in plan, plan


def test_festival_greetings_read_only_the_users_own_clients(db):
    """Today's festival section asks for the key persons of the user's own clients, sorted by client name: the
    owner index answers it, instead of walking every client's name (49 ms at 50,000 clients for a manager who
    owns none)."""
    import pytest
    from sqlalchemy import event

    from app.visits.care import key_contacts
    from tests.factories import ClientFactory, ContactFactory, make_user

    if db.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite planner question")
    rep, manager = make_user("sales"), make_user("manager")
    for n in range(300):
        ContactFactory(client_id=ClientFactory(owner_id=rep.id, name=f"医院{n:03d}").id, is_key_person=True)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    seen = []
    listener = lambda conn, cursor, statement, parameters, context, many: seen.append((statement, parameters))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert key_contacts(manager) == []
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    statement, parameters = next((s, p) for s, p in seen if "contacts" in s)
    plan = " ".join(str(row) for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "ix_clients_owner_name" in plan and "SCAN clients" not in plan, plan
