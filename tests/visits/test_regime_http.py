"""The return-visit regime through HTTP: clocks, overdue lists, Today, care days, the iCal feed, planning."""
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.archive.enums import Lifecycle, StrategyLayer, ValueGrade
from app.archive.models import SpecialDate
from app.visits.enums import Channel, GradeDimension, InteractionStatus, Method
from app.visits.models import CadenceRule, Interaction
from tests.factories import ClientFactory, ContactFactory, make_user

TODAY = date(2027, 2, 1)


@pytest.fixture
def frozen(app, monkeypatch):
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", TODAY)
    return TODAY


@pytest.fixture
def regime(db):
    """The seeds' key-client rules: A on-site every 30 days, phone every 14."""
    db.session.add_all([
        CadenceRule(dimension=GradeDimension.VALUE_GRADE, value="A", channel=Channel.ONSITE, interval_days=30),
        CadenceRule(dimension=GradeDimension.VALUE_GRADE, value="A", channel=Channel.PHONE, interval_days=14),
        CadenceRule(dimension=GradeDimension.STRATEGY_LAYER, value="breakthrough", channel=Channel.PHONE,
                    interval_days=7)])
    db.session.commit()


def touch(db, client, user, method, days_ago, status=InteractionStatus.DONE):
    at = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time()).replace(hour=10)
    visit = Interaction(client_id=client.id, user_id=user.id, method=method, status=status,
                        done_at=at if status == InteractionStatus.DONE else None,
                        planned_at=at if status == InteractionStatus.PLANNED else None)
    db.session.add(visit)
    return visit


def overdue_rows(html: str) -> str:
    return html[html.index("<h1>"):]


def test_a_quick_phone_call_resets_the_phone_clock_only(client, login_as, db, frozen, regime):
    rep = login_as("sales")
    hospital = ClientFactory(name="南充市中心医院", owner_id=rep.id, value_grade=ValueGrade.A,
                             created_at=datetime(2026, 11, 1))
    touch(db, hospital, rep, Method.ONSITE, days_ago=20)  # on-site clock fine: 20 < 30
    touch(db, hospital, rep, Method.PHONE, days_ago=20)  # phone clock: 20 > 14 → 6 days overdue
    db.session.commit()
    html = client.get("/visits/overdue?channel=phone").get_data(as_text=True)
    assert "南充市中心医院" in html and "<strong>6</strong>" in html
    assert "南充市中心医院" not in client.get("/visits/overdue?channel=onsite").get_data(as_text=True)

    response = client.post(f"/visits/clients/{hospital.id}/quick-log", headers={"HX-Request": "true"},
                           data={"method": "phone", "summary": "电话回访，系统运行正常"})
    assert response.status_code == 200 and "电话回访，系统运行正常" in response.get_data(as_text=True)
    assert "南充市中心医院" not in client.get("/visits/overdue?channel=phone").get_data(as_text=True)


def test_shortest_interval_wins_and_never_touched_counts_from_entry(client, login_as, db, frozen, regime):
    rep = login_as("sales")
    # A (phone 14) and 重点突破 (phone 7): 7 wins; never called, in the archive since 10 days → 3 days overdue
    ClientFactory(name="成都市中医院", owner_id=rep.id, value_grade=ValueGrade.A,
                  strategy_layer=StrategyLayer.BREAKTHROUGH, created_at=datetime(2027, 1, 22))
    db.session.commit()
    html = client.get("/visits/overdue?channel=phone").get_data(as_text=True)
    assert "成都市中医院" in html and "<td>7</td>" in html and "<strong>3</strong>" in html


def test_lost_clients_and_other_reps_clients_are_not_on_my_list(client, login_as, db, frozen, regime):
    rep = login_as("sales")
    ClientFactory(name="已流失医院", owner_id=rep.id, value_grade=ValueGrade.A, status=Lifecycle.LOST,
                  created_at=datetime(2026, 1, 1))
    ClientFactory(name="别人的医院", owner_id=make_user("sales").id, value_grade=ValueGrade.A,
                  created_at=datetime(2026, 1, 1))
    db.session.commit()
    html = client.get("/visits/overdue").get_data(as_text=True)
    assert "已流失医院" not in html and "别人的医院" not in html


def test_overdue_list_groups_by_rep_and_by_grade(client, login_as, db, frozen, regime):
    login_as("manager")
    for name, rep in (("甲医院", make_user("sales", display_name="李晓燕")),
                      ("乙医院", make_user("sales", display_name="张伟"))):
        ClientFactory(name=name, owner_id=rep.id, value_grade=ValueGrade.A, created_at=datetime(2026, 12, 1))
    db.session.commit()
    by_rep = client.get("/visits/overdue").get_data(as_text=True)
    assert "<h2>李晓燕" in by_rep and "<h2>张伟" in by_rep
    by_grade = client.get("/visits/overdue?group=grade").get_data(as_text=True)
    assert "<h2>A <span" in by_grade


def count_queries(client, query_counter, url):
    with query_counter() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/", "/visits/overdue", "/visits/care", "/visits/recency"])
