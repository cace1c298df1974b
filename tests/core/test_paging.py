"""Pages read from either end: the last pages of the client list are read backwards, and every sort gives the
same rows, page by page, as one ordered read (ties, NULL grades and descending sorts included)."""
import pytest
from sqlalchemy import select

from app.archive.models import Client
from app.archive.queries import SORTS, ClientFilters, client_list, client_order
from app.core.paging import paginate_either_end
from app.core.scoping import visible
from tests.conftest import counted_queries
from tests.factories import ClientFactory, make_user


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_every_page_read_from_either_end_is_the_ordered_list_cut_in_pages(db, sort):
    manager = make_user("manager")
    grades = [None, "A", "B", None, "C", "A", None, "B", "D", None, "A"]
    for n, grade in enumerate(grades):
        ClientFactory(name=f"{'重庆自贡绵阳'[n % 3]}市第{n % 4}医院", value_grade=grade, city=["", "自贡"][n % 2],
                      status="customer")
    db.session.commit()
    filters = ClientFilters(sort=sort)
    everything = [c.id for c in db.session.execute(client_list(manager, filters)).scalars()]
    pages = [paginate_either_end(client_list(manager, filters), client_order(filters), number, 3)
             for number in range(1, 6)]
    assert [c.id for page in pages for c in page.items] == everything
    assert [page.has_next for page in pages] == [True, True, True, False, False]
    assert {page.total for page in pages} == {11} and pages[3].pages == 4 and not pages[4].items


def test_the_last_page_is_read_backwards_without_skipping_rows(db):
    for n in range(10):
        ClientFactory(name=f"医院{n}")
    db.session.commit()
    manager = make_user("manager")
    stmt = visible(select(Client), Client, manager)
    with counted_queries(db.engine) as statements:
        page = paginate_either_end(stmt, [Client.name, Client.id], 4, 3)
    assert [c.name for c in page.items] == ["医院9"]
    assert "DESC" in statements[-1] and "OFFSET" in statements[-1]  # OFFSET 0 from the far end
    with counted_queries(db.engine) as statements:
        paginate_either_end(stmt, [Client.name, Client.id], 1, 3)
    assert "DESC" not in statements[-1]
