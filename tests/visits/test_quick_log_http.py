"""The quick log over HTTP: the htmx fragment, errors by the fields, the booked next step, a re-sent draft
saved once, scoping (another rep's client: tests/test_route_matrix.py), and the same form without JavaScript."""
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.visits.enums import InteractionStatus, Method, Satisfaction
from app.visits.models import Interaction
from tests.factories import ClientFactory, ContactFactory, make_user

HTMX = {"HX-Request": "true"}
KEY = "0f8e6c1a-5b2d-4c3e-9a7f-1234567890ab"


def url(record) -> str:
    return f"/visits/clients/{record.id}/quick-log"


def _checked(html: str, value: str) -> bool:
    """True when the radio with ``value`` is rendered ticked, whatever the order of its attributes."""
    return any("checked" in tag for tag in re.findall(r"<input[^>]*>", html)
               if f'value="{value}"' in tag and 'type="radio"' in tag)


def interactions(db) -> list[Interaction]:
    db.session.expire_all()
    return db.session.execute(select(Interaction).order_by(Interaction.id)).unique().scalars().all()


@pytest.fixture
def rep(login_as):
    return login_as("sales", username="lixy", display_name="李晓燕")


@pytest.fixture
def hospital(db, rep):
    record = ClientFactory(name="南充市中心医院", owner_id=rep.id)
    db.session.commit()
    return record


def test_a_phone_call_logged_with_htmx_answers_the_panel_with_the_new_entry(client, db, rep, hospital):
    contact = ContactFactory(client_id=hospital.id, name="何志明")
    db.session.commit()
    response = client.post(url(hospital), headers=HTMX, data={
        "method": "phone", "contact_ids": [str(contact.id)], "summary": "电话确认下周验收", "satisfaction": "4",
        "client_key": KEY})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="visits"' not in html  # the block, swapped into the section
    assert "电话确认下周验收" in html and "何志明" in html
    assert "HX-Request" in response.headers["Vary"]
    # the form comes back empty, ready for the next entry
    assert "电话确认下周验收</textarea>" not in html and KEY not in html
    [visit] = interactions(db)
    assert (visit.method, visit.status, visit.satisfaction) == (Method.PHONE, InteractionStatus.DONE,
                                                                Satisfaction.SATISFIED)
    assert visit.user_id == rep.id and visit.client_key == KEY and visit.done_at is not None
    assert [c.name for c in visit.contacts] == ["何志明"]


def test_a_missing_summary_is_a_422_with_the_error_by_the_field_and_the_typed_values_kept(client, db, hospital):
    response = client.post(url(hospital), headers=HTMX, data={
        "method": "phone", "summary": "  ", "next_action": "寄送验收报告", "client_key": KEY})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="summary-error"' in html and "该字段是必填字段。" in html
    assert 'value="寄送验收报告"' in html
    assert f'value="{KEY}"' in html  # the retry after fixing the field is the same draft
    assert _checked(html, "phone") and not _checked(html, "onsite")
    assert interactions(db) == []


def test_a_dated_next_step_is_booked_as_a_planned_interaction_at_nine(client, db, app, hospital, monkeypatch):
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2026, 5, 20))
    response = client.post(url(hospital), headers=HTMX, data={
        "method": "onsite", "summary": "信息科机房巡检", "next_action": "带报价再访", "next_date": "2026-06-03"})

    assert response.status_code == 200
    done, planned = interactions(db)
    assert (done.status, done.next_action, done.next_date) == (InteractionStatus.DONE, "带报价再访",
                                                              date(2026, 6, 3))
    assert planned.status == InteractionStatus.PLANNED and planned.client_id == hospital.id
    assert planned.planned_at == datetime(2026, 6, 3, 9, 0)
    # booked by its own method, a phone call unless chosen otherwise, not by the on-site visit's method
    assert planned.agenda == "带报价再访" and planned.method == Method.PHONE and planned.done_at is None
    assert "带报价再访" in response.get_data(as_text=True)


