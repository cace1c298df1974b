"""The archive pages: list (scoped, filtered, sorted, paginated, fixed query count), create, edit, contacts."""
import pytest
from sqlalchemy import select

from app.archive.enums import Lifecycle, StrategyLayer, ValueGrade
from app.archive.models import Client, Contact, SpecialDate
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


def list_queries(client, query_counter, url="/clients/"):
    with query_counter() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_client_list_issues_a_fixed_number_of_queries(client, login_as, db, query_counter):
    login_as("manager")
    reps = [make_user("sales") for _ in range(3)]
    ClientFactory(owner_id=reps[0].id, region="重庆", city="重庆")
    db.session.commit()
    few = list_queries(client, query_counter)
    for n in range(60):
        record = ClientFactory(owner_id=reps[n % 3].id, region="四川", city=f"城市{n % 7}",
                               status=Lifecycle.CUSTOMER, value_grade=ValueGrade.B)
        ContactFactory(client_id=record.id)
    db.session.commit()
    assert list_queries(client, query_counter) == few
    assert list_queries(client, query_counter, "/clients/?q=联系人&value_grade=B&sort=grade&page=2") == few


@pytest.mark.parametrize("query, expected", [
    ("q=第一", ["重庆市第一人民医院"]),
    ("q=王建华", ["成都市中医院"]),  # a contact's name finds the client
    ("q=13912345678", ["成都市中医院"]),  # so does a contact's mobile
    ("status=lead", ["绵阳市妇幼保健院"]),
    ("strategy_layer=breakthrough&value_grade=A", ["重庆市第一人民医院"]),
    ("region=四川", ["成都市中医院", "绵阳市妇幼保健院"]),
    ("city=绵阳", ["绵阳市妇幼保健院"]),
    ("value_grade=A&value_grade=C", ["重庆市第一人民医院", "绵阳市妇幼保健院"]),
    ("status=nonsense", ["成都市中医院", "绵阳市妇幼保健院", "重庆市第一人民医院"]),
])
def test_list_filters_live_in_the_url(client, login_as, db, query, expected):
    rep = login_as("sales")
    ClientFactory(name="重庆市第一人民医院", owner_id=rep.id, region="重庆", city="重庆", value_grade=ValueGrade.A,
                  strategy_layer=StrategyLayer.BREAKTHROUGH)
    chengdu = ClientFactory(name="成都市中医院", owner_id=rep.id, region="四川", city="成都")
    ClientFactory(name="绵阳市妇幼保健院", owner_id=rep.id, region="四川", city="绵阳", status=Lifecycle.LEAD,
                  value_grade=ValueGrade.C)
    ContactFactory(client_id=chengdu.id, name="王建华", mobile="13912345678")
    db.session.commit()
    html = client.get(f"/clients/?{query}").get_data(as_text=True)
    found = [name for name in ("成都市中医院", "绵阳市妇幼保健院", "重庆市第一人民医院") if f">{name}</a>" in html]
    assert found == sorted(expected)


def test_list_sorts_by_grade(client, login_as, db):
    rep = login_as("sales")
    ClientFactory(name="甲医院", owner_id=rep.id, value_grade=ValueGrade.C)
    ClientFactory(name="乙医院", owner_id=rep.id, value_grade=ValueGrade.A)
    ClientFactory(name="丙医院", owner_id=rep.id)
    db.session.commit()
    html = client.get("/clients/?sort=grade").get_data(as_text=True)
    assert html.index("乙医院") < html.index("甲医院") < html.index("丙医院")


