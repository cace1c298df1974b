"""The archive's first pages: list (scoped, paginated, fixed query count), create, edit, contacts."""
import pytest
from sqlalchemy import select

from app.archive.models import Client
from tests.factories import ClientFactory, ContactFactory, make_user


def test_sales_list_shows_only_their_clients_with_a_count(client, login_as, db):
    rep = login_as("sales")
    other = make_user("sales")
    ClientFactory(name="达州市中心医院", owner_id=rep.id)
    ClientFactory(name="乐山市人民医院", owner_id=other.id)
    db.session.commit()
    html = client.get("/clients/").get_data(as_text=True)
    assert "达州市中心医院" in html and "乐山市人民医院" not in html
    assert "共 1 个客户" in html


@pytest.mark.parametrize("rows", [3, 40])
def test_client_list_issues_a_fixed_number_of_queries(client, login_as, db, query_counter, rows):
    login_as("manager")
    reps = [make_user("sales") for _ in range(3)]
    for n in range(rows):
        client_record = ClientFactory(owner_id=reps[n % 3].id)
        ContactFactory(client_id=client_record.id)
    db.session.commit()
    with query_counter() as statements:
        response = client.get("/clients/")
    assert response.status_code == 200
    # user load + count + page rows (owners joined): the same for 3 rows or a full page of 25
    assert len(statements) == 3, statements


def test_new_client_with_a_missing_name_keeps_what_was_typed(client, login_as, db):
    login_as("sales")
    response = client.post("/clients/new", data={"name": "  ", "short_name": "南充妇幼", "notes": "老客户"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "必填" in html and 'value="南充妇幼"' in html and "老客户</textarea>" in html
    assert db.session.scalar(select(Client.id)) is None


def test_a_sales_rep_owns_what_they_create_whatever_they_send(client, login_as, db):
    rep = login_as("sales")
    other = make_user("sales")
    db.session.commit()
    client.post("/clients/new", data={"name": "自贡市第一人民医院", "owner_id": other.id})
    assert db.session.execute(select(Client)).scalar_one().owner_id == rep.id


def test_contact_added_through_htmx_returns_the_contacts_block(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/clients/{record.id}/contacts", data={"name": "黎红霞", "title": "护理部主任"},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "黎红霞 · 护理部主任" in html

    bad = client.post(f"/clients/{record.id}/contacts", data={"name": "", "phone": "13900001111"},
                      headers={"HX-Request": "true"})
    assert bad.status_code == 422
    assert "必填" in bad.get_data(as_text=True) and 'value="13900001111"' in bad.get_data(as_text=True)


def test_service_reads_any_client_but_cannot_change_it(client, login_as, db):
    login_as("service")
    record = ClientFactory(owner_id=make_user("sales").id)
    db.session.commit()
    assert client.get(f"/clients/{record.id}").status_code == 200
    assert client.get(f"/clients/{record.id}/edit").status_code == 403
    assert client.post(f"/clients/{record.id}/delete").status_code == 403
