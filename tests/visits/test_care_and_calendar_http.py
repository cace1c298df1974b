"""Care days and the calendar feed through HTTP: lunar birthdays and festivals on Today and in the feed, the
last gift and the one-click greeting, and a feed that shows only what its owner may see."""
import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from app.visits.enums import InteractionStatus, Method
from app.visits.models import Interaction
from tests.factories import ClientFactory, ContactFactory, InteractionFactory, SpecialDateFactory, make_user
from tests.visits.conftest import at


def test_lunar_birthdays_and_festivals_on_today_and_in_the_feed(client, login_as, db, frozen):
    rep = login_as("sales")
    hospital = ClientFactory(name="宜宾市第二人民医院", owner_id=rep.id)
    zhao = ContactFactory(client_id=hospital.id, name="赵德明", is_key_person=True)
    qian = ContactFactory(client_id=hospital.id, name="钱文博")
    # 腊月廿六 falls on 2027-02-02 (verified with lunar-python); 冬月… (lunar 11/20) has passed → next year
    SpecialDateFactory(client_id=hospital.id, contact_id=zhao.id, month=12, day=26, is_lunar=True)
    SpecialDateFactory(client_id=hospital.id, contact_id=qian.id, month=1, day=15)
    sun = ContactFactory(client_id=hospital.id, name="孙丽")
    SpecialDateFactory(client_id=hospital.id, contact_id=sun.id, month=3, day=20)
    db.session.commit()

    today = client.get("/").get_data(as_text=True)
    care = today[today.index('id="today-care"'):]
    assert "2027-02-02" in care and "赵德明" in care  # the lunar birthday, tomorrow
    assert "2027-02-05</strong> · 除夕" in care and "2027-02-06</strong> · 春节" in care  # festivals this week
    assert "钱文博" not in care  # solar 1/15 has passed this year

    feed_url = client.get("/visits/calendar").get_data(as_text=True).split('readonly value="')[1].split('"')[0]
    response = client.get(feed_url.replace("http://localhost", ""))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = {(str(e["SUMMARY"]), e["DTSTART"].dt) for e in Calendar.from_ical(response.data).walk("VEVENT")}
    assert ("生日 · 赵德明（宜宾市第二人民医院）", date(2027, 2, 2)) in events  # whose, at which client
    assert ("生日 · 孙丽（宜宾市第二人民医院）", date(2027, 3, 20)) in events  # within the feed's 60 days of care days
    assert not any("钱文博" in summary for summary, _on in events)  # next on 2028-01-15: joins the feed later
    assert ("春节", date(2027, 2, 6)) in events


def test_the_feed_shows_only_what_its_owner_may_see(client, login_as, db, frozen, app):
    me = login_as("sales")
    other = make_user("sales")
    mine = ClientFactory(name="我的医院", owner_id=me.id)
    theirs = ClientFactory(name="别人的医院", owner_id=other.id)
    ContactFactory(client_id=theirs.id, name="孙静")
    SpecialDateFactory(client_id=theirs.id, kind="org_event", label="建院纪念日", month=3, day=1)
    InteractionFactory(client_id=mine.id, user_id=me.id, planned=True, planned_at=at(-2))
    InteractionFactory(client_id=theirs.id, user_id=other.id, planned=True, planned_at=at(-3))
    db.session.commit()
    client.get("/visits/calendar")
    db.session.expire_all()
    token = db.session.get(type(me), me.id).calendar_token
    body = client.get(f"/calendar/{token}.ics").get_data(as_text=True)
    assert "我的医院" in body and "别人的医院" not in body and "建院纪念日" not in body

    old = token
    client.post("/visits/calendar")
    assert app.test_client().get(f"/calendar/{old}.ics").status_code == 404  # regenerated: old link dead
    assert app.test_client().get("/calendar/not-a-real-token-at-all-xx.ics").status_code == 404