def test_the_next_step_keeps_the_method_chosen_for_it(client, db, app, hospital, monkeypatch):
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2026, 5, 20))
    client.post(url(hospital), headers=HTMX, data={
        "method": "phone", "summary": "电话确认需求", "next_action": "上门演示", "next_date": "2026-06-03",
        "next_method": "onsite"})
    done, planned = interactions(db)
    assert (done.method, planned.method) == (Method.PHONE, Method.ONSITE)


def test_a_next_date_without_a_next_step_is_refused(client, db, hospital):
    response = client.post(url(hospital), headers=HTMX, data={
        "method": "phone", "summary": "回访", "next_date": "2026-06-03"})
    assert response.status_code == 422 and 'id="next_date-error"' in response.get_data(as_text=True)
    assert interactions(db) == []


def test_the_same_draft_sent_twice_is_saved_once(client, db, hospital):
    """The first attempt reached the server but its answer was lost to the Wi-Fi; the browser re-sends the
    draft with the same key."""
    data = {"method": "phone", "summary": "断网重发的记录", "client_key": KEY}
    first = client.post(url(hospital), headers=HTMX, data=data)
    again = client.post(url(hospital), headers=HTMX, data=data)

    assert first.status_code == again.status_code == 200
    assert [v.summary for v in interactions(db)] == ["断网重发的记录"]
    assert again.get_data(as_text=True).count("断网重发的记录") == 1  # shown once in the timeline


def test_a_different_key_is_a_different_entry(client, db, hospital):
    for key in ("a" * 32, "b" * 32):
        client.post(url(hospital), headers=HTMX, data={"method": "phone", "summary": "两次电话", "client_key": key})
    assert len(interactions(db)) == 2


def test_a_contact_of_another_client_is_never_attached(client, db, rep, hospital):
    mine = ContactFactory(client_id=hospital.id, name="何志明")
    elsewhere = ContactFactory(client_id=ClientFactory(owner_id=rep.id).id, name="别家联系人")
    db.session.commit()
    response = client.post(url(hospital), headers=HTMX, data={
        "method": "phone", "summary": "回访", "contact_ids": [str(mine.id), str(elsewhere.id)]})

    assert response.status_code in (200, 422)
    assert not any(elsewhere.id in [c.id for c in v.contacts] for v in interactions(db))
    assert "别家联系人" not in response.get_data(as_text=True)