def test_new_client_with_a_missing_name_keeps_what_was_typed(client, login_as, db):
    login_as("sales")
    response = client.post("/clients/new", data={"name": "  ", "short_name": "南充妇幼", "notes": "老客户",
                                                 "beds": "很多"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "必填" in html and 'value="南充妇幼"' in html and "老客户</textarea>" in html
    assert "不是有效的整数" in html  # beds, beside its field
    assert db.session.scalar(select(Client.id)) is None


def test_full_client_record_is_saved(client, login_as, db):
    rep = login_as("sales")
    response = client.post("/clients/new", data={
        "name": "自贡市第一人民医院", "category": "public_hospital", "status": "prospect", "lead_source": "referral",
        "region": "四川", "city": "自贡", "beds": "800", "annual_revenue": "12345.67", "established_year": "1952",
        "relationship_class": "vip", "income_tier": "tier3", "expansion": "premium", "demand": "high",
        "development_type": "high_desire", "strategy_layer": "breakthrough", "website": "http://zgyy.example.cn"})
    assert response.status_code == 302, response.get_data(as_text=True)
    record = db.session.execute(select(Client)).scalar_one()
    assert (record.owner_id, record.beds, str(record.annual_revenue), record.status) == (
        rep.id, 800, "12345.67", Lifecycle.PROSPECT)
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    for label in ("VIP客户", "三级（高收入）", "重点突破", "高欲望", "公立医院", "潜在客户", "转介绍", "12,345.67"):
        assert label in html


def test_a_sales_rep_owns_what_they_create_whatever_they_send(client, login_as, db):
    rep = login_as("sales")
    other = make_user("sales")
    db.session.commit()
    client.post("/clients/new", data={"name": "自贡市第一人民医院", "owner_id": other.id})
    assert db.session.execute(select(Client)).scalar_one().owner_id == rep.id


def test_a_duplicate_name_warns_and_needs_a_confirmation(client, login_as, db):
    login_as("sales")
    other = make_user("sales", display_name="张伟")
    ClientFactory(name="重庆市第一人民医院有限公司", name_key="重庆市第一人民医院", owner_id=other.id)
    db.session.commit()
    response = client.post("/clients/new", data={"name": "重庆市 第一人民医院（有限公司）"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "已有同名客户" in html and "重庆市第一人民医院有限公司" in html and "张伟" in html
    assert "/clients/1\"" not in html  # another rep's client is named, not linked
    assert db.session.scalar(select(Client.id).where(Client.owner_id != other.id)) is None
    response = client.post("/clients/new", data={"name": "重庆市 第一人民医院（有限公司）", "confirm_duplicate": "y"})
    assert response.status_code == 302


def test_contact_with_a_lunar_birthday(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/clients/{record.id}/contacts/new", data={
        "name": "黎红霞", "title": "护理部主任", "decision_role": "decider", "stance": "support",
        "is_key_person": "y", "birthday_month": "12", "birthday_day": "30", "birthday_lunar": "y"})
    assert response.status_code == 302
    contact = db.session.execute(select(Contact)).scalar_one()
    special = db.session.execute(select(SpecialDate)).scalar_one()
    assert (special.contact_id, special.month, special.day, special.is_lunar) == (contact.id, 12, 30, True)
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "黎红霞" in html and "决策者" in html and "支持我方" in html and "关键人物" in html


def test_contact_birthday_needs_a_real_day(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/clients/{record.id}/contacts/new", data={
        "name": "钱文博", "birthday_month": "2", "birthday_day": "30"})
    assert response.status_code == 422
    assert "这个月没有这一天" in response.get_data(as_text=True)
    assert db.session.scalar(select(Contact.id)) is None


def test_service_reads_any_client_but_cannot_change_it(client, login_as, db):
    login_as("service")
    record = ClientFactory(owner_id=make_user("sales").id)
    db.session.commit()
    assert client.get(f"/clients/{record.id}").status_code == 200
    assert client.get(f"/clients/{record.id}/edit").status_code == 403
    assert client.post(f"/clients/{record.id}/delete").status_code == 403
    assert client.get(f"/clients/{record.id}/contacts/new").status_code == 403
    assert client.get(f"/clients/{record.id}/assets/new").status_code == 200  # service keeps the installed base


def test_new_records_accept_the_empty_version_field_the_browser_sends(client, login_as, db):
    rep = login_as("sales")
    assert client.post("/clients/new", data={"name": "乐山市人民医院", "version": ""}).status_code == 302
    record = db.session.execute(select(Client)).scalar_one()
    response = client.post(f"/clients/{record.id}/contacts/new", data={"name": "高德明", "version": ""})
    assert response.status_code == 302 and record.owner_id == rep.id


def test_a_plain_filter_form_lands_on_the_short_url(client, login_as):
    login_as("sales")
    response = client.get("/clients/?q=&sort=name&status=lead&city=")
    assert response.status_code == 302 and response.location == "/clients/?status=lead"
    fragment = client.get("/clients/?q=&status=lead", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.headers["HX-Push-Url"] == "/clients/?status=lead"


def test_a_website_without_a_scheme_is_taken_as_typed_with_http(client, login_as, db):
    login_as("sales")
    response = client.post("/clients/new", data={"name": "宜宾市第一人民医院", "website": "www.ybyy.example.cn"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.execute(select(Client)).scalar_one().website == "http://www.ybyy.example.cn"


def test_a_mobile_is_found_however_it_was_typed_and_dials_with_a_tap(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id, name="绵阳市中心医院")
    db.session.commit()
    form = client.get(f"/clients/{record.id}/contacts/new").get_data(as_text=True)
    assert 'inputmode="tel"' in form and 'name="birthday_leap"' in form  # a phone keypad; the leap-month box
    assert client.post(f"/clients/{record.id}/contacts/new", data={
        "name": "赵德明", "mobile": "138 0838-1234"}).status_code == 302
    contact = db.session.execute(select(Contact)).scalar_one()
    assert contact.mobile == "13808381234"
    for typed in ("13808381234", "138 0838 1234", "0838-1234"):
        assert ">绵阳市中心医院</a>" in client.get("/clients/", query_string={"q": typed}).get_data(as_text=True), typed
    page = client.get(f"/clients/{record.id}/contacts/{contact.id}").get_data(as_text=True)
    assert 'href="tel:13808381234"' in page


def test_a_new_contacts_lunar_birthday_can_fall_in_a_leap_month(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    url = f"/clients/{record.id}/contacts/new"
    solar = client.post(url, data={"name": "钱文博", "birthday_month": "6", "birthday_day": "3", "birthday_leap": "y"})
    assert solar.status_code == 422 and "只有农历日期才有闰月" in solar.get_data(as_text=True)
    assert client.post(url, data={"name": "钱文博", "birthday_month": "6", "birthday_day": "3", "birthday_lunar": "y",
                                  "birthday_leap": "y"}).status_code == 302
    special = db.session.execute(select(SpecialDate)).scalar_one()
    assert (special.is_lunar, special.is_leap_month, special.month, special.day) == (True, True, 6, 3)


def test_pinyin_finds_a_client_by_full_spelling_or_initials_and_names_sort_in_pinyin(client, login_as, db):
    rep = login_as("sales")
    for name in ("自贡市第一人民医院", "绵阳市人民医院", "重庆市第一人民医院", "长寿区博爱医院"):
        ClientFactory(owner_id=rep.id, name=name)
    ClientFactory(owner_id=make_user("sales").id, name="绵阳市中心医院")  # another rep's: never found
    db.session.commit()
    for typed in ("mianyang", "mysrmyy", "MianYangShi", "myS"):
        page = client.get("/clients/", query_string={"q": typed}).get_data(as_text=True)
        assert ">绵阳市人民医院</a>" in page and "绵阳市中心医院" not in page and "自贡" not in page, typed
    listing = client.get("/clients/").get_data(as_text=True)
    order = ["长寿区博爱医院", "重庆市第一人民医院", "绵阳市人民医院", "自贡市第一人民医院"]
    assert sorted(order, key=listing.index) == order  # chang < chong < mian < zi, not by code point (自 < 重)

    renamed = db.session.execute(select(Client).where(Client.name == "长寿区博爱医院")).scalar_one()
    renamed.name = "遂宁市中心医院"
    db.session.commit()
    assert ">遂宁市中心医院</a>" in client.get("/clients/", query_string={"q": "snszxyy"}).get_data(as_text=True)