def test_regime_pages_issue_a_fixed_number_of_queries(client, login_as, db, frozen, regime, query_counter, url):
    rep = login_as("sales")
    first = ClientFactory(owner_id=rep.id, value_grade=ValueGrade.A, created_at=datetime(2026, 1, 1))
    ContactFactory(client_id=first.id, is_key_person=True)
    db.session.commit()
    few = count_queries(client, query_counter, url)
    for n in range(25):
        record = ClientFactory(owner_id=rep.id, value_grade=ValueGrade.A, created_at=datetime(2026, 1, 1))
        contact = ContactFactory(client_id=record.id, is_key_person=True)
        db.session.add(SpecialDate(client_id=record.id, contact_id=contact.id, kind="birthday", month=2, day=3))
        touch(db, record, rep, Method.PHONE, days_ago=n)
        touch(db, record, rep, Method.ONSITE, days_ago=-1 - (n % 3), status=InteractionStatus.PLANNED)
    db.session.commit()
    assert count_queries(client, query_counter, url) == few


def test_lunar_birthdays_and_festivals_on_today_and_in_the_feed(client, login_as, db, frozen):
    rep = login_as("sales")
    hospital = ClientFactory(name="宜宾市第二人民医院", owner_id=rep.id)
    zhao = ContactFactory(client_id=hospital.id, name="赵德明", is_key_person=True)
    qian = ContactFactory(client_id=hospital.id, name="钱文博")
    # 腊月廿六 falls on 2027-02-02 (verified with lunar-python); 冬月… (lunar 11/20) has passed → next year
    db.session.add_all([
        SpecialDate(client_id=hospital.id, contact_id=zhao.id, kind="birthday", month=12, day=26, is_lunar=True),
        SpecialDate(client_id=hospital.id, contact_id=qian.id, kind="birthday", month=1, day=15)])
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
    assert ("生日 · 赵德明", date(2027, 2, 2)) in events
    assert ("生日 · 钱文博", date(2028, 1, 15)) in events  # a birthday in the next solar year
    assert ("春节", date(2027, 2, 6)) in events


def test_the_feed_shows_only_what_its_owner_may_see(client, login_as, db, frozen, app):
    me = login_as("sales")
    other = make_user("sales")
    mine = ClientFactory(name="我的医院", owner_id=me.id)
    theirs = ClientFactory(name="别人的医院", owner_id=other.id)
    ContactFactory(client_id=theirs.id, name="孙静")
    db.session.add(SpecialDate(client_id=theirs.id, kind="org_event", label="建院纪念日", month=3, day=1))
    touch(db, mine, me, Method.ONSITE, days_ago=-2, status=InteractionStatus.PLANNED)
    touch(db, theirs, other, Method.ONSITE, days_ago=-3, status=InteractionStatus.PLANNED)
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


VISIT_ROUTES = [("get", "/visits/{v}"), ("get", "/visits/{v}/edit"), ("post", "/visits/{v}/edit"),
                ("get", "/visits/{v}/reschedule"), ("post", "/visits/{v}/reschedule"),
                ("get", "/visits/{v}/cancel"), ("post", "/visits/{v}/cancel"),
                ("post", "/visits/clients/{c}/quick-log"), ("post", "/visits/care/greet/{p}"),
                ("post", "/visits/{v}/attachments")]


