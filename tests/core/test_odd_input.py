"""Odd input gets a clear answer (an error by the field, a 400 or a 404 in the user's language), never a 500,
and nothing is half-saved. Each case was a 500 or a wrong write once."""
import pytest
from sqlalchemy import func, select

from app.archive.models import Client
from tests.factories import ClientFactory, make_user

CLIENT = {"name": "绵阳市中心医院", "status": "customer"}


@pytest.mark.parametrize("field, value", [
    ("employees", "99999999999"), ("beds", "-99999999999"), ("employees", "٣"), ("beds", "²"),
    ("annual_revenue", "sNaN"), ("annual_revenue", "Infinity"), ("annual_revenue", "1e308"),
    ("annual_revenue", "NaN"),
])
def test_numbers_a_database_cannot_hold_are_refused_by_the_field(client, login_as, db, field, value):
    login_as("sales")
    response = client.post("/clients/new", data=CLIENT | {field: value})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Client.id))) == 0


@pytest.mark.parametrize("url", [
    "/clients/?page=99999999999999999999", "/clients/?owner=99999999999999", "/clients/?owner=٣",
    "/visits/?client=99999999999999&status=all", "/visits/?page=-3", "/visits/overdue?page=99999999999",
    "/visits/care?days=٣", "/visits/plan?client_id=99999999999999",
])
def test_odd_numbers_in_the_address_are_ignored(client, login_as, url):
    login_as("manager")
    assert client.get(url).status_code == 200


def test_a_non_ascii_digit_never_names_a_client(client, login_as, db):
    login_as("manager")
    rep, other = make_user("sales"), make_user("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    digit = "٠١٢٣٤٥٦٧٨٩"[record.id] if record.id < 10 else "²"
    client.post("/clients/transfer", data={"client_ids": digit, "owner_id": other.id})
    db.session.expire_all()
    assert db.session.get(Client, record.id).owner_id == rep.id


@pytest.mark.parametrize("method, url, data", [
    ("get", "/clients/?q=a%00b", None), ("post", "/clients/new", CLIENT | {"notes": "a\x00b"}),
])
def test_a_nul_byte_is_a_400_in_chinese(client, login_as, db, method, url, data):
    login_as("sales")
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 400 and "请求无法完成" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Client.id))) == 0


def test_a_login_name_longer_than_any_user_is_just_wrong(client, db):
    response = client.post("/auth/login", data={"username": "x" * 500, "password": "whatever-1"})
    assert response.status_code in (401, 422)


def test_a_wrong_method_answers_in_chinese(client, login_as):
    login_as("sales")
    response = client.get("/visits/quick-log")
    assert response.status_code == 405 and "这个地址不能这样打开" in response.get_data(as_text=True)
