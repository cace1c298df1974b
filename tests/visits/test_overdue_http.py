"""Overdue lists through HTTP: two clocks per client, the shortest interval wins, scoped and grouped lists, the
cadence rules admin, and a fixed number of queries on every regime page."""
from datetime import datetime

import pytest
from sqlalchemy import select

from app.archive.enums import Lifecycle, StrategyLayer, ValueGrade
from app.visits.enums import Method
from app.visits.models import CadenceRule
from tests.factories import (
    ClientFactory,
    ContactFactory,
    InteractionFactory,
    SpecialDateFactory,
    make_user,
)
from tests.visits.conftest import at


def test_a_quick_phone_call_resets_the_phone_clock_only(client, login_as, db, frozen, regime):
    rep = login_as("sales")
    hospital = ClientFactory(name="南充市中心医院", owner_id=rep.id, value_grade=ValueGrade.A,
                             created_at=datetime(2026, 11, 1))
    InteractionFactory(client_id=hospital.id, user_id=rep.id, method=Method.ONSITE, done_at=at(20))  # 20 < 30: fine
    InteractionFactory(client_id=hospital.id, user_id=rep.id, method=Method.PHONE, done_at=at(20))  # 20 > 14: 6 days
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
    assert "成都市中医院" in html and "每 7 天" in html and "<strong>3</strong>" in html


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
        SpecialDateFactory(client_id=record.id, contact_id=contact.id, month=2, day=3)
        InteractionFactory(client_id=record.id, user_id=rep.id, method=Method.PHONE, done_at=at(n))
        InteractionFactory(client_id=record.id, user_id=rep.id, planned=True, planned_at=at(-1 - n % 3))
    db.session.commit()
    assert count_queries(client, query_counter, url) == few


def test_cadence_rule_values_are_chosen_by_their_labels_and_checked(client, login_as, db):
    login_as("admin")
    form = client.get("/visits/rules/new").get_data(as_text=True)
    assert '<optgroup label="价值等级">' in form and '<option value="B">B' in form
    assert '<input id="value"' not in form  # no code to type
    bad = client.post("/visits/rules/new", data={"dimension": "value_grade", "value": "breakthrough",
                                                 "channel": "phone", "interval_days": 10})
    assert bad.status_code == 422 and "请选择“价值等级”下列出的值" in bad.get_data(as_text=True)
    good = client.post("/visits/rules/new", data={"dimension": "value_grade", "value": "B", "channel": "phone",
                                                  "interval_days": 10})
    assert good.status_code == 302 and db.session.execute(select(CadenceRule.interval_days)).scalar_one() == 10
    rules = client.get("/visits/rules").get_data(as_text=True)
    assert "<td>B · " in rules and "<td>B</td>" not in rules  # the list shows the label too


def test_a_long_overdue_list_is_counted_up_to_a_cap_on_today_and_its_page(client, login_as, db, frozen, regime,
                                                                           monkeypatch):
    from app.core import paging

    rep = login_as("sales")
    for n in range(12):  # never touched, in the archive since long: every clock overdue
        ClientFactory(name=f"逾期医院{n}", owner_id=rep.id, value_grade=ValueGrade.A,
                      created_at=datetime(2026, 1, 1))
    db.session.commit()
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    today = client.get("/").get_data(as_text=True)
    overdue = today[today.index('id="today-overdue"'):]
    assert "(3+)" in overdue and "全部 3+ 个逾期" in overdue  # ten shown, the rest a link away
    page = client.get("/visits/overdue").get_data(as_text=True)
    assert "(3+)" in page and all(f"逾期医院{n}" in page for n in range(12))  # the page lists them all
    monkeypatch.setattr(paging, "COUNT_CAP", 1000)
    assert "(12)" in client.get("/visits/overdue").get_data(as_text=True)  # one row per client, both clocks in it


def test_a_deleted_rule_is_retired_and_its_history_kept(client, login_as, db):
    from app.core.models import AuditEvent

    login_as("admin")
    client.post("/visits/rules/new", data={"dimension": "value_grade", "value": "B", "channel": "phone",
                                           "interval_days": 10})
    rule = db.session.execute(select(CadenceRule)).scalar_one()
    assert client.post(f"/visits/rules/{rule.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(CadenceRule, rule.id).active is False  # still there, no longer applied
    assert f"/visits/rules/{rule.id}\"" not in client.get("/visits/rules").get_data(as_text=True)
    actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.entity == "cadence_rules",
                                                                 AuditEvent.record_id == rule.id)
                                 .order_by(AuditEvent.id)).scalars().all()  # unordered rows come in any order
    assert [str(getattr(a, "value", a)) for a in actions] == ["create", "update"]



def test_the_overdue_list_is_one_row_per_client_with_both_clocks_a_booking_and_actions(client, login_as, db,
                                                                                      frozen, regime):
    rep = login_as("sales")
    late = ClientFactory(name="南充市中心医院", owner_id=rep.id, value_grade=ValueGrade.A,
                         created_at=datetime(2026, 1, 1))
    InteractionFactory(client_id=late.id, user_id=rep.id, planned=True, planned_at=datetime(2027, 2, 8, 10, 0))
    db.session.commit()
    html = client.get("/visits/overdue").get_data(as_text=True)
    row = html[html.index("南充市中心医院"):html.index("</tr>", html.index("南充市中心医院"))]
    assert html.count(">南充市中心医院</a>") == 1  # one row, not one per clock
    assert row.count("逾期 <strong>") == 2  # phone and on-site side by side
    assert "已约 2027-02-08 10:00" in row
    assert f"/visits/plan?client_id={late.id}" in row and f"/clients/{late.id}#visits" in row
