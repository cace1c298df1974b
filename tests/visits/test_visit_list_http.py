"""The visit list at any size: a rep sees the touches of their own clients only; a long list is counted up to a
cap ("more than 1,000"), so its count does not grow with the archive, and pages on by "next"."""
from datetime import datetime, timedelta

from app.core import paging
from app.core.paging import paginate
from app.visits.models import Interaction
from tests.conftest import counted_queries
from tests.factories import ClientFactory, InteractionFactory, make_user


def touches(rep, count, start=datetime(2026, 11, 1, 9)):
    record = ClientFactory(owner_id=rep.id)
    return [InteractionFactory(client_id=record.id, user_id=rep.id, done_at=start - timedelta(hours=n))
            for n in range(count)]


def test_a_long_list_says_more_than_and_pages_on(client, login_as, db, app, monkeypatch):
    rep = login_as("sales")
    mine = touches(rep, 7)
    theirs = touches(make_user("sales"), 3)
    db.session.commit()
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)

    first = client.get("/visits/?status=done&mine=0").get_data(as_text=True)
    assert "共 4+ 次" in first and "第 1 页" in first and "page=2" in first
    last = client.get("/visits/?status=done&mine=0&page=3").get_data(as_text=True)
    assert f"/visits/{mine[6].id}" in last and "page=4" not in last  # the oldest, and no page after it
    everything = "".join(client.get(f"/visits/?status=done&mine=0&page={n}").get_data(as_text=True)
                         for n in (1, 2, 3))
    assert all(f"/visits/{visit.id}\"" in everything for visit in mine)
    assert not any(f"/visits/{visit.id}\"" in everything for visit in theirs)  # another rep's clients

    monkeypatch.setattr(paging, "COUNT_CAP", 1000)
    short = client.get("/visits/?status=done&mine=0").get_data(as_text=True)
    assert "共 7 次" in short and "第 1 页，共 3 页" in short


def test_the_count_reads_at_most_the_cap_and_the_page_one_row_more(db):
    from sqlalchemy import select

    rep = make_user("sales")
    touches(rep, 9)
    db.session.commit()
    stmt = select(Interaction).order_by(Interaction.done_at.desc(), Interaction.id.desc())
    with counted_queries(db.engine) as statements:
        page = paginate(stmt, 2, 3, cap=5)
    assert (page.total, page.more, page.has_next, page.pages, len(page.items)) == (5, True, True, None, 3)
    assert len(statements) == 2 and "LIMIT" in statements[0]
    last = paginate(stmt, 3, 3, cap=100)
    assert (last.total, last.more, last.has_next, last.pages) == (9, False, False, 3)
