"""Planning visits through HTTP: a route for a day, bad input by the field, only the rep's own clients;
completing, rescheduling and cancelling a planned visit; a photo taken on the visit."""
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from app.visits.enums import InteractionStatus, Method
from app.visits.models import Interaction
from tests.archive.test_attachments import PNG
from tests.factories import ClientFactory, InteractionFactory, make_user
from tests.visits.conftest import at


def test_plan_a_route_for_a_day(client, login_as, db):
    rep = login_as("sales")
    stops = [ClientFactory(owner_id=rep.id) for _ in range(3)]
    db.session.commit()
    data = {"stops-0": stops[2].id, "stops-1": stops[0].id, "stops-2": stops[1].id, "day": "2027-03-02",
            "start": "09:00", "minutes_between": 90, "method": "onsite", "purpose": "routine", "agenda": "巡检"}
    assert client.post("/visits/plan", data=data).status_code == 302
    planned = db.session.execute(select(Interaction).order_by(Interaction.planned_at)).scalars().all()
    assert [(v.client_id, v.planned_at.strftime("%H:%M"), v.route_order) for v in planned] == [
        (stops[2].id, "09:00", 1), (stops[0].id, "10:30", 2), (stops[1].id, "12:00", 3)]


@pytest.mark.parametrize("data, message", [
    ({"stops-0": "", "purpose": "routine"}, "请至少选择一个客户"),
    ({"purpose": "negotiation"}, "约谈必须填写失败补救措施"),
    ({"purpose": "routine", "start": "9点"}, "请用“时:分”格式"),
])
def test_plan_refuses_bad_input_by_the_field(client, login_as, db, data, message):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    form = {"stops-0": record.id, "day": "2027-03-02", "start": "09:00", "minutes_between": 60, "method": "onsite",
            **data}
    response = client.post("/visits/plan", data=form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Interaction.id)) is None


def test_another_reps_client_cannot_be_planned(client, login_as, db):
    login_as("sales")
    theirs = ClientFactory(owner_id=make_user("sales").id)
    db.session.commit()
    response = client.post("/visits/plan", data={"stops-0": theirs.id, "day": "2027-03-02", "start": "09:00",
                                                 "minutes_between": 60, "method": "onsite", "purpose": "routine"})
    assert response.status_code == 422 and db.session.scalar(select(Interaction.id)) is None


def test_complete_reschedule_and_cancel(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    first = InteractionFactory(client_id=record.id, user_id=rep.id, planned=True, planned_at=at(0))
    second = InteractionFactory(client_id=record.id, user_id=rep.id, planned=True, planned_at=at(-5))
    db.session.commit()
    response = client.post(f"/visits/{first.id}/edit", data={
        "mark_done": "y", "method": "onsite", "purpose": "routine", "summary": "演示了移动护理", "version": 1,
        "extra_services": ["dust", "printer"], "gift": "茶叶礼盒", "gift_cost": "300",
        "next_action": "送报价", "next_date": "2027-02-10", "next_method": "email"})
    assert response.status_code == 302
    db.session.expire_all()
    done = db.session.get(Interaction, first.id)
    assert done.status == InteractionStatus.DONE and done.done_at and done.extra_services == ["dust", "printer"]
    booked = db.session.execute(select(Interaction).where(Interaction.agenda == "送报价")).scalar_one()
    assert booked.planned_at == datetime(2027, 2, 10, 9, 0) and booked.status == InteractionStatus.PLANNED
    assert booked.method == Method.EMAIL  # the next step's own method, not the visit's

    assert client.post(f"/visits/{second.id}/reschedule", data={"planned_at": "2027-02-08T14:30",
                                                                "reason": "院长出差"}).status_code == 302
    assert client.post(f"/visits/{second.id}/cancel", data={"reason": "医院停电"}).status_code == 302
    db.session.expire_all()
    moved = db.session.get(Interaction, second.id)
    assert (moved.planned_at, moved.status, moved.cancel_reason) == (
        datetime(2027, 2, 8, 14, 30), InteractionStatus.CANCELLED, "医院停电")
    response = client.post(f"/visits/{second.id}/cancel", data={"reason": "再取消一次"})
    assert response.status_code == 422 and "只有计划中的拜访" in response.get_data(as_text=True)


def test_a_photo_attaches_to_the_visit_and_the_client(client, login_as, db, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    visit = InteractionFactory(client_id=record.id, user_id=rep.id, method=Method.ONSITE, done_at=at(1))
    db.session.commit()
    response = client.post(f"/visits/{visit.id}/attachments", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PNG), "机房.png"), "caption": "三楼机房"})
    assert response.status_code == 302
    assert "三楼机房" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "三楼机房" in client.get(f"/clients/{record.id}").get_data(as_text=True)
    refused = client.post(f"/visits/{visit.id}/attachments", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"not an image"), "x.png")})
    assert refused.status_code == 422