def test_care_page_shows_the_last_gift_and_logs_a_greeting(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    contact = ContactFactory(client_id=record.id, name="黎红霞", is_key_person=True)
    SpecialDateFactory(client_id=record.id, contact_id=contact.id, month=2, day=4)
    InteractionFactory(client_id=record.id, user_id=rep.id, method=Method.ONSITE, done_at=at(100), gift="中秋月饼",
                       contacts=[contact])
    db.session.commit()
    html = client.get("/visits/care?days=7").get_data(as_text=True)
    assert "黎红霞" in html and "上次礼品：中秋月饼" in html
    assert client.post(f"/visits/care/greet/{contact.id}", data={"occasion": "生日"}).status_code == 302
    greeting = db.session.execute(select(Interaction).where(Interaction.summary == "问候：生日")).scalar_one()
    assert greeting.contacts == [contact] and greeting.status == InteractionStatus.DONE


def test_the_feed_is_valid_icalendar_with_stamps_time_zone_address_and_reminders(client, login_as, db, frozen):
    from ical.calendar_stream import IcsCalendarStream

    rep = login_as("sales")
    hospital = ClientFactory(name="宜宾市第二人民医院", owner_id=rep.id, address="宜宾市翠屏区北大街 96 号")
    zhao = ContactFactory(client_id=hospital.id, name="赵德明")
    SpecialDateFactory(client_id=hospital.id, contact_id=zhao.id, month=2, day=10, remind_days=3)
    InteractionFactory(client_id=hospital.id, user_id=rep.id, planned=True, planned_at=at(-2), agenda="巡检机房")
    db.session.commit()
    feed_url = client.get("/visits/calendar").get_data(as_text=True).split('readonly value="')[1].split('"')[0]
    response = client.get(feed_url.replace("http://localhost", ""))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"  # said once

    strict = IcsCalendarStream.calendar_from_ics(response.get_data(as_text=True))  # raises on what RFC 5545 forbids
    assert [tz.tz_id for tz in strict.timezones] == ["Asia/Shanghai"]
    parsed = Calendar.from_ical(response.data)
    events = parsed.walk("VEVENT")
    assert events and all("DTSTAMP" in event for event in events)
    visit = next(e for e in events if str(e["UID"]).startswith("visit-"))
    assert str(visit["LOCATION"]) == "宜宾市翠屏区北大街 96 号" and visit["DTSTART"].params["TZID"] == "Asia/Shanghai"
    birthday = next(e for e in events if "赵德明" in str(e["SUMMARY"]))
    [alarm] = birthday.walk("VALARM")
    assert alarm["TRIGGER"].dt == -timedelta(days=3) and str(alarm["ACTION"]) == "DISPLAY"


def test_a_greeting_is_logged_once_by_the_channel_picked_with_words_to_copy(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    contact = ContactFactory(client_id=record.id, name="黎红霞", is_key_person=True)
    SpecialDateFactory(client_id=record.id, contact_id=contact.id, month=2, day=4)
    db.session.commit()
    care = client.get("/visits/care?days=7").get_data(as_text=True)
    assert "黎红霞您好，祝您生日快乐" in care and 'name="method"' in care and "已问候" not in care

    form = {"occasion": "生日", "on": "2027-02-04", "method": "phone", "next": "/visits/care?days=7"}
    assert client.post(f"/visits/care/greet/{contact.id}", data=form).status_code == 302
    again = client.post(f"/visits/care/greet/{contact.id}", data=form | {"method": "wechat"}, follow_redirects=True)
    assert "已经问候过黎红霞" in again.get_data(as_text=True)  # a second tap logs nothing
    [greeting] = db.session.execute(select(Interaction).where(Interaction.summary == "问候：生日")).scalars().all()
    assert greeting.method == Method.PHONE and greeting.contacts == [contact]

    assert "已问候" in client.get("/visits/care?days=7").get_data(as_text=True)
    today = client.get("/").get_data(as_text=True)
    assert "已问候" in today[today.index('id="today-care"'):]


def test_contacts_who_left_are_not_on_care_days(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    stayed = ContactFactory(client_id=record.id, name="黎红霞")
    left = ContactFactory(client_id=record.id, name="钱文博", still_at_client=False)
    for person in (stayed, left):
        SpecialDateFactory(client_id=record.id, contact_id=person.id, month=2, day=4)
    SpecialDateFactory(client_id=record.id, kind="org_event", label="建院纪念日", month=2, day=5)
    db.session.commit()
    page = client.get("/visits/care?days=7").get_data(as_text=True)
    assert "黎红霞" in page and "建院纪念日" in page and "钱文博" not in page


def test_the_feed_is_built_again_after_any_committed_change_and_answers_304_when_unchanged(
        client, login_as, db, frozen, query_counter):
    rep = login_as("sales")
    hospital = ClientFactory(name="宜宾市第二人民医院", owner_id=rep.id)
    db.session.commit()
    feed_url = client.get("/visits/calendar").get_data(as_text=True).split('readonly value="')[1].split('"')[0]
    feed_path = feed_url.replace("http://localhost", "")
    first = client.get(feed_path)
    assert "宜宾市第二人民医院" not in first.get_data(as_text=True)  # nothing planned yet

    with query_counter() as statements:
        again = client.get(feed_path)
    assert again.data == first.data and len(statements) == 1  # the token's user only: the feed came from the cache
    assert client.get(feed_path, headers={"If-None-Match": again.headers["ETag"]}).status_code == 304

    InteractionFactory(client_id=hospital.id, user_id=rep.id, planned=True, planned_at=at(-3), agenda="巡检机房")
    db.session.commit()  # a change committed (by any worker): the feed follows
    changed = client.get(feed_path, headers={"If-None-Match": again.headers["ETag"]})
    assert changed.status_code == 200 and "巡检机房" in changed.get_data(as_text=True)

    hospital = db.session.get(type(hospital), hospital.id)
    hospital.name = "宜宾市第二人民医院（南院）"  # any committed change to audited data, not only the feed's own
    db.session.commit()
    assert "南院" in client.get(feed_path).get_data(as_text=True)


def test_care_days_come_in_pages_and_each_festival_on_the_page_of_its_date(client, login_as, db, frozen):
    rep = login_as("sales")
    hospital = ClientFactory(name="宜宾市第二人民医院", owner_id=rep.id)
    for n, (month, day) in enumerate([(2, 2)] * 26 + [(2, 10)] * 4):  # 除夕 2027-02-05 and 春节 02-06 in between
        person = ContactFactory(client_id=hospital.id, name=f"联系人{n:02d}", is_key_person=n == 0)
        SpecialDateFactory(client_id=hospital.id, contact_id=person.id, month=month, day=day)
    db.session.commit()

    first = client.get("/visits/care?days=14").get_data(as_text=True)
    assert first.count('class="card care-day"') == 25 and "除夕" not in first  # the 26th birthday is on 02-02
    assert re.search(r'href="/visits/care\?[^"]*page=2', first)  # the next page link
    second = client.get("/visits/care?days=14&page=2").get_data(as_text=True)
    assert second.count('class="card care-day"') == 1 + 2 + 4  # the last 02-02, both festivals, the 02-10s
    assert second.index("联系人25") < second.index("除夕") < second.index("春节") < second.index("联系人26")
    assert "除夕" not in client.get("/visits/care?days=14&page=3").get_data(as_text=True)
