"""Life events (seed 004: 结婚/生子/升学, 亲人去世/本人生病) through HTTP: one-time dated events on care days, Today
and the feed, shown ahead and for a week after they happened, each with what to do and words that fit."""
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from app.archive.models import SpecialDate
from app.archive.occurrences import roll_forward
from app.visits.models import Interaction
from tests.factories import ClientFactory, ContactFactory, SpecialDateFactory
from tests.visits.conftest import TODAY


def life_event(record, name: str, kind: str, on: date, **contact):
    person = ContactFactory(client_id=record.id, name=name, **contact)  # not a key person: no festivals
    return SpecialDateFactory(client_id=record.id, contact_id=person.id, kind=kind, year=on.year, month=on.month,
                              day=on.day)


def card(page: str, name: str) -> str:
    """The care-day card naming this contact (not the flash message above the cards)."""
    start = page.rindex('<section class="card care-day">', 0, page.index(name, page.index("care-day")))
    return page[start:page.index("</section>", start)]


def test_life_events_ahead_and_just_passed_are_on_care_days_with_what_to_do(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    life_event(record, "黎红霞", "marriage", TODAY + timedelta(days=5))
    life_event(record, "钱文博", "bereavement", TODAY - timedelta(days=3)).whose = "父亲"
    life_event(record, "孙丽", "illness", TODAY - timedelta(days=30))  # a month ago: too late to act on
    db.session.commit()

    page = client.get("/visits/care?days=7").get_data(as_text=True)
    wedding, loss = card(page, "黎红霞"), card(page, "钱文博")
    assert "2027-02-06 · 结婚" in wedding and "还有 5 天" in wedding and "建议：送上祝福/贺礼" in wedding
    assert "2027-01-29 · 亲人去世（父亲）" in loss and "3 天前" in loss
    assert "建议：致电慰问、送花圈/挽联（按当地习俗）" in loss
    assert "记录慰问" in loss and "记录问候" in wedding  # sorrow is not logged as a greeting
    assert page.index("钱文博") < page.index("黎红霞")  # soonest first: the one already passed leads
    assert "孙丽" not in page

    today = client.get("/").get_data(as_text=True)
    care = today[today.index('id="today-care"'):]
    assert "2027-01-29</strong> · 亲人去世" in care and "建议：致电慰问" in care
    assert "2027-02-06</strong> · 结婚" in care and "孙丽" not in care
    assert "慰问 钱文博" in care and "问候 黎红霞" in care


def test_a_life_event_happens_once_and_does_not_come_back_next_year(client, login_as, db, frozen, app, monkeypatch):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    wedding = life_event(record, "黎红霞", "marriage", TODAY + timedelta(days=5))
    db.session.commit()
    assert wedding.next_on == date(2027, 2, 6)

    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2028, 2, 1))  # a year on: 2/6 would be in five days
    assert "黎红霞" not in client.get("/visits/care?days=7").get_data(as_text=True)
    assert roll_forward(date(2028, 2, 1)) == 0  # neither stale nor moved a year on
    db.session.expire_all()
    assert db.session.get(SpecialDate, wedding.id).next_on == date(2027, 2, 6)
    page = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "黎红霞" not in page[page.index('id="upcoming"'):page.index('id="assets"')]


def test_a_contact_who_left_gets_no_care_for_a_life_event(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    life_event(record, "黎红霞", "illness", TODAY - timedelta(days=2))
    life_event(record, "钱文博", "illness", TODAY - timedelta(days=2), still_at_client=False)
    db.session.commit()
    page = client.get("/visits/care?days=7").get_data(as_text=True)
    assert "黎红霞" in page and "钱文博" not in page


def test_the_words_to_copy_fit_the_event_and_the_greeting_is_marked_done(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    loss = life_event(record, "钱文博", "bereavement", TODAY - timedelta(days=3))
    life_event(record, "黎红霞", "new_child", TODAY - timedelta(days=1))
    db.session.commit()
    page = client.get("/visits/care?days=7").get_data(as_text=True)
    condolence = card(page, "钱文博")
    assert "钱文博您好，惊闻噩耗，深感悲痛。请节哀顺变" in condolence
    assert not any(word in condolence for word in ("快乐", "恭喜", "祝您"))  # no cheerful line to a grieving man
    assert "黎红霞您好，恭喜喜添宝宝" in card(page, "黎红霞")

    form = {"occasion": "亲人去世", "on": "2027-01-29", "method": "phone", "next": "/visits/care?days=7"}
    assert client.post(f"/visits/care/greet/{loss.contact_id}", data=form).status_code == 302
    [logged] = db.session.execute(select(Interaction).where(Interaction.summary == "问候：亲人去世")).scalars()
    assert [c.name for c in logged.contacts] == ["钱文博"]
    assert "已问候" in card(client.get("/visits/care?days=7").get_data(as_text=True), "钱文博")


def test_the_feed_has_a_life_event_once_with_what_to_do(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(name="宜宾市第二人民医院", owner_id=rep.id)
    life_event(record, "钱文博", "bereavement", TODAY - timedelta(days=3))
    life_event(record, "黎红霞", "school", TODAY + timedelta(days=20))
    db.session.commit()
    feed_url = client.get("/visits/calendar").get_data(as_text=True).split('readonly value="')[1].split('"')[0]
    events = Calendar.from_ical(client.get(feed_url.replace("http://localhost", "")).data).walk("VEVENT")

    [loss] = [e for e in events if "钱文博" in str(e["SUMMARY"])]
    assert str(loss["SUMMARY"]) == "亲人去世 · 钱文博（宜宾市第二人民医院）" and loss["DTSTART"].dt == date(2027, 1, 29)
    assert str(loss["DESCRIPTION"]) == "致电慰问、送花圈/挽联（按当地习俗）" and "RRULE" not in loss
    [school] = [e for e in events if "黎红霞" in str(e["SUMMARY"])]
    assert school["DTSTART"].dt == date(2027, 2, 21) and "RRULE" not in school


def test_the_form_offers_life_events_and_wants_their_year(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    person = ContactFactory(client_id=record.id, name="钱文博")
    db.session.commit()
    url = f"/clients/{record.id}/special-dates/new"
    page = client.get(url).get_data(as_text=True)
    assert all(f'value="{kind}"' in page for kind in ("marriage", "new_child", "school", "bereavement", "illness"))
    assert "亲人去世" in page and "个人事件只发生一次，必须填写" in page  # said by the year field

    data = {"contact_id": person.id, "kind": "bereavement", "label": "父亲去世", "month": 1, "day": 29,
            "remind_days": 0}
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="error" id="year-error">个人事件须填写年份。</p>' in html and 'value="父亲去世"' in html
    response = client.post(url, data=data | {"year": 2027, "is_lunar": "y"})
    assert response.status_code == 422 and "个人事件请按公历填写日期" in response.get_data(as_text=True)
    response = client.post(url, data=data | {"year": 2027, "month": 2, "day": 29})  # 2027 is no leap year
    assert response.status_code == 422 and "该年的这个月没有这一天" in response.get_data(as_text=True)
    assert db.session.scalar(select(SpecialDate.id)) is None

    assert client.post(url, data=data | {"year": 2027}).status_code == 302
    assert db.session.execute(select(SpecialDate)).scalar_one().next_on == date(2027, 1, 29)
    contact_page = client.get(f"/clients/{record.id}/contacts/{person.id}").get_data(as_text=True)
    assert "父亲去世</strong>：2027-01-29，3 天前" in contact_page