def test_without_javascript_a_saved_log_redirects_to_the_client_page(client, db, hospital):
    response = client.post(url(hospital), data={"method": "wechat", "summary": "微信发送资料"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/{hospital.id}#visits")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "微信发送资料" in page
    assert interactions(db)[0].method == Method.WECHAT


def test_without_javascript_an_error_shows_the_whole_client_page_with_it(client, db, hospital):
    response = client.post(url(hospital), data={"method": "phone", "summary": "", "next_action": "发送方案"})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" in html and "南充市中心医院" in html
    assert "该字段是必填字段。" in html and 'value="发送方案"' in html
    assert interactions(db) == []


def test_quick_log_from_today_finds_the_client_by_search(client, login_as, db):
    rep = login_as("sales")
    mine = ClientFactory(name="泸州市人民医院", owner_id=rep.id)
    ClientFactory(name="泸州市中医院", owner_id=rep.id)
    theirs = ClientFactory(name="别人的医院", owner_id=make_user("sales").id)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "请在上方搜索客户" in page and "别人的医院" not in page  # no touches yet: nothing to offer

    picks = client.get("/visits/client-picker?client_query=人民", headers={"HX-Request": "true"}).get_data(True)
    assert f'value="{mine.id}"' in picks and "泸州市中医院" not in picks and "checked" not in picks
    assert "没有找到" in client.get("/visits/client-picker?client_query=别人").get_data(as_text=True)

    response = client.post("/visits/quick-log", headers={"HX-Request": "true"},
                           data={"client_query": "泸州市人民", "method": "phone", "summary": "电话确认上线时间"})
    assert response.status_code == 200 and "已为 泸州市人民医院 记录" in response.get_data(as_text=True)
    assert [visit.client_id for visit in interactions(db)] == [mine.id]  # one match: picked by itself
    assert "泸州市人民医院" in client.get("/").get_data(as_text=True)  # now offered as touched last

    two = client.post("/visits/quick-log", data={"client_query": "泸州", "method": "phone", "summary": "哪家"})
    html = two.get_data(as_text=True)
    assert two.status_code == 422 and "请选择客户" in html and "泸州市中医院" in html and "哪家</textarea>" in html
    missing = client.post("/visits/quick-log", data={"method": "phone", "summary": "没选客户"})
    assert missing.status_code == 422 and "请选择客户" in missing.get_data(as_text=True)
    assert "没选客户</textarea>" in missing.get_data(as_text=True)  # no JavaScript: the whole page, text kept
    assert client.post("/visits/quick-log", data={"client_id": theirs.id, "method": "phone",
                                                  "summary": "x"}).status_code == 422  # not a choice for this rep
    assert client.post("/visits/quick-log", data={"client_id": mine.id, "method": "phone",
                                                  "summary": "直接选"}).status_code == 302
    assert len(interactions(db)) == 2


def test_a_draft_key_saved_for_another_client_is_a_clear_409(client, db, rep, hospital):
    other = ClientFactory(owner_id=rep.id)
    db.session.commit()
    data = {"method": "phone", "summary": "同一草稿", "client_key": "draft-key-12345"}
    assert client.post(url(hospital), data=data, headers={"HX-Request": "true"}).status_code == 200
    response = client.post(url(other), data=data, headers={"HX-Request": "true"})
    assert response.status_code == 409 and "已为另一个客户保存" in response.get_data(as_text=True)
    assert [visit.client_id for visit in interactions(db)] == [hospital.id]


def test_two_sends_of_one_draft_racing_store_one_row(client, db, rep, hospital, monkeypatch):
    """The second send checks before the first has committed, then loses on the unique key: it gets the row."""
    from app.visits import services

    data = {"method": "phone", "summary": "网络抖动时的草稿", "client_key": "draft-key-67890"}
    assert client.post(url(hospital), data=data).status_code == 302
    real = services._saved_draft
    calls = []

    def too_early(key, record):  # the first look finds nothing, as if the other send had not committed yet
        calls.append(key)
        return None if len(calls) == 1 else real(key, record)

    monkeypatch.setattr(services, "_saved_draft", too_early)
    response = client.post(url(hospital), data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and len(calls) == 2
    assert [visit.summary for visit in interactions(db)] == ["网络抖动时的草稿"]


def test_todays_quick_log_keeps_a_contact_ticked_for_the_picked_client(client, db, rep, hospital):
    from tests.factories import ContactFactory

    zhao = ContactFactory(client_id=hospital.id, name="赵主任")
    stranger = ContactFactory(client_id=ClientFactory(owner_id=rep.id).id, name="钱科长")
    db.session.commit()
    refused = client.post("/visits/quick-log", data={"client_id": hospital.id, "method": "phone",
                                                     "summary": "电话回访", "contact_ids": [stranger.id]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "赵主任" in page and 'class="error' in page  # said, next to the field
    assert interactions(db) == []

    saved = client.post("/visits/quick-log", data={"client_id": hospital.id, "method": "phone",
                                                   "summary": "电话回访", "contact_ids": [zhao.id]})
    assert saved.status_code == 302
    [visit] = interactions(db)
    assert [c.name for c in visit.contacts] == ["赵主任"]


def test_the_client_page_quick_log_says_it_was_saved(client, db, hospital):
    response = client.post(url(hospital), headers=HTMX, data={"method": "phone", "summary": "电话回访"})
    assert response.status_code == 200 and 'role="status">已记录' in response.get_data(as_text=True)
