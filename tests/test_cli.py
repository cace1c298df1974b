"""create-user, seed-demo and backup, through the real Flask CLI runner."""
import sqlite3
import subprocess
import tarfile
from datetime import date

import pytest
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


def test_backup_writes_the_database_and_the_files_in_one_archive(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    app.test_cli_runner().invoke(args=["seed-demo", "--clients", "3"])
    (tmp_path / "instance" / "attachments").mkdir(parents=True)
    (tmp_path / "instance" / "attachments" / "a1.png").write_bytes(b"\x89PNG-one")
    target = tmp_path / "keyuan-backup.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with tarfile.open(target) as archive:
        names = archive.getnames()
        assert "manifest.json" in names and "attachments/a1.png" in names
        if _db.engine.dialect.name == "sqlite":
            archive.extract("database.sqlite3", tmp_path, filter="data")
            with sqlite3.connect(tmp_path / "database.sqlite3") as copy:
                assert copy.execute("select count(*) from clients").fetchone() == (3,)
        else:
            archive.extract("database.pgdump", tmp_path, filter="data")
            listing = subprocess.run(["pg_restore", "--list", str(tmp_path / "database.pgdump")],
                                     capture_output=True, text=True, check=True)
            assert "TABLE DATA public clients" in listing.stdout


def test_demo_archive_is_realistic_and_covers_every_grade(app, db):
    from app.archive.enums import LIFE_EVENTS, StrategyLayer, ValueGrade
    from app.archive.models import Asset, SpecialDate
    from app.core.clock import local_today

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    grades = set(db.session.execute(select(Client.value_grade).distinct()).scalars()) - {None}
    layers = set(db.session.execute(select(Client.strategy_layer).distinct()).scalars()) - {None}
    assert grades == set(ValueGrade) and layers == set(StrategyLayer)
    assert db.session.scalar(select(func.count(SpecialDate.id)).where(SpecialDate.is_lunar.is_(True))) > 0
    life = db.session.execute(select(SpecialDate).where(SpecialDate.kind.in_(LIFE_EVENTS))).scalars().all()
    assert len(life) >= 3 and all(  # a few, around today, so care days show them
        d.next_on == date(d.year, d.month, d.day) and abs((d.next_on - local_today()).days) <= 20 for d in life)
    assert db.session.scalar(select(func.count(Asset.id)).where(Asset.product_id.is_not(None))) > 0
    regions = set(db.session.execute(select(Client.region).distinct()).scalars())
    assert regions == {"重庆", "四川"}


def test_demo_data_keeps_its_proportions(app, db):
    """The seeders write plain rows in bulk, past the ORM: every table filled in proportion, the columns the ORM
    would have set are set, and the app can go on adding rows afterwards (PostgreSQL's sequences moved on)."""
    from app.archive.enums import ValueGrade
    from app.archive.models import Assessment, SpecialDate
    from app.archive.rules import assessment_score, normalise_name
    from app.core.clock import local_today
    from app.visits.enums import InteractionStatus, Method
    from app.visits.models import Interaction, interaction_contacts

    result = app.test_cli_runner().invoke(args=["seed-demo", "--clients", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output
    scalar = db.session.scalar
    assert scalar(select(func.count(Client.id))) == 60
    assert scalar(select(func.count(func.distinct(Client.name)))) == 60
    assert scalar(select(func.count(Contact.id))) >= 60
    birthdays = select(func.count(SpecialDate.id)).where(SpecialDate.kind == "birthday")
    assert 0.2 < scalar(birthdays.where(SpecialDate.is_lunar.is_(True))) / scalar(birthdays) < 0.6

    grades = dict(db.session.execute(select(Client.value_grade, func.count()).group_by(Client.value_grade)).all())
    assert set(ValueGrade) <= set(grades) and grades.get(None, 0) < 20
    assessments = db.session.execute(select(Assessment, Client).join(Client, Client.id == Assessment.client_id))
    assessed = insufficient = 0
    for assessment, client in assessments:
        assessed += 1
        insufficient += assessment.score is None  # 信息不足: assessed, yet without a grade
        assert assessment.score == assessment_score(assessment.scores, assessment.weights) == client.assessment_score
        assert assessment.grade == assessment.computed_grade == client.value_grade
        assert assessment.thresholds == {"A": 80, "B": 60, "C": 40}
    assert assessed == 60 - grades.get(None, 0) + insufficient

    done = select(Interaction.client_id, func.max(Interaction.done_at)).where(
        Interaction.status == InteractionStatus.DONE).group_by(Interaction.client_id)
    last_touch = dict(db.session.execute(done).all())
    today = local_today()
    assert len(last_touch) >= 55
    assert any((today - last.date()).days >= 40 for last in last_touch.values())  # stale: the overdue list
    planned = select(func.count(Interaction.id)).where(Interaction.status == InteractionStatus.PLANNED,
                                                        Interaction.planned_at >= today)
    assert scalar(planned) > 5
    assert scalar(select(func.count()).select_from(interaction_contacts)) > scalar(select(func.count(Contact.id)))
    assert scalar(select(func.count(Interaction.id)).where(Interaction.gift != "")) > 0

    client = db.session.execute(select(Client).order_by(Client.id).limit(1)).scalar_one()
    assert client.version == 1 and client.name_key == normalise_name(client.name) and client.created_by_id
    visit = db.session.execute(select(Interaction).where(Interaction.status == InteractionStatus.DONE)
                               .order_by(Interaction.id).limit(1)).scalar_one()
    assert visit.version == 1 and visit.purpose and visit.extra_services is not None and visit.feedback == ""
    visit.summary += " 已补充。"  # the ORM takes over the bulk rows: optimistic locking counts on from 1
    newcomer = Contact(client_id=client.id, name="新来的联系人")
    db.session.add_all([newcomer, Interaction(client_id=client.id, user_id=visit.user_id, method=Method.PHONE)])
    db.session.flush()
    assert visit.version == 2 and newcomer.id > scalar(select(func.max(Contact.id)).where(Contact.id != newcomer.id))


def test_demo_client_names_stay_unique_at_scale():
    """Tens of thousands of clients: city hospitals first, then district ones, clinics, and a number at last."""
    import random

    from app.archive.demo import _client_name

    rng, taken = random.Random(5), set()
    names = [_client_name(rng, taken)[0] for _ in range(20000)]
    assert len(set(names)) == 20000
    assert sum("（" in name for name in names) < 200
    assert any(name.endswith("镇卫生院") for name in names) and any(name.endswith("诊所") for name in names)


def test_demo_bulk_rows_refuse_a_misspelt_or_forgotten_column(app, db):
    from app.core.demo import Bulk

    with pytest.raises(ValueError, match="nmae"):
        Bulk(Client).add(Client, nmae="重庆市第一人民医院")
    bulk = Bulk(Client)
    bulk.add(Client, name="重庆市第一人民医院")  # no created_at/updated_at: the ORM default is not applied
    with pytest.raises(ValueError, match="created_at"):
        bulk.flush()


def test_the_demo_team_grows_with_the_archive(app, db):
    """One rep per 250 clients (at least sales1 and sales2), the clients shared out evenly among them."""
    from sqlalchemy import func, select

    from app.archive.models import Client
    from app.core.models import Role, User
    assert app.test_cli_runner().invoke(args=["seed-demo", "--clients", "520"]).exit_code == 0
    reps = db.session.execute(select(User.username, func.count(Client.id)).join(Client, Client.owner_id == User.id)
                              .where(User.role == Role.SALES).group_by(User.username).order_by(User.username)).all()
    assert [name for name, _count in reps] == ["sales1", "sales2", "sales3"]
    assert all(abs(count - 520 / 3) < 2 for _name, count in reps)
