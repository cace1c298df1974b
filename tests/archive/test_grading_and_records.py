"""Assessment, grade history, handover, installed base and special dates through HTTP."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.archive.enums import AssetKind, ProductCategory, ValueGrade
from app.archive.models import Assessment, Asset, Client, SpecialDate
from app.archive.rules import CRITERIA, DEFAULT_WEIGHTS
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


def breakdown_rows(html: str) -> list[tuple[str, ...]]:
    """The breakdown tables' body rows as (criterion, score, weight, points), whitespace dropped."""
    return [tuple(re.sub(r"\s+", "", cell) for cell in row) for row in re.findall(
        r"<tr(?: class=\"unknown\")?><td>(.*?)</td>\s*<td class=\"num\">(.*?)</td>\s*<td class=\"num\">(.*?)</td>"
        r"\s*<td class=\"num\">(.*?)</td></tr>", html)]


def test_the_breakdown_shows_the_weights_and_thresholds_the_grade_was_given_with(client, login_as, db):
    login_as("admin")
    record = ClientFactory()
    db.session.commit()
    client.post(f"/clients/{record.id}/assess", data=scores(share_of_wallet=5, strategic_value=5))
    # the admin then changes the weights and thresholds: the assessment keeps the ones it was made with
    weights = {f"grading-weights-{key}": 0 for key in CRITERIA}
    weights["grading-weights-need"] = 1
    client.post("/admin/settings", data={**weights, "grading-threshold_a": 90, "grading-threshold_b": 70,
                                         "grading-threshold_c": 30})
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    section = html[html.index('id="assessment"'):html.index("<h3>", html.index('id="assessment"'))]
    # share 20×1 + strategic 15×1 + the other 65 of the weight × 0.5 = 67.5 → 68
    assert breakdown_rows(section) == [
        ("赢单后的份额", "5", "20", "20"), ("所需时间、精力和成本", "3", "10", "5"), ("成交风险", "3", "10", "5"),
        ("对我方的战略价值", "5", "15", "15"), ("回款风险", "3", "10", "5"), ("我方交付能力", "3", "10", "5"),
        ("认识度", "3", "5", "2.5"), ("需求度", "3", "10", "5"), ("承受度", "3", "10", "5")]
    assert re.search(r"<th>合计</th><td></td><td class=\"num\">100</td>\s*<td class=\"num\">67.5 → 68</td>", section)
    assert "80 分及以上为 A，60 分及以上为 B，40 分及以上为 C，其余为 D。" in section
    # the history entry holds the same breakdown, folded away
    history = html[html.index("<h3>等级变化</h3>"):]
    assert "— → B (68)" in history and "<details" in history
    assert breakdown_rows(history) == breakdown_rows(section)


def test_an_assessment_made_before_thresholds_were_kept_shows_as_before(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id, value_grade=ValueGrade.C, assessment_score=50)
    db.session.add(Assessment(client_id=record.id, scores=dict.fromkeys(CRITERIA, 3), weights=DEFAULT_WEIGHTS,
                              score=50, computed_grade=ValueGrade.C, grade=ValueGrade.C, assessed_by_id=rep.id))
    db.session.commit()
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "得分 50，等级 C · " in html and "— → C (50)" in html and "信息不足" not in html
    assert re.search(r"<td class=\"num\">100</td>\s*<td class=\"num\">50</td>", html)
    assert "当时的分级线未记录" in html and "其余为 D" not in html
    assert ("赢单后的份额", "3", "20", "10") in breakdown_rows(html)


def not_known(*keys, **given):
    return scores(**given, **dict.fromkeys(keys, 0))  # 0 is the 信息不足 choice


def test_not_enough_information_keeps_the_client_ungraded_and_says_what_is_missing(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    client.post(f"/clients/{record.id}/assess", data=scores(share_of_wallet=5, strategic_value=5))
    # share 20 + strategic 15 + effort 10 + deal risk 10 unknown: the scored criteria carry 45 of 100
    response = client.post(f"/clients/{record.id}/assess",
                           data=not_known("share_of_wallet", "strategic_value", "effort", "deal_risk"),
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "评估完成：信息不足，暂不计分（继续收集）。" in html
    db.session.expire_all()
    row = db.session.execute(select(Assessment).order_by(Assessment.id.desc()).limit(1)).scalar_one()
    assert row.scores["share_of_wallet"] is None and row.scores["need"] == 3
    assert (row.score, row.computed_grade, row.grade, row.previous_grade) == (None, None, None, ValueGrade.B)
    saved = db.session.get(Client, record.id)
    assert (saved.value_grade, saved.assessment_score) == (None, None)
    assert "<strong>信息不足（继续收集）</strong>" in html and '<span class="badge">信息不足</span>' in html
    assert "待收集：赢单后的份额、所需时间、精力和成本、成交风险、对我方的战略价值" in html
    assert "已评分项的权重为 45（总权重 100），不足定级所需的一半。" in html
    assert "B → 信息不足" in html
    # the next assessment starts from these answers, 信息不足 included
    form = client.get(f"/clients/{record.id}/assess").get_data(as_text=True)
    assert re.search(r'<input checked id="scores-share_of_wallet-5" name="scores-share_of_wallet" [^>]*value="0">',
                     form)
    assert re.search(r'<input checked id="scores-need-2" [^>]*value="3">', form)


def test_a_few_unknown_criteria_still_give_a_grade_from_the_rest(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    # delivery (10) and awareness (5) unknown; share of wallet 5: (20×1 + 65×0.5) / 85 = 61.76 → 62 → B
    client.post(f"/clients/{record.id}/assess", data=not_known("delivery", "awareness", share_of_wallet=5))
    db.session.expire_all()
    assert (db.session.get(Client, record.id).value_grade, db.session.get(Client, record.id).assessment_score) == (
        ValueGrade.B, 62)
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "得分 62，等级 B · " in html and "待收集：我方交付能力、认识度" in html
    assert ("赢单后的份额", "5", "20", "23.53") in breakdown_rows(html)
    assert ("认识度", "信息不足", "5", "—") in breakdown_rows(html)
    assert re.search(r"<td class=\"num\">85 / 100</td>\s*<td class=\"num\">61.76 → 62</td>", html)


def test_a_manual_grade_still_works_when_too_little_is_known(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    data = {**not_known("share_of_wallet", "strategic_value", "effort", "deal_risk", "need"), "override_grade": "A",
            "override_reason": "院长亲自推动信息化"}
    assert client.post(f"/clients/{record.id}/assess", data=data).status_code == 302
    row = db.session.execute(select(Assessment)).scalar_one()
    assert (row.score, row.computed_grade, row.override_grade, row.grade) == (None, None, ValueGrade.A, ValueGrade.A)
    db.session.expire_all()
    assert db.session.get(Client, record.id).value_grade == ValueGrade.A
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "信息不足（继续收集）</strong> · 等级 A · " in html and "手工定级：院长亲自推动信息化" in html
    assert "— → A" in html and '<span class="badge">信息不足</span>' not in html


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
