"""The deal pipeline over HTTP: creating needs a next step (acceptance 3), moves record the history, the board
counts and sums in SQL with a fixed number of queries, Today shows overdue next steps to the right people."""
import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.core.clock import local_today
from app.deals.enums import DealStage
from app.deals.models import Deal, DealStageChange
from app.deals.services import create_deal
from app.extensions import db
from tests.factories import PASSWORD, ClientFactory, InteractionFactory, ProductFactory, make_user


def _deal(client, owner, **data):
    values = {"title": "移动护理升级", "next_action": "拜访信息科主任", "next_date": local_today() + timedelta(days=3),
              "amount": Decimal("120000.00"), **data}
    return create_deal(client, values, owner)


def test_a_deal_without_a_next_step_is_refused_and_nothing_saved(client, login_as):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/deals/new?client={hospital.id}", data={
        "stage": "target", "title": "移动护理升级", "owner_id": rep.id, "next_action": "", "next_date": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "移动护理升级" in page  # the typed value is kept
    assert db.session.scalar(select(Deal.id)) is None


def test_create_with_lines_sums_the_amount_and_records_the_first_stage(client, login_as):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    product = ProductFactory()
    db.session.commit()
    response = client.post(f"/deals/new?client={hospital.id}", data={
        "stage": "needs", "title": "移动护理", "owner_id": rep.id, "next_action": "约信息科",
        "next_date": "2030-01-10", "lines-0-product_id": product.id, "lines-0-quantity": "3",
        "lines-0-unit_price": "10000.50", "lines-1-product_id": "", "amount": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    deal = db.session.scalar(select(Deal))
    assert deal.amount == Decimal("30001.50") and deal.probability == 15 and deal.stage is DealStage.NEEDS
    assert [(c.from_stage, c.to_stage) for c in deal.stage_changes] == [(None, DealStage.NEEDS)]


def test_moving_records_who_and_won_closes_the_deal(client, login_as):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    deal = _deal(hospital, rep, stage=DealStage.DRAFT)
    db.session.commit()
    response = client.post(f"/deals/{deal.id}/stage", data={"stage": "won"})
    assert response.status_code == 302
    db.session.refresh(deal)
    assert deal.stage is DealStage.WON and deal.closed_on == local_today() and deal.probability == 100
    last = db.session.scalars(select(DealStageChange).order_by(DealStageChange.id.desc())).first()
    assert (last.from_stage, last.to_stage, last.user_id) == (DealStage.DRAFT, DealStage.WON, rep.id)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert rep.display_name in page


def test_lost_needs_a_reason(client, login_as):
    rep = login_as("sales")
    deal = _deal(ClientFactory(owner_id=rep.id), rep)
    db.session.commit()
    response = client.post(f"/deals/{deal.id}/stage", data={"stage": "lost"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "请说明未成交的原因。" in response.get_data(as_text=True)
    db.session.refresh(deal)
    assert deal.stage is DealStage.TARGET
    client.post(f"/deals/{deal.id}/stage", data={"stage": "lost", "lost_reason": "预算被砍"})
    db.session.refresh(deal)
    assert deal.stage is DealStage.LOST and deal.lost_reason == "预算被砍"


def test_editing_away_the_next_step_of_an_open_deal_is_refused(client, login_as):
    rep = login_as("sales")
    deal = _deal(ClientFactory(owner_id=rep.id), rep)
    db.session.commit()
    form = client.get(f"/deals/{deal.id}/edit")
    assert form.status_code == 200
    response = client.post(f"/deals/{deal.id}/edit", data={
        "title": deal.title, "owner_id": rep.id, "next_action": "", "next_date": "2030-01-01",
        "version": deal.version})
    assert response.status_code == 422
    db.session.refresh(deal)
    assert deal.next_action == "拜访信息科主任"


def test_service_sees_deals_but_may_not_change_them(client, login_as):
    rep = make_user("sales")
    deal = _deal(ClientFactory(owner_id=rep.id), rep)
    db.session.commit()
    login_as("service")
    assert client.get(f"/deals/{deal.id}").status_code == 200
    assert client.post(f"/deals/{deal.id}/stage", data={"stage": "needs"}).status_code == 403
    assert client.post(f"/deals/{deal.id}/delete").status_code == 403
    assert client.get(f"/deals/new?client={deal.client_id}").status_code == 403


def _page_as(app, user, path):
    browser = app.test_client()
    assert browser.post("/auth/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return browser.get(path).get_data(as_text=True)


def test_overdue_next_step_on_today_for_the_owner_and_a_manager_not_another_rep(app, db):
    rep, other, manager = make_user("sales"), make_user("sales"), make_user("manager")
    deal = _deal(ClientFactory(owner_id=rep.id), rep, title="逾期的商机")
    deal.next_date = local_today() - timedelta(days=2)
    _deal(ClientFactory(owner_id=rep.id), rep, title="按期的商机")
    db.session.commit()
    for user, shown in ((rep, True), (manager, True), (other, False)):
        page = _page_as(app, user, "/")
        assert ("逾期的商机" in page) is shown, user.role
        assert "按期的商机" not in page
    assert "逾期的商机" in _page_as(app, rep, "/deals/?view=list&overdue=1")


def test_board_sums_columns_and_runs_the_same_queries_for_1_and_20_deals(app, db, query_counter):
    rep = make_user("sales")
    hospital = ClientFactory(owner_id=rep.id)
    _deal(hospital, rep)
    db.session.commit()
    browser = app.test_client()
    browser.post("/auth/login", data={"username": rep.username, "password": PASSWORD})
    with query_counter() as one:
        page = browser.get("/deals/").get_data(as_text=True)
    assert "120,000.00 元" in page
    for n in range(19):
        _deal(hospital, rep, title=f"商机{n}", stage=list(DealStage)[n % 7], amount=Decimal("0.01"))
    db.session.commit()
    with query_counter() as twenty:
        page = browser.get("/deals/").get_data(as_text=True)
    assert len(twenty) == len(one)
    assert "120,000.03 元" in page  # the target column: the first deal and two of a cent


def test_the_board_filters_by_client_grade_and_close_month(client, login_as):
    rep = login_as("sales")
    _deal(ClientFactory(owner_id=rep.id, value_grade="A"), rep, title="甲级医院的商机",
          expected_close=date(2030, 5, 20))
    _deal(ClientFactory(owner_id=rep.id, value_grade="C"), rep, title="丙级医院的商机")
    db.session.commit()
    page = client.get("/deals/?grade=A").get_data(as_text=True)
    assert "甲级医院的商机" in page and "丙级医院的商机" not in page
    page = client.get("/deals/?view=list&month=2030-05").get_data(as_text=True)
    assert "甲级医院的商机" in page and "丙级医院的商机" not in page


def test_a_visit_with_opportunities_starts_a_deal(client, login_as):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    visit = InteractionFactory(client_id=hospital.id, user_id=rep.id, opportunities="想上移动护理\n另需接口")
    db.session.commit()
    assert "转为商机" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    page = client.get(f"/deals/new?visit={visit.id}").get_data(as_text=True)
    assert 'value="想上移动护理"' in page


def test_linking_a_touch_counts_it_against_the_band(client, login_as):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    deal = _deal(hospital, rep)
    visit = InteractionFactory(client_id=hospital.id, user_id=rep.id)
    db.session.commit()
    response = client.post(f"/deals/{deal.id}/touches", data={"interaction_id": visit.id},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert visit.summary in response.get_data(as_text=True)


def test_another_reps_client_and_deals_stay_hidden_on_new_board_and_list(client, login_as):
    other = make_user("sales")
    theirs = ClientFactory(owner_id=other.id)
    _deal(theirs, other, title="别人的商机")
    login_as("sales")
    db.session.commit()
    assert client.get(f"/deals/new?client={theirs.id}").status_code == 404
    for path in ("/deals/", "/deals/?view=list"):
        for headers in ({}, {"HX-Request": "true"}):
            assert "别人的商机" not in client.get(path, headers=headers).get_data(as_text=True)


def test_a_deal_cannot_claim_another_clients_visit_as_its_source(client, login_as):
    rep = login_as("sales")
    mine, other = ClientFactory(owner_id=rep.id), ClientFactory(owner_id=rep.id)
    visit = InteractionFactory(client_id=other.id, user_id=rep.id)
    db.session.commit()
    response = client.post(f"/deals/new?client={mine.id}", data={
        "stage": "target", "title": "移动护理", "owner_id": rep.id, "next_action": "约主任",
        "next_date": "2030-01-10", "source_visit_id": visit.id})
    assert response.status_code == 422
    assert db.session.scalar(select(Deal.id)) is None


def test_a_new_deal_started_from_the_board_picks_its_client_by_name(client, login_as):
    rep = login_as("sales")
    mine = ClientFactory(owner_id=rep.id, name="璧山区人民医院")
    ClientFactory(owner_id=make_user("sales").id, name="璧山区中医院")
    db.session.commit()
    assert 'href="/deals/new"' in client.get("/deals/").get_data(as_text=True)
    assert "为哪个客户建商机" in client.get("/deals/new").get_data(as_text=True)
    found = client.get("/deals/new?q=璧山").get_data(as_text=True)
    assert f'href="/deals/new?client={mine.id}"' in found and "璧山区中医院" not in found
    assert "璧山区人民医院" in client.get(f"/deals/new?client={mine.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login_as("service")
    assert 'href="/deals/new"' not in client.get("/deals/").get_data(as_text=True)


def test_the_funnel_page_shows_conversion_and_days_per_stage_of_the_users_deals(client, login_as):
    """Two of the rep's deals this year: one moved target → needs after 2 days then lost, one still at target;
    another rep's deal (signed) is not counted."""
    rep = login_as("sales")
    mine = ClientFactory(owner_id=rep.id)
    moved, _waiting = _deal(mine, rep, title="甲"), _deal(mine, rep, title="乙")
    for stage, days in ((DealStage.NEEDS, 2), (DealStage.LOST, 3)):
        db.session.add(DealStageChange(deal_id=moved.id, from_stage=moved.stage, to_stage=stage,
                                       at=moved.created_at + timedelta(days=days)))
        moved.stage = stage
    other = make_user("sales")
    theirs = _deal(ClientFactory(owner_id=other.id), other, title="丙")
    db.session.add(DealStageChange(deal_id=theirs.id, from_stage=DealStage.TARGET, to_stage=DealStage.WON,
                                   at=theirs.created_at + timedelta(days=9)))
    db.session.commit()
    rows = _table_rows(client.get(f"/deals/funnel?year={moved.created_at.year}").get_data(as_text=True))
    assert rows["确定目标/锁定关键人"] == ["2", "50%", "0%", "2.0", "2.0"]
    assert rows["了解需求动向"] == ["1", "0%", "0%", "1.0", "1.0"]
    assert rows["上门约谈"] == ["0", "—", "—", "—", "—"]
    earlier = client.get(f"/deals/funnel?year={moved.created_at.year - 1}").get_data(as_text=True)
    assert f"{moved.created_at.year - 1} 年没有新建商机" in earlier


def _table_rows(html: str) -> dict[str, list[str]]:
    """The funnel table as {stage label: [cells…]}."""
    rows = {}
    for row in re.findall(r"<tr><td>(.*?)</tr>", html, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r"<td[^>]*>(.*?)</td>", "<td>" + row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows
