"""Field labels come from the models' field_labels; the client page's windows come from the code that owns them."""
from datetime import datetime, timedelta

import pytest
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.local import LocalProxy

from app.archive import overview
from app.archive.enums import AssetKind
from app.archive.models import Asset, Client, Contact
from app.core.clock import local_today
from app.core.models import User, label
from app.visits import panel
from app.visits.enums import InteractionStatus, Method
from app.visits.models import Interaction
from tests.factories import ClientFactory, ContactFactory, make_user


def test_label_is_the_translated_field_label_of_a_class_or_a_record(app):
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert label(Client, "address") == "地址"
            assert label(Contact(), "mobile") == "手机"
            assert type(label(Client, "owner_id")) is str
            assert label(LocalProxy(lambda: User(username="x")), "locale") == "语言"  # current_user is a proxy
        with force_locale("en"):
            assert label(Client, "address") == "Address"


def test_a_mistyped_field_fails_loudly_in_code_and_in_templates(app):
    with pytest.raises(KeyError, match="adress"):
        label(Client, "adress")
    with app.test_request_context(), pytest.raises(KeyError, match="mobil"):
        render_template_string('{{ label(Contact, "mobil") }}', Contact=Contact)


def test_client_contact_and_visit_pages_show_the_model_labels_in_chinese(client, login_as, db):
    rep = login_as("sales")
    hospital = ClientFactory(name="遂宁市中心医院", owner_id=rep.id, address="遂州中路127号", website="snzx.example")
    person = ContactFactory(client_id=hospital.id, name="王主任", mobile="13900000001", is_key_person=True)
    visit = Interaction(client_id=hospital.id, user_id=rep.id, method=Method.ONSITE, status=InteractionStatus.DONE,
                        done_at=datetime(2026, 11, 2, 10), summary="演示新版 HIS", next_action="发报价")
    db.session.add(visit)
    db.session.commit()

    page = client.get(f"/clients/{hospital.id}").get_data(as_text=True)
    assert '<dt>地址</dt><dd>遂州中路127号 <a class="map-link"' in page and "<dt>网站</dt>" in page
    assert "负责人: " in page and "关键人物" in page and "下一步: 发报价" in page

    page = client.get(f"/clients/{hospital.id}/contacts/{person.id}").get_data(as_text=True)
    assert '<dt>手机</dt><dd><a href="tel:13900000001">13900000001</a></dd>' in page

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "<dt>完成时间</dt><dd>2026-11-02 10:00</dd>" in page and "<dt>内容摘要</dt><dd>演示新版 HIS</dd>" in page
    assert "<dt>下一步</dt><dd>发报价</dd>" in page


def test_the_client_pages_windows_come_from_the_code_that_owns_them(client, login_as, db, monkeypatch):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    db.session.add(Asset(client_id=hospital.id, kind=AssetKind.SOFTWARE, name="HIS",
                         maintenance_until=local_today() + timedelta(days=10)))
    db.session.add(Interaction(client_id=hospital.id, user_id=rep.id, method=Method.PHONE,
                               status=InteractionStatus.DONE, done_at=datetime(2026, 11, 2, 10)))
    db.session.commit()
    monkeypatch.setattr(overview, "UPCOMING_DAYS", 45)
    monkeypatch.setattr(overview, "EXPIRY_DAYS", 30)
    monkeypatch.setattr(panel, "TIMELINE_LENGTH", 1)

    page = client.get(f"/clients/{hospital.id}").get_data(as_text=True)
    assert "未来 45 天内没有纪念日。" in page
    assert "30 天内维保到期" in page
    assert "该客户的全部拜访" in page  # one visit fills a timeline of length 1


def test_histories_show_names_and_labels_not_ids_codes_or_derived_fields(client, login_as, db):
    from app.archive.models import Client, UnitLevel

    login_as("admin")
    level, owner = UnitLevel(name="三甲", position=0), make_user("sales")
    db.session.add(level)
    db.session.commit()
    created = client.post("/clients/new", data={"name": "宜宾市第二人民医院", "unit_level_id": level.id,
                                                 "owner_id": owner.id})
    assert created.status_code == 302
    record = db.session.execute(select(Client)).scalar_one()
    history = client.get(f"/clients/{record.id}/history").get_data(as_text=True)
    assert "<ins>三甲</ins>" in history and f"<ins>{level.id}</ins>" not in history
    assert history.count("<li>名称：") == 1  # the name, not also the derived duplicate-check key

    other = make_user("sales", locale="zh_CN")
    db.session.commit()
    client.post(f"/admin/users/{other.id}/edit", data={"display_name": other.display_name, "role": "sales",
                                                        "locale": "en", "active": "y", "version": other.version})
    page = client.get(f"/admin/users/{other.id}/edit").get_data(as_text=True)
    assert "<del>中文</del> → <ins>English</ins>" in page and "zh_CN</del>" not in page


def test_a_contacts_dates_read_in_chinese_punctuation(client, login_as, db):
    from tests.factories import SpecialDateFactory

    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    person = ContactFactory(client_id=record.id, name="赵德明")
    SpecialDateFactory(client_id=record.id, contact_id=person.id, month=3, day=20, year=1970)
    db.session.commit()
    page = client.get(f"/clients/{record.id}/contacts/{person.id}").get_data(as_text=True)
    assert "生日</strong>：3/20（1970） → " in page and "，还有 " in page


def test_contacts_and_visits_have_a_history_page_like_clients(client, login_as, db):
    from tests.factories import InteractionFactory

    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id, name="南充市中心医院")
    db.session.commit()
    client.post(f"/clients/{record.id}/contacts/new", data={"name": "赵德明", "title": "主任"})
    person = db.session.execute(select(Contact)).scalar_one()
    client.post(f"/clients/{record.id}/contacts/{person.id}/edit", data={
        "name": "赵德明", "title": "副院长", "still_at_client": "y", "version": person.version})
    page = client.get(f"/clients/{record.id}/contacts/{person.id}/history").get_data(as_text=True)
    assert "职务：<del>主任</del> → <ins>副院长</ins>" in page and ">赵德明</a>" in page

    visit = InteractionFactory(client_id=record.id, user_id=rep.id, planned=True)
    db.session.commit()
    client.post(f"/visits/{visit.id}/cancel", data={"reason": "医院停电"})
    page = client.get(f"/visits/{visit.id}/history").get_data(as_text=True)
    assert "<ins>医院停电</ins>" in page and "<ins>已取消</ins>" in page
    assert f'href="/visits/{visit.id}/history"' in client.get(f"/visits/{visit.id}").get_data(as_text=True)