@pytest.mark.parametrize("method, url", VISIT_ROUTES)
@pytest.mark.parametrize("htmx", [False, True])
def test_every_visit_route_answers_404_outside_the_users_scope(client, login_as, db, method, url, htmx):
    login_as("sales")
    other = make_user("sales")
    theirs = ClientFactory(owner_id=other.id)
    contact = ContactFactory(client_id=theirs.id)
    visit = touch(db, theirs, other, Method.ONSITE, days_ago=-1, status=InteractionStatus.PLANNED)
    db.session.commit()
    data = {"method": "phone", "summary": "x", "reason": "x", "planned_at": "2027-03-01T10:00", "version": 1}
    response = getattr(client, method)(url.format(v=visit.id, c=theirs.id, p=contact.id), data=data,
                                       headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 404
    assert db.session.scalar(select(Interaction.id).where(Interaction.id != visit.id)) is None
    db.session.expire_all()
    assert db.session.get(Interaction, visit.id).status == InteractionStatus.PLANNED


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
    first = touch(db, record, rep, Method.ONSITE, days_ago=0, status=InteractionStatus.PLANNED)
    second = touch(db, record, rep, Method.ONSITE, days_ago=-5, status=InteractionStatus.PLANNED)
    db.session.commit()
    response = client.post(f"/visits/{first.id}/edit", data={
        "mark_done": "y", "method": "onsite", "purpose": "routine", "summary": "演示了移动护理", "version": 1,
        "extra_services": ["dust", "printer"], "gift": "茶叶礼盒", "gift_cost": "300",
        "next_action": "送报价", "next_date": "2027-02-10"})
    assert response.status_code == 302
    db.session.expire_all()
    done = db.session.get(Interaction, first.id)
    assert done.status == InteractionStatus.DONE and done.done_at and done.extra_services == ["dust", "printer"]
    booked = db.session.execute(select(Interaction).where(Interaction.agenda == "送报价")).scalar_one()
    assert booked.planned_at == datetime(2027, 2, 10, 9, 0) and booked.status == InteractionStatus.PLANNED

    assert client.post(f"/visits/{second.id}/reschedule", data={"planned_at": "2027-02-08T14:30",
                                                                "reason": "院长出差"}).status_code == 302
    assert client.post(f"/visits/{second.id}/cancel", data={"reason": "医院停电"}).status_code == 302
    db.session.expire_all()
    moved = db.session.get(Interaction, second.id)
    assert (moved.planned_at, moved.status, moved.cancel_reason) == (
        datetime(2027, 2, 8, 14, 30), InteractionStatus.CANCELLED, "医院停电")
    response = client.post(f"/visits/{second.id}/cancel", data={"reason": "再取消一次"})
    assert response.status_code == 422 and "只有计划中的拜访" in response.get_data(as_text=True)


def test_care_page_shows_the_last_gift_and_logs_a_greeting(client, login_as, db, frozen):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    contact = ContactFactory(client_id=record.id, name="黎红霞", is_key_person=True)
    db.session.add(SpecialDate(client_id=record.id, contact_id=contact.id, kind="birthday", month=2, day=4))
    gift = touch(db, record, rep, Method.ONSITE, days_ago=100)
    gift.gift, gift.contacts = "中秋月饼", [contact]
    db.session.commit()
    html = client.get("/visits/care?days=7").get_data(as_text=True)
    assert "黎红霞" in html and "上次礼品：中秋月饼" in html
    assert client.post(f"/visits/care/greet/{contact.id}", data={"occasion": "生日"}).status_code == 302
    greeting = db.session.execute(select(Interaction).where(Interaction.summary == "问候：生日")).scalar_one()
    assert greeting.contacts == [contact] and greeting.status == InteractionStatus.DONE


def test_recency_split_and_band_filter(client, login_as, db, frozen):
    rep = login_as("sales")
    for name, days_ago in (("近医院", 30), ("中医院", 31), ("远医院", 91)):
        touch(db, ClientFactory(name=name, owner_id=rep.id), rep, Method.PHONE, days_ago=days_ago)
    ClientFactory(name="新医院", owner_id=rep.id)
    db.session.commit()
    html = client.get("/visits/recency").get_data(as_text=True)
    assert "<td>1</td><td>25.0%</td><td>20%</td>" in html  # deep: 1 of 4
    assert "<td>2</td><td>50.0%</td><td>50%</td>" in html  # forgotten: 91 days and never
    listing = client.get("/clients/?band=forgotten").get_data(as_text=True)
    assert ">远医院</a>" in listing and ">新医院</a>" in listing and ">近医院</a>" not in listing


def test_cadence_rule_admin_checks_the_value(client, login_as, db):
    login_as("admin")
    bad = client.post("/visits/rules/new", data={"dimension": "value_grade", "value": "Z", "channel": "phone",
                                                 "interval_days": 10})
    assert bad.status_code == 422 and "请使用以下取值之一" in bad.get_data(as_text=True)
    good = client.post("/visits/rules/new", data={"dimension": "value_grade", "value": "B", "channel": "phone",
                                                  "interval_days": 10})
    assert good.status_code == 302 and db.session.execute(select(CadenceRule.interval_days)).scalar_one() == 10


def test_admin_moves_the_band_limits(client, login_as, db, frozen):
    admin = login_as("admin")
    touch(db, ClientFactory(name="四十天医院", owner_id=admin.id), admin, Method.PHONE, days_ago=40)
    db.session.commit()
    bad = client.post("/visits/recency", data={"deep": 60, "ordinary": 50})
    assert bad.status_code == 422 and "天数须多于深度开发" in bad.get_data(as_text=True)
    assert client.post("/visits/recency", data={"deep": 45, "ordinary": 120}).status_code == 302
    assert ">四十天医院</a>" in client.get("/clients/?band=deep").get_data(as_text=True)


def test_only_admins_move_the_band_limits(client, login_as):
    login_as("manager")
    assert client.post("/visits/recency", data={"deep": 45, "ordinary": 120}).status_code == 403


def test_a_photo_attaches_to_the_visit_and_the_client(client, login_as, db, app, tmp_path, monkeypatch):
    import io

    from tests.archive.test_attachments import PNG

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    visit = touch(db, record, rep, Method.ONSITE, days_ago=1)
    db.session.commit()
    response = client.post(f"/visits/{visit.id}/attachments", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PNG), "机房.png"), "caption": "三楼机房"})
    assert response.status_code == 302
    assert "三楼机房" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "三楼机房" in client.get(f"/clients/{record.id}").get_data(as_text=True)
    refused = client.post(f"/visits/{visit.id}/attachments", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"not an image"), "x.png")})
    assert refused.status_code == 422