def test_the_route_planner_offers_a_search_not_every_client(client, login_as, db):
    rep = login_as("sales")
    mine = [ClientFactory(owner_id=rep.id, name=f"客户{n:02d}") for n in range(25)]
    target = ClientFactory(owner_id=rep.id, name="绵阳市中心医院")
    theirs = ClientFactory(owner_id=make_user("sales").id, name="绵阳市第三人民医院")
    db.session.commit()
    page = client.get("/visits/plan").get_data(as_text=True)
    assert page.count("<option") <= 6 * 21 and "绵阳市中心医院" not in page  # no select of every client

    base = {"stops-0": mine[3].id, "day": "2027-03-02", "start": "09:00", "minutes_between": 60,
            "method": "onsite", "purpose": "routine", "agenda": "巡检机房", "client_query": "绵阳"}
    found = client.post("/visits/plan", data=base | {"find": "查找"})  # without JavaScript: the search button
    text = found.get_data(as_text=True)
    assert found.status_code == 200 and db.session.scalar(select(Interaction.id)) is None  # a search saves nothing
    assert f'<option value="{target.id}">绵阳市中心医院' in text and "绵阳市第三人民医院" not in text
    assert f'<option selected value="{mine[3].id}">' in text and "巡检机房" in text  # what was chosen and typed stays

    fragment = client.post("/visits/plan", data=base | {"find": "1"}, headers={"HX-Request": "true"})
    assert '<div id="route-stops">' in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(
        as_text=True)
    nothing = client.post("/visits/plan", data=base | {"find": "1", "client_query": "不存在的客户"},
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "没有找到符合的客户" in nothing

    assert client.post("/visits/plan", data=base | {"stops-1": target.id}).status_code == 302
    assert db.session.execute(select(Interaction.client_id).order_by(Interaction.planned_at)).scalars().all() == [
        mine[3].id, target.id]
    assert theirs.id not in {v.client_id for v in db.session.execute(select(Interaction)).scalars()}


def test_planning_from_a_client_page_starts_with_that_client(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id, name="德阳市人民医院")
    db.session.commit()
    page = client.get(f"/visits/plan?client_id={record.id}").get_data(as_text=True)
    assert f'<option selected value="{record.id}">德阳市人民医院' in page


def test_a_visit_in_the_past_is_refused_and_one_beside_another_asks_first(client, login_as, db, app, monkeypatch):
    from datetime import date

    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2027, 3, 2))
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id, name="南充市中心医院")
    InteractionFactory(client_id=record.id, user_id=rep.id, planned=True, planned_at=datetime(2027, 3, 5, 10, 0))
    db.session.commit()
    form = {"stops-0": record.id, "start": "10:30", "minutes_between": 60, "method": "onsite", "purpose": "routine"}

    past = client.post("/visits/plan", data=form | {"day": "2027-03-01"})
    assert past.status_code == 422 and "这个时间已经过去" in past.get_data(as_text=True)

    clash = client.post("/visits/plan", data=form | {"day": "2027-03-05"})
    page = clash.get_data(as_text=True)
    assert clash.status_code == 422 and "前后一小时内已有计划拜访" in page and 'name="confirm_clash"' in page
    assert len(db.session.execute(select(Interaction)).scalars().all()) == 1  # nothing planned yet
    assert client.post("/visits/plan", data=form | {"day": "2027-03-05", "confirm_clash": "y"}).status_code == 302
    assert len(db.session.execute(select(Interaction)).scalars().all()) == 2


