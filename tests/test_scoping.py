"""The visibility helper and the role decorators: one place decides who sees what. Every route that takes a
record id is checked for every role by tests/test_route_matrix.py."""
import pytest
from sqlalchemy import select

from app.archive.models import Client, Contact
from app.core.models import Role
from app.core.scoping import visible
from tests.factories import ClientFactory, ContactFactory, make_user


@pytest.fixture
def two_reps(db):
    rep_a, rep_b = make_user("sales"), make_user("sales")
    mine = ClientFactory(name="重庆市第一人民医院", owner_id=rep_a.id)
    theirs = ClientFactory(name="成都市中医院", owner_id=rep_b.id)
    ContactFactory(client_id=mine.id, name="王建华")
    ContactFactory(client_id=theirs.id, name="刘丽娟")
    db.session.commit()
    return rep_a, rep_b, mine, theirs


def names(db, model, user, **kwargs):
    return sorted(db.session.execute(visible(select(model.name), model, user, **kwargs)).scalars())


def test_sales_see_only_their_own_clients_and_what_hangs_on_them(db, two_reps):
    rep_a, rep_b, _, _ = two_reps
    assert names(db, Client, rep_a) == ["重庆市第一人民医院"]
    assert names(db, Contact, rep_a) == ["王建华"]
    assert names(db, Client, rep_b) == ["成都市中医院"]
    assert names(db, Contact, rep_b) == ["刘丽娟"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.SERVICE])
def test_other_roles_see_every_client(db, two_reps, role):
    user = make_user(role)
    assert names(db, Client, user) == ["成都市中医院", "重庆市第一人民医院"]
    assert names(db, Contact, user) == ["刘丽娟", "王建华"]


def test_deleted_records_are_hidden_and_so_is_what_hangs_on_them(db, two_reps):
    rep_a, _, mine, _ = two_reps
    mine.soft_delete(rep_a)
    db.session.commit()
    assert names(db, Client, rep_a) == []
    assert names(db, Contact, rep_a) == []
    assert names(db, Client, rep_a, deleted=True) == ["重庆市第一人民医院"]


def test_transfer_moves_visibility_with_the_client(db, two_reps):
    rep_a, rep_b, mine, _ = two_reps
    mine.owner_id = rep_b.id
    db.session.commit()
    assert names(db, Client, rep_a) == []
    assert names(db, Contact, rep_b) == ["刘丽娟", "王建华"]


def test_a_record_must_belong_to_the_client_in_the_url(client, login_as, db):
    rep = login_as("sales")
    mine, also_mine = ClientFactory(owner_id=rep.id), ClientFactory(owner_id=rep.id)
    contact = ContactFactory(client_id=also_mine.id)
    db.session.commit()
    assert client.get(f"/clients/{mine.id}/contacts/{contact.id}").status_code == 404
    assert client.post(f"/clients/{mine.id}/contacts/{contact.id}/delete").status_code == 404
    db.session.expire_all()
    assert not db.session.get(Contact, contact.id).is_deleted


def test_sales_cannot_transfer_clients(client, login_as, db):
    rep = login_as("sales")
    mine = ClientFactory(owner_id=rep.id)
    other = make_user("sales")
    db.session.commit()
    assert client.post("/clients/transfer", data={"client_ids": mine.id, "owner_id": other.id}).status_code == 403


def test_signed_out_users_are_sent_to_login(client):
    response = client.get("/clients/")
    assert response.status_code == 302 and response.location.startswith("/auth/login?next=/clients/")


def test_signed_out_htmx_requests_get_a_redirect_header(client):
    response = client.get("/clients/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/login")


@pytest.mark.parametrize("role, url, expected", [
    (Role.SERVICE, "/clients/new", 403),
    (Role.SALES, "/clients/new", 200),
    (Role.SALES, "/admin/users", 403),
    (Role.MANAGER, "/admin/users", 403),
    (Role.ADMIN, "/admin/users", 200),
    (Role.SALES, "/admin/recycle-bin", 403),
    (Role.SERVICE, "/admin/recycle-bin", 403),
    (Role.MANAGER, "/admin/recycle-bin", 200),
])
def test_role_decorators(client, login_as, role, url, expected):
    login_as(role)
    response = client.get(url)
    assert response.status_code == expected
    if expected == 403:
        assert "无权操作" in response.get_data(as_text=True)


def test_role_decorator_answers_403_to_htmx_too(client, login_as):
    login_as("service")
    assert client.post("/clients/new", headers={"HX-Request": "true"}, data={"name": "x"}).status_code == 403


@pytest.mark.parametrize("small_book", [2000, 0], ids=["ids-of-the-book", "row-by-row"])
def test_a_reps_records_are_the_same_whichever_way_their_book_is_read(db, two_reps, monkeypatch, small_book):
    """A small book is read through the list of the rep's client ids, a big one row by row: the same records,
    the rep's clients in the recycle bin left out either way."""
    from app.archive import models
    rep_a, rep_b, mine, _ = two_reps
    binned = ClientFactory(name="回收站里的医院", owner_id=rep_a.id)
    ContactFactory(client_id=binned.id, name="赵敏")
    binned.soft_delete(rep_a)
    db.session.commit()
    monkeypatch.setattr(models, "SMALL_BOOK", small_book)
    for rep in (rep_a, rep_b):
        rep.__dict__.pop("_book_size", None)
    assert names(db, Contact, rep_a) == ["王建华"] and names(db, Contact, rep_b) == ["刘丽娟"]
    assert models.book_size(rep_a) == 1
