"""The client search reads one kept column per client: names, phone, pinyin and the contacts' names and numbers.
It follows every change to a client or a contact, matches a phone however typed, and never matches across two
parts or treats % as a wildcard."""
import pytest
from sqlalchemy import select

from app.archive.models import Client
from app.archive.queries import ClientFilters, client_list
from tests.factories import ClientFactory, ContactFactory, make_user


def found(db, query: str) -> list[str]:
    manager = make_user("manager")
    return [c.name for c in db.session.execute(client_list(manager, ClientFilters(q=query))).scalars()]


@pytest.fixture
def hospital(db):
    record = ClientFactory(name="绵阳市人民医院", short_name="绵阳人医", phone="0816-2222333")
    ContactFactory(client_id=record.id, name="王建华", mobile="13912345678")
    ClientFactory(name="宜宾市第二人民医院", short_name="宜宾二院")
    db.session.commit()
    return record


@pytest.mark.parametrize("query", ["绵阳", "人医", "0816-2222333", "王建华", "139 1234 5678", "139-1234-5678",
                                   "mianyang", "MYSRMYY", "  绵阳  "])
def test_a_client_is_found_by_any_of_its_parts(db, hospital, query):
    assert found(db, query) == ["绵阳市人民医院"]


@pytest.mark.parametrize("query", ["%", "_", "院绵", "医院绵阳", "yiyuanmy"])
def test_no_wildcard_and_no_match_across_two_parts(db, hospital, query):
    assert "绵阳市人民医院" not in found(db, query)  # name + short name, or pinyin + initials, run together


def test_the_search_follows_every_change_to_the_client_and_its_contacts(db, hospital):
    admin = make_user("admin")
    contact = hospital.contacts[0]
    contact.name = "李秀英"
    db.session.commit()
    assert found(db, "王建华") == [] and found(db, "李秀英") == ["绵阳市人民医院"]

    contact.soft_delete(admin)
    db.session.commit()
    assert found(db, "李秀英") == []
    contact.restore()
    db.session.commit()
    assert found(db, "李秀英") == ["绵阳市人民医院"]

    ContactFactory(client_id=hospital.id, name="赵德明")
    hospital.name = "绵阳市中心医院"
    db.session.commit()
    assert found(db, "赵德明") == ["绵阳市中心医院"] and found(db, "mysrmyy") == []
    assert found(db, "myszxyy") == ["绵阳市中心医院"]


def test_the_demo_fills_the_search_text(app, db):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    row = db.session.execute(select(Client).where(Client.contacts.any())).unique().scalars().first()
    assert row.name.lower() in row.search_text and row.contacts[0].name in row.search_text