def test_a_planned_visit_whose_day_passed_waits_on_today_to_be_recorded(client, login_as, db, app, monkeypatch):
    from datetime import date

    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2027, 3, 2))
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id, name="南充市中心医院")
    passed = InteractionFactory(client_id=record.id, user_id=rep.id, planned=True,
                                planned_at=datetime(2027, 2, 26, 9, 0))
    db.session.commit()
    today = client.get("/").get_data(as_text=True)
    section = today[today.index('id="today-to-record"'):]
    assert "南充市中心医院" in section and f"/visits/{passed.id}/edit" in section
    assert f"/visits/{passed.id}/reschedule" in section and f"/visits/{passed.id}/missed" in section

    assert client.post(f"/visits/{passed.id}/missed").status_code == 302
    db.session.expire_all()
    assert db.session.get(Interaction, passed.id).status == InteractionStatus.MISSED
    assert 'id="today-to-record"' not in client.get("/").get_data(as_text=True)
    assert client.post(f"/visits/{passed.id}/missed", follow_redirects=True).status_code == 200  # said, not 500


def test_a_handover_note_lands_on_the_timeline_without_counting_as_a_touch(client, login_as, db):
    from app.archive.models import Client
    from app.visits.models import ClientCadence

    login_as("manager")
    leaving, taking = make_user("sales"), make_user("sales")
    record = ClientFactory(owner_id=leaving.id, name="南充市中心医院")
    db.session.commit()
    response = client.post("/clients/transfer", data={"client_ids": [record.id], "owner_id": taking.id,
                                                      "note": "李晓燕调往成都，信息科王主任已知悉"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Client, record.id).owner_id == taking.id
    page = client.get(f"/clients/{record.id}").get_data(as_text=True)
    timeline = page[page.index('class="timeline"'):]
    assert "李晓燕调往成都，信息科王主任已知悉" in timeline and "内部备注" in timeline
    assert "已跟进 0 次" in page  # a note is no follow-up
    assert db.session.get(ClientCadence, record.id).last_touch_at is None  # nor a touch for 5-3-2 or the clocks


def test_a_stop_can_have_its_own_time_and_the_rest_follow_it(client, login_as, db):
    rep = login_as("sales")
    stops = [ClientFactory(owner_id=rep.id, address=f"南充市顺庆区人民路{n}号", city="南充") for n in range(3)]
    db.session.commit()
    # as a browser sends it: every stop's time field, most left empty
    data = {"stops-0": stops[0].id, "times-0": "", "stops-1": stops[1].id, "times-1": "14:00",
            "stops-2": stops[2].id, "times-2": "",
            "day": "2027-03-02", "start": "09:00", "minutes_between": 90, "method": "onsite", "purpose": "routine"}
    bad = client.post("/visits/plan", data=data | {"times-1": "下午两点"})
    assert bad.status_code == 422 and "请用“时:分”格式" in bad.get_data(as_text=True)
    assert client.post("/visits/plan", data=data).status_code == 302
    planned = db.session.execute(select(Interaction).order_by(Interaction.planned_at)).scalars().all()
    assert [v.planned_at.strftime("%H:%M") for v in planned] == ["09:00", "14:00", "15:30"]
    page = client.get(f"/visits/{planned[1].id}").get_data(as_text=True)
    assert "南充市顺庆区人民路1号" in page and "https://uri.amap.com/search?keyword=" in page and ">地图</a>" in page


def test_a_visit_cannot_be_moved_into_the_past(client, login_as, db, app, monkeypatch):
    from datetime import date

    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2027, 3, 2))
    rep = login_as("sales")
    visit = InteractionFactory(client_id=ClientFactory(owner_id=rep.id).id, user_id=rep.id, planned=True,
                               planned_at=datetime(2027, 3, 5, 10, 0))
    db.session.commit()
    moved = client.post(f"/visits/{visit.id}/reschedule", data={"planned_at": "2027-03-01T10:00", "reason": "改期"})
    assert moved.status_code == 422 and "这个时间已经过去" in moved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Interaction, visit.id).planned_at == datetime(2027, 3, 5, 10, 0)
    assert client.post(f"/visits/{visit.id}/reschedule", data={"planned_at": "2027-03-08T10:00",
                                                               "reason": "院长出差"}).status_code == 302
