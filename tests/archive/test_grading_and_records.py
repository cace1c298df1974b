"""Assessment, grade history, handover, installed base and special dates through HTTP."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.archive.enums import AssetKind, ProductCategory, ValueGrade
from app.archive.models import Assessment, Asset, Client, SpecialDate
from app.archive.rules import CRITERIA
from app.core.clock import local_today
from app.core.models import AuditEvent
from tests.factories import (
    AssetFactory,
    ClientFactory,
    ContactFactory,
    ProductFactory,
    SpecialDateFactory,
    make_user,
)


def scores(**given):
    values = dict.fromkeys(CRITERIA, 3)
    values.update(given)
    return {f"scores-{key}": value for key, value in values.items()}


def test_assessment_scores_grades_and_keeps_history(client, login_as, db):
    rep = login_as("sales", display_name="李晓燕")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    # all 3s: every criterion halfway → 50 points → C (C from 40, B from 60)
    assert client.post(f"/clients/{record.id}/assess", data=scores()).status_code == 302
    # share of wallet 5 (weight 20) and strategic value 5 (weight 15), the rest 3:
    # (20·1 + 15·1 + 65·0.5) / 100 = 0.675 → 67.5 → 68 → B
    assert client.post(f"/clients/{record.id}/assess",
                       data=scores(share_of_wallet=5, strategic_value=5)).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Client, record.id)
    assert (saved.assessment_score, saved.value_grade) == (68, ValueGrade.B)
    rows = db.session.execute(select(Assessment).order_by(Assessment.id)).scalars().all()
    assert [(r.previous_grade, r.grade, r.score) for r in rows] == [(None, ValueGrade.C, 50),
                                                                     (ValueGrade.C, ValueGrade.B, 68)]
    assert rows[1].scores["share_of_wallet"] == 5 and rows[1].weights["share_of_wallet"] == 20
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "得分 68，等级 B · " in html and "C → B (68)" in html and "李晓燕" in html
    assert "等级 B — B" not in html  # the grade said once, with its meaning


def test_a_manual_grade_needs_a_reason(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/clients/{record.id}/assess", data={**scores(), "override_grade": "A"})
    assert response.status_code == 422 and "必须填写理由" in response.get_data(as_text=True)
    assert db.session.scalar(select(Assessment.id)) is None
    client.post(f"/clients/{record.id}/assess",
                data={**scores(), "override_grade": "A", "override_reason": "院长亲自推动信息化"})
    row = db.session.execute(select(Assessment)).scalar_one()
    assert (row.computed_grade, row.override_grade, row.grade) == (ValueGrade.C, ValueGrade.A, ValueGrade.A)
    assert "由计算结果 C 手工调整：院长亲自推动信息化" in client.get(f"/clients/{record.id}").get_data(as_text=True)


def test_a_missing_score_is_shown_by_its_row(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    data = scores()
    del data["scores-need"]
    response = client.post(f"/clients/{record.id}/assess", data=data)
    assert response.status_code == 422 and "请选择 1 到 5 分" in response.get_data(as_text=True)


def test_admin_weights_and_thresholds_change_new_grades(client, login_as, db):
    login_as("admin")
    record = ClientFactory()
    db.session.commit()
    weights = {f"grading-weights-{key}": 0 for key in CRITERIA}
    weights["grading-weights-need"] = 1
    response = client.post("/admin/settings", data={**weights, "grading-threshold_a": 90, "grading-threshold_b": 70,
                                                     "grading-threshold_c": 30})
    assert response.status_code == 302
    # only "need" counts now: need 4 → 75 points → B under the new thresholds (B from 70)
    client.post(f"/clients/{record.id}/assess", data=scores(need=4))
    db.session.expire_all()
    assert (db.session.get(Client, record.id).assessment_score, db.session.get(Client, record.id).value_grade) == (
        75, ValueGrade.B)


def test_all_zero_weights_are_refused(client, login_as):
    login_as("admin")
    weights = {f"grading-weights-{key}": 0 for key in CRITERIA}
    response = client.post("/admin/settings", data={**weights, "grading-threshold_a": 80, "grading-threshold_b": 60,
                                                     "grading-threshold_c": 40})
    assert response.status_code == 422 and "至少一项权重要大于零" in response.get_data(as_text=True)


def test_bad_thresholds_are_refused(client, login_as):
    login_as("admin")
    weights = {f"grading-weights-{key}": 10 for key in CRITERIA}
    response = client.post("/admin/settings", data={**weights, "grading-threshold_a": 50, "grading-threshold_b": 70,
                                                     "grading-threshold_c": 30})
    assert response.status_code == 422 and "A 级起始分须高于 B 级" in response.get_data(as_text=True)


def test_manager_hands_clients_over_and_history_names_both_reps(client, login_as, db):
    login_as("manager")
    old, new = make_user("sales", display_name="李晓燕"), make_user("sales", display_name="张伟")
    first, second = ClientFactory(owner_id=old.id), ClientFactory(owner_id=old.id)
    untouched = ClientFactory(owner_id=old.id)
    db.session.commit()
    response = client.post("/clients/transfer", data={"client_ids": [first.id, second.id], "owner_id": new.id,
                                                      "next": "/clients/?sort=name"})
    assert response.status_code == 302 and response.location == "/clients/?sort=name"
    db.session.expire_all()
    owners = {c.id: c.owner_id for c in db.session.execute(select(Client)).scalars()}
    assert owners == {first.id: new.id, second.id: new.id, untouched.id: old.id}
    html = client.get(f"/clients/{first.id}/history").get_data(as_text=True)
    assert "负责人：<del>李晓燕</del> → <ins>张伟</ins>" in html


def test_transfer_to_a_service_user_is_refused(client, login_as, db):
    login_as("manager")
    record = ClientFactory(owner_id=make_user("sales").id)
    engineer = make_user("service")
    db.session.commit()
    client.post("/clients/transfer", data={"client_ids": record.id, "owner_id": engineer.id})
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "update")) is None


def test_installed_base_gaps_and_expiring_maintenance(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    his = ProductFactory(name="HIS 医院信息系统", category=ProductCategory.MODULE)
    ProductFactory(name="LIS 检验信息系统", category=ProductCategory.MODULE)
    ProductFactory(name="年度运维服务", category=ProductCategory.SERVICE)
    db.session.commit()
    soon = local_today() + timedelta(days=45)
    response = client.post(f"/clients/{record.id}/assets/new", data={
        "kind": "software", "product_id": his.id, "module_version": "V5.2", "quantity": 1, "status": "in_use",
        "maintenance_until": soon.isoformat()})
    assert response.status_code == 302
    asset = db.session.execute(select(Asset)).scalar_one()
    assert (asset.name, asset.module_version, asset.version) == ("HIS 医院信息系统", "V5.2", 1)
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    gaps = html[html.index("尚未使用的产品模块"):]
    assert "LIS 检验信息系统" in gaps and "HIS 医院信息系统" not in gaps and "年度运维服务" not in gaps
    assert f"HIS 医院信息系统: {soon.isoformat()}" in html  # listed under maintenance ending within 90 days


def test_an_asset_needs_a_name_or_a_product(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/clients/{record.id}/assets/new", data={"kind": "hardware", "quantity": 2,
                                                                      "status": "in_use"})
    assert response.status_code == 422 and "请填写名称" in response.get_data(as_text=True)


def test_service_edits_assets(client, login_as, db):
    login_as("service")
    record = ClientFactory(owner_id=make_user("sales").id)
    asset = AssetFactory(client_id=record.id, kind=AssetKind.PERIPHERAL, name="条码打印机")
    db.session.commit()
    response = client.post(f"/clients/{record.id}/assets/{asset.id}/edit", data={
        "kind": "peripheral", "name": "条码打印机 斑马", "quantity": 3, "status": "faulty", "version": 1})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).quantity == 3


@pytest.mark.parametrize("month, day, lunar, leap, message", [
    (2, 30, False, False, "这个月没有这一天"),
    (4, 31, False, False, "这个月没有这一天"),
    (13, 1, False, False, "12"),
    (5, 5, False, True, "只有农历日期才有闰月"),
])
def test_special_date_validation(client, login_as, db, month, day, lunar, leap, message):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    data = {"kind": "org_event", "month": month, "day": day, "remind_days": 7}
    data.update({"is_lunar": "y"} if lunar else {})
    data.update({"is_leap_month": "y"} if leap else {})
    response = client.post(f"/clients/{record.id}/special-dates/new", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(SpecialDate.id)) is None


def test_upcoming_special_dates_show_on_the_client_page(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    contact = ContactFactory(client_id=record.id, name="赵德明")
    soon = local_today() + timedelta(days=10)
    SpecialDateFactory(client_id=record.id, contact_id=contact.id, month=soon.month, day=soon.day)
    SpecialDateFactory(client_id=record.id, kind="org_event", label="建院纪念日",
                       month=(local_today() + timedelta(days=200)).month, day=1)
    db.session.commit()
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    section = html[html.index('id="upcoming"'):html.index('id="assets"')]
    assert f"{soon.isoformat()}" in section and "还有 10 天" in section and "赵德明" in section
    assert "建院纪念日" not in section


def test_client_page_issues_a_fixed_number_of_queries(client, login_as, db, query_counter):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    ContactFactory(client_id=record.id)
    db.session.commit()
    with query_counter() as empty:
        assert client.get(f"/clients/{record.id}").status_code == 200
    for n in range(8):
        contact = ContactFactory(client_id=record.id)
        SpecialDateFactory(client_id=record.id, contact_id=contact.id, month=1, day=n + 1)
        AssetFactory(client_id=record.id, kind=AssetKind.HARDWARE, name=f"服务器{n}")
    db.session.commit()
    with query_counter() as full:
        assert client.get(f"/clients/{record.id}").status_code == 200
    assert len(full) == len(empty)


def test_catalogue_admin(client, login_as, db):
    login_as("admin")
    response = client.post("/admin/catalogue/new", data={"name": "移动护理", "category": "module",
                                                         "list_price": "120000", "active": "y"})
    assert response.status_code == 302
    html = client.get("/admin/catalogue").get_data(as_text=True)
    assert "移动护理" in html and "120,000.00 元" in html


def test_a_product_name_taken_twice_is_refused_beside_the_field(client, login_as, db):
    from app.archive.models import Product

    login_as("admin")
    data = {"name": "移动护理", "category": "module", "active": "y"}
    assert client.post("/admin/catalogue/new", data=data).status_code == 302
    again = client.post("/admin/catalogue/new", data=data)
    assert again.status_code == 422 and "已有同名产品" in again.get_data(as_text=True)
    other = client.post("/admin/catalogue/new", data=data | {"name": "合理用药"})
    assert other.status_code == 302
    renamed = db.session.execute(select(Product).where(Product.name == "合理用药")).scalar_one()
    clash = client.post(f"/admin/catalogue/{renamed.id}", data=data | {"version": renamed.version})
    assert clash.status_code == 422
    keep = client.post(f"/admin/catalogue/{renamed.id}", data=data | {"name": "合理用药", "version": renamed.version})
    assert keep.status_code == 302  # its own name is not a clash


def test_unit_levels_in_use_cannot_be_removed(client, login_as, db):
    from app.archive.models import UnitLevel

    login_as("admin")
    level = UnitLevel(name="三甲", position=0)
    db.session.add(level)
    db.session.flush()
    ClientFactory(unit_level_id=level.id)
    db.session.commit()
    response = client.post("/admin/settings/unit-levels", data={"levels-names": "二甲\n一级"})
    assert response.status_code == 422 and "三甲" in response.get_data(as_text=True)
    assert client.post("/admin/settings/unit-levels", data={"levels-names": "三甲\n二甲\n一级"}).status_code == 302
    names = db.session.execute(select(UnitLevel.name).order_by(UnitLevel.position)).scalars().all()
    assert names == ["三甲", "二甲", "一级"]


def test_every_list_filter_has_an_index():
    from app.archive.queries import ENUM_FILTERS

    columns = [column for column, _enum in ENUM_FILTERS.values()]
    columns += [Client.region, Client.city, Client.owner_id, Client.name_key, Client.deleted_at]
    indexed = {tuple(index.columns.keys())[0] for index in Client.__table__.indexes}
    assert {column.key for column in columns} <= indexed


def test_special_dates_and_assets_go_to_the_recycle_bin(client, login_as, db):
    rep = make_user("sales")
    record = ClientFactory(owner_id=rep.id, name="达州市中心医院")
    special = SpecialDateFactory(client_id=record.id, kind="org_event", label="建院六十周年", month=9, day=1)
    asset = AssetFactory(client_id=record.id, kind=AssetKind.HARDWARE, name="核心交换机")
    db.session.commit()
    login_as("manager")
    assert client.post(f"/clients/{record.id}/special-dates/{special.id}/delete").status_code == 302
    assert client.post(f"/clients/{record.id}/assets/{asset.id}/delete").status_code == 302
    html = client.get("/admin/recycle-bin").get_data(as_text=True)
    assert "达州市中心医院 · 建院六十周年" in html and "达州市中心医院 · 核心交换机" in html
    client.post(f"/admin/recycle-bin/assets/{asset.id}/restore")
    assert "核心交换机" in client.get(f"/clients/{record.id}").get_data(as_text=True)


def test_a_unit_level_name_too_long_is_refused_next_to_the_field(client, login_as, db):
    from app.archive.models import UnitLevel

    login_as("admin")
    response = client.post("/admin/settings/unit-levels", data={"levels-names": "三甲\n" + "长" * 41})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "最多 40 个字" in page and "长" * 41 in page  # what they typed stays
    assert db.session.execute(select(UnitLevel)).first() is None  # nothing half-saved


def test_unit_level_changes_are_in_the_audit_trail(client, login_as, db):
    from app.core.models import AuditEvent

    admin = login_as("admin")
    assert client.post("/admin/settings/unit-levels", data={"levels-names": "三甲\n二甲"}).status_code == 302
    assert client.post("/admin/settings/unit-levels", data={"levels-names": "三甲"}).status_code == 302
    trail = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id).where(
        AuditEvent.entity == "unit_levels").order_by(AuditEvent.id)).all()
    assert [(str(getattr(a, "value", a)), who) for a, who in trail] == [
        ("create", admin.id), ("create", admin.id), ("purge", admin.id)]
