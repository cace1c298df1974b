"""What keeps the regime pages flat as the archive grows: the stored next occurrence of special dates, the
client_cadence rows kept current on every flush, and query counts that do not depend on the number of clients."""
from datetime import date, datetime, timedelta

import pytest
from lunar_python import Lunar
from sqlalchemy import select, update

from app.archive.enums import Lifecycle, ValueGrade
from app.archive.models import SpecialDate
from app.archive.occurrences import roll_forward
from app.visits.enums import Channel, GradeDimension, InteractionStatus, Method
from app.visits.models import CadenceRule, ClientCadence, Interaction
from tests.factories import ClientFactory, ContactFactory, make_user

TODAY = date(2027, 2, 1)


@pytest.fixture
def frozen(app, monkeypatch):
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", TODAY)
    return TODAY


def cadence(db, client) -> ClientCadence:
    db.session.expire_all()
    return db.session.get(ClientCadence, client.id)


def test_saving_a_lunar_birthday_stores_its_next_solar_date(db, frozen):
    record = ClientFactory()
    special = SpecialDate(client_id=record.id, kind="birthday", month=12, day=26, is_lunar=True)
    db.session.add(special)
    db.session.commit()
    solar = Lunar.fromYmd(2026, 12, 26).getSolar()  # 腊月廿六 of lunar year 2026
    assert special.next_on == date(solar.getYear(), solar.getMonth(), solar.getDay()) == date(2027, 2, 2)


def test_a_passed_occurrence_rolls_forward_to_next_year_before_care_days_are_read(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    contact = ContactFactory(client_id=record.id, name="钱文博")
    special = SpecialDate(client_id=record.id, contact_id=contact.id, kind="birthday", month=2, day=3)
    db.session.add(special)
    db.session.commit()
    table = SpecialDate.__table__
    db.session.execute(update(table).values(next_on=date(2026, 2, 3)))  # as a year-old row would be
    db.session.commit()

    assert "钱文博" in client.get("/visits/care?days=7").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SpecialDate, special.id).next_on == date(2027, 2, 3)
    assert roll_forward(TODAY) == 0  # nothing left to move


def test_a_date_stored_too_far_ahead_is_recomputed(db, frozen):
    record = ClientFactory()
    db.session.add(SpecialDate(client_id=record.id, kind="org_event", label="建院纪念日", month=3, day=1))
    db.session.commit()
    db.session.execute(update(SpecialDate.__table__).values(next_on=date(2029, 3, 1)))  # the clock went back
    assert roll_forward(TODAY) == 1
    assert db.session.scalar(select(SpecialDate.next_on)) == date(2027, 3, 1)


def test_cadence_follows_touches_classification_and_rules(db, frozen):
    rule = CadenceRule(dimension=GradeDimension.VALUE_GRADE, value="A", channel=Channel.PHONE, interval_days=14)
    db.session.add(rule)
    record = ClientFactory(value_grade=ValueGrade.A, created_at=datetime(2027, 1, 1))
    db.session.commit()
    assert (cadence(db, record).phone_due_on, cadence(db, record).onsite_due_on) == (date(2027, 1, 15), None)

    call = Interaction(client_id=record.id, user_id=make_user("sales").id, method=Method.WECHAT,
                       status=InteractionStatus.DONE, done_at=datetime(2027, 1, 20, 10))
    db.session.add(call)
    db.session.commit()
    row = cadence(db, record)
    assert (row.last_phone_at, row.last_touch_at, row.phone_due_on) == (
        datetime(2027, 1, 20, 10), datetime(2027, 1, 20, 10), date(2027, 2, 3))

    call.soft_delete(None)  # a deleted touch no longer counts
    db.session.commit()
    assert cadence(db, record).last_phone_at is None and cadence(db, record).phone_due_on == date(2027, 1, 15)

    rule.interval_days = 7  # a rule change reaches every client
    db.session.commit()
    assert cadence(db, record).phone_due_on == date(2027, 1, 8)

    record.status = Lifecycle.LOST  # lost clients are exempt
    db.session.commit()
    assert cadence(db, record).phone_due_on is None


