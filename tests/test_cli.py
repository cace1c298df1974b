"""create-user, seed-demo and backup, through the real Flask CLI runner."""
import sqlite3
import subprocess

from sqlalchemy import func, select

from app.archive.models import Client, Contact
from app.core.models import Role, User
from app.extensions import db as _db


def test_create_user_with_password_from_environment(app, db, monkeypatch):
    monkeypatch.setenv("NEW_PW", "s3cret-enough")
    result = app.test_cli_runner().invoke(args=["create-user", "Zhao", "--role", "service", "--password-env", "NEW_PW"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.username == "zhao")).scalar_one()
    assert user.role == Role.SERVICE and user.check_password("s3cret-enough")


def test_create_user_prompts_for_the_password(app, db):
    result = app.test_cli_runner().invoke(args=["create-user", "qian", "--role", "sales"],
                                          input="prompted-pw-1\nprompted-pw-1\n")
    assert result.exit_code == 0, result.output
    assert db.session.execute(select(User).where(User.username == "qian")).scalar_one().check_password("prompted-pw-1")


def test_create_user_refuses_duplicates_and_short_passwords(app, db, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setenv("PW", "short")
    assert runner.invoke(args=["create-user", "sun", "--role", "sales", "--password-env", "PW"]).exit_code != 0
    monkeypatch.setenv("PW", "long-enough-pw")
    assert runner.invoke(args=["create-user", "sun", "--role", "sales", "--password-env", "PW"]).exit_code == 0
    result = runner.invoke(args=["create-user", "sun", "--role", "sales", "--password-env", "PW"])
    assert result.exit_code != 0 and "exists" in result.output


def demo_snapshot(db):
    users = db.session.execute(select(User.username, User.role).order_by(User.username)).all()
    clients = db.session.execute(select(Client.name, User.username).join(User, Client.owner_id == User.id)
                                 .order_by(Client.name)).all()
    contacts = db.session.execute(select(Contact.name, Contact.phone).order_by(Contact.name, Contact.phone)).all()
    return users, clients, contacts


def empty_tables(db):
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def test_seed_demo_is_deterministic_and_refuses_a_full_database(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--clients", "12", "--seed", "7"]).exit_code == 0
    first = demo_snapshot(db)
    empty_tables(db)
    assert runner.invoke(args=["seed-demo", "--clients", "12", "--seed", "7"]).exit_code == 0
    assert demo_snapshot(db) == first
    users, clients, contacts = first
    assert [u for u, _ in users] == ["admin", "manager", "sales1", "sales2", "service1"]
    assert len(clients) == 12 and {owner for _, owner in clients} == {"sales1", "sales2"}
    assert contacts
    assert db.session.execute(select(User).where(User.username == "sales1")).scalar_one().check_password("demo12345")

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert db.session.scalar(select(func.count(Client.id))) == 12


def test_seed_demo_with_another_seed_differs(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--clients", "12", "--seed", "1"])
    first = demo_snapshot(db)
    empty_tables(db)
    runner.invoke(args=["seed-demo", "--clients", "12", "--seed", "2"])
    assert demo_snapshot(db) != first


def test_backup_writes_a_restorable_copy(app, db, tmp_path):
    app.test_cli_runner().invoke(args=["seed-demo", "--clients", "3"])
    target = tmp_path / "keyuan-backup"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    if _db.engine.dialect.name == "sqlite":
        with sqlite3.connect(target) as copy:
            assert copy.execute("select count(*) from clients").fetchone() == (3,)
            assert copy.execute("select username from users order by username").fetchall()[0] == ("admin",)
    else:
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
        assert "TABLE DATA public clients" in listing.stdout


def test_demo_archive_is_realistic_and_covers_every_grade(app, db):
    from app.archive.enums import StrategyLayer, ValueGrade
    from app.archive.models import Asset, SpecialDate

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    grades = set(db.session.execute(select(Client.value_grade).distinct()).scalars()) - {None}
    layers = set(db.session.execute(select(Client.strategy_layer).distinct()).scalars()) - {None}
    assert grades == set(ValueGrade) and layers == set(StrategyLayer)
    assert db.session.scalar(select(func.count(SpecialDate.id)).where(SpecialDate.is_lunar.is_(True))) > 0
    assert db.session.scalar(select(func.count(Asset.id)).where(Asset.product_id.is_not(None))) > 0
    regions = set(db.session.execute(select(Client.region).distinct()).scalars())
    assert regions == {"重庆", "四川"}