def count_queries(client, query_counter, url):
    with query_counter() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


PAGES = ["/", "/visits/overdue", "/visits/overdue?channel=phone", "/visits/overdue?group=grade",
         "/visits/care", "/visits/care?mine=0", "/visits/recency", "/clients/?band=forgotten", "FEED",
         "/visits/?status=done&mine=0", "/visits/?status=all&mine=0"]


def add_clients(db, rep, count):
    for n in range(count):
        record = ClientFactory(owner_id=rep.id, value_grade=ValueGrade.A, created_at=datetime(2026, 1, 1))
        contact = ContactFactory(client_id=record.id, is_key_person=True)
        db.session.add(SpecialDate(client_id=record.id, contact_id=contact.id, kind="birthday", month=2,
                                   day=2 + n % 5, is_lunar=n % 2 == 0))
        passed = TODAY - timedelta(days=1 + n % 5)  # a life event, learned after the fact
        db.session.add(SpecialDate(client_id=record.id, contact_id=contact.id, kind="bereavement",
                                   year=passed.year, month=passed.month, day=passed.day))
        done = datetime.combine(TODAY - timedelta(days=n % 40), datetime.min.time())
        db.session.add(Interaction(client_id=record.id, user_id=rep.id, method=Method.PHONE,
                                   status=InteractionStatus.DONE, done_at=done, gift="茶叶" if n % 3 else "",
                                   contacts=[contact]))
        db.session.add(Interaction(client_id=record.id, user_id=rep.id, method=Method.ONSITE,
                                   status=InteractionStatus.PLANNED, planned_at=done + timedelta(days=45)))
    db.session.commit()


@pytest.mark.parametrize("role", ["sales", "manager"])
def test_regime_pages_and_the_feed_take_the_same_queries_for_1_and_50_clients(client, login_as, db, frozen,
                                                                                query_counter, role):
    rep = login_as(role)
    db.session.add_all([
        CadenceRule(dimension=GradeDimension.VALUE_GRADE, value="A", channel=Channel.PHONE, interval_days=14),
        CadenceRule(dimension=GradeDimension.VALUE_GRADE, value="A", channel=Channel.ONSITE, interval_days=30)])
    add_clients(db, rep, 1)
    client.get("/visits/calendar")  # makes the feed token
    db.session.expire_all()
    feed = f"/calendar/{db.session.get(type(rep), rep.id).calendar_token}.ics"
    urls = [feed if url == "FEED" else url for url in PAGES]
    few = {url: count_queries(client, query_counter, url) for url in urls}
    add_clients(db, rep, 49)
    many = {url: count_queries(client, query_counter, url) for url in urls}
    assert many == few


def test_the_earliest_due_date_is_kept_for_the_overdue_order(db, frozen):
    rep = make_user("sales")
    record = ClientFactory(owner_id=rep.id, value_grade=ValueGrade.A, created_at=datetime(2026, 1, 1))
    db.session.add_all([CadenceRule(dimension=GradeDimension.VALUE_GRADE, value="A", channel=Channel.PHONE,
                                    interval_days=14),
                        CadenceRule(dimension=GradeDimension.VALUE_GRADE, value="A", channel=Channel.ONSITE,
                                    interval_days=30)])
    db.session.commit()
    row = cadence(db, record)
    assert row.due_on == min(row.phone_due_on, row.onsite_due_on) == row.phone_due_on
    db.session.add(Interaction(client_id=record.id, user_id=rep.id, method=Method.PHONE,
                               status=InteractionStatus.DONE, done_at=datetime.combine(TODAY, datetime.min.time())))
    db.session.commit()
    row = cadence(db, record)
    assert row.due_on == min(row.phone_due_on, row.onsite_due_on) == row.onsite_due_on  # the call moved phone on
