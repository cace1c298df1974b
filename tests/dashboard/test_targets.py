"""KPI targets (目标): the scorecard on hand-worked data (target, actual, achievement, change vs the period
before), a rep's targets apart from the team's, a fixed number of queries, and the targets page."""
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.complaints.models import Survey
from app.core.models import AuditEvent
from app.dashboard.kpis import Period, catalogue
from app.dashboard.targets import (
    KpiTarget,
    achievement,
    format_change,
    format_value,
    parse_period,
    period_label,
    save_targets,
    scorecard,
    stored_target,
    typed_target,
)
from app.deals.contracts import add_receipt
from app.deals.enums import DealStage
from tests.factories import ClientFactory, closed_deal, make_user, signed_contract

OCTOBER, SEPTEMBER = Period.month(2026, 10), Period.month(2026, 9)


# --- Rules (no app, no database) --------------------------------------------------------------------------------

def test_values_print_by_unit():
    assert format_value("count", 12) == "12" and format_value("count", D("1200.0000")) == "1,200"
    assert format_value("rate", D("0.35")) == "35.0%" and format_value("rate", D("1.25")) == "125.0%"
    assert format_value("money", D("65000")) == "65,000.00 元"
    assert (format_value("score", 12), format_value("score", -5), format_value("score", 0)) == ("+12", "−5", "0")
    assert format_value("mean", D("4.16")) == "4.2"
    assert format_value("rate", None) == "—"
    assert format_change("rate", D("-0.05")) == "−5.0 pp" and format_change("count", 3) == "+3"
    assert format_change("money", D("-1000")) == "−1,000.00 元" and format_change("count", None) == "—"


def test_targets_are_typed_in_the_units_people_use():
    assert stored_target("rate", "35") == D("0.35") == stored_target("rate", "35%")
    assert stored_target("count", "12") == 12 and stored_target("money", "80,000") == D("80000")
    assert stored_target("score", "-20") == D("-20") and stored_target("count", " ") is None
    assert typed_target("rate", D("0.3500")) == "35" and typed_target("money", D("80000.0000")) == "80000"
    for unit, typed in (("count", "abc"), ("count", "-3"), ("count", "2.5"), ("rate", "1500"), ("score", "101"),
                        ("mean", "6"), ("money", "1e9"), ("count", "١٢")):
        with pytest.raises(ValueError):
            stored_target(unit, typed)


def test_achievement_needs_a_positive_target():
    assert achievement(D("0.18"), D("0.20")) == D("0.9")
    assert achievement(None, D("1")) is None and achievement(5, None) is None and achievement(5, D("0")) is None
    assert achievement(-10, D("-20")) is None  # an NPS target below zero: the ratio means nothing
    assert achievement(-10, D("20")) == D("-0.5")


def test_periods_as_typed():
    assert parse_period("month", "2026-11") == Period.month(2026, 11)
    assert parse_period("quarter", "2026-Q4") == Period.quarter(2026, 4) == parse_period("quarter", "2026q4")
    assert parse_period("year", "2026") == Period.year(2026)
    unreadable = (("month", "2026-13"), ("quarter", "2026-Q5"), ("year", "26"), ("week", "2026"), ("month", None))
    assert [parse_period(kind, typed) for kind, typed in unreadable] == [None] * 5


# --- The scorecard --------------------------------------------------------------------------------------------

@pytest.fixture
def october(db):
    """Rep A's clients, by hand (September → October):
    - new clients: a2 in September, a1 in October → 1 → 1, change 0;
    - deals: September a2 won (1/1); October a1 won, a1 lost (1/2) → 1.0 → 0.5, change −0.5;
    - contracts: a2 50,000 signed Sep 15; a1 100,000 signed Oct 5 → average 50,000 → 100,000, change +50,000;
    - repurchase: nobody has two contracts → 0 of 1 → 0 of 2;
    - collected vs due: Sep 50,000 of 50,000; Oct 20,000 of 40,000 → 1 → 0.5;
    - NPS in October: 10, 9, 6, 8 → (2 − 1) / 4 = 25; September: no answer → None, change None."""
    rep = make_user("sales")
    a1 = ClientFactory(owner_id=rep.id, created_at=datetime(2026, 10, 3, 2))
    a2 = ClientFactory(owner_id=rep.id, created_at=datetime(2026, 9, 10, 2))
    closed_deal(a2, rep, DealStage.WON, date(2026, 9, 12))
    closed_deal(a1, rep, DealStage.WON, date(2026, 10, 12))
    closed_deal(a1, rep, DealStage.LOST, date(2026, 10, 20))
    september = signed_contract(a2, rep, "50000.00", date(2026, 9, 15), (date(2026, 9, 20), "50000.00"))
    add_receipt(september, {"milestone_id": september.milestones[0].id, "received_on": date(2026, 9, 20),
                            "amount": D("50000.00")})
    first = signed_contract(a1, rep, "100000.00", date(2026, 10, 5), (date(2026, 10, 10), "40000.00"),
                      (date(2027, 1, 10), "60000.00"))
    add_receipt(first, {"milestone_id": first.milestones[0].id, "received_on": date(2026, 10, 9),
                        "amount": D("20000.00")})
    for score in (10, 9, 6, 8):
        db.session.add(Survey(client_id=a1.id, nps=score, answered_at=datetime(2026, 10, 15)))
    save_targets(OCTOBER, None, {"new_clients": D("2"), "deal_conversion": D("0.40"),
                                 "average_contract_value": D("80000"), "repurchase": D("0.10"),
                                 "collected_vs_due": D("0.90"), "nps": D("50")})
    db.session.commit()
    return rep


def test_the_scorecard_of_october_against_its_targets_and_september(october):
    lines = scorecard(OCTOBER, None)
    assert [line.kpi.key for line in lines] == [kpi.key for kpi in catalogue()]
    by_key = {line.kpi.key: line for line in lines}
    expected = {  # key: (target, actual, achievement, previous, change)
        "new_clients": (D("2"), 1, D("0.5"), 1, 0),
        "deal_conversion": (D("0.4"), D("0.5"), D("1.25"), D("1"), D("-0.5")),
        "average_contract_value": (D("80000"), D("100000"), D("1.25"), D("50000"), D("50000")),
        "repurchase": (D("0.1"), D("0"), D("0"), D("0"), D("0")),
        "collected_vs_due": (D("0.9"), D("0.5"), D("0.5556"), D("1"), D("-0.5")),
        "nps": (D("50"), 25, D("0.5"), None, None),
    }
    for key, (target, actual, achieved, previous, change) in expected.items():
        line = by_key[key]
        assert (line.target, line.actual.value, line.achievement, line.previous.value, line.change) == (
            target, actual, achieved, previous, change), key


def test_an_empty_period_has_no_targets_no_rates_and_no_error(october):
    lines = scorecard(Period.quarter(2025, 1), None)
    assert all(line.target is None and line.achievement is None for line in lines)
    by_key = {line.kpi.key: line for line in lines}
    assert by_key["deal_conversion"].actual.value is None and by_key["new_clients"].actual.value == 0


def test_a_reps_targets_do_not_mix_with_the_teams(october, db):
    other = make_user("sales")
    save_targets(OCTOBER, october.id, {"new_clients": D("1")})
    db.session.commit()
    mine = {line.kpi.key: line for line in scorecard(OCTOBER, october.id)}
    assert mine["new_clients"].target == D("1") and mine["new_clients"].achievement == D("1")
    assert mine["nps"].target is None  # no falling back on the team's target
    assert all(line.target is None for line in scorecard(OCTOBER, other.id))
    assert {line.kpi.key: line.target for line in scorecard(OCTOBER, None)}["new_clients"] == D("2")


def test_the_scorecard_takes_a_fixed_number_of_queries(october, db, query_counter):
    with query_counter() as few:
        scorecard(OCTOBER, None)
    rep = make_user("sales")
    for day in range(1, 20):
        client = ClientFactory(owner_id=rep.id, created_at=datetime(2026, 10, day, 9))
        closed_deal(client, rep, DealStage.WON, date(2026, 10, day))
        signed_contract(client, rep, "1000.00", date(2026, 10, day), (date(2026, 10, 28), "1000.00"))
        db.session.add(Survey(client_id=client.id, nps=9, answered_at=datetime(2026, 10, day)))
    save_targets(OCTOBER, rep.id, {"new_clients": D("30")})
    db.session.commit()
    with query_counter() as many:
        scorecard(OCTOBER, None)
    assert len(many) == len(few)
    assert len([sql for sql in few if "kpi_targets" in sql]) == 1


# --- The targets page -----------------------------------------------------------------------------------------

def _targets(db, rep_id=None) -> dict:
    db.session.expire_all()
    return {t.kpi: t.value for t in db.session.scalars(select(KpiTarget).where(
        KpiTarget.period_start == date(2026, 11, 1), KpiTarget.period_kind == "month",
        KpiTarget.rep_id.is_(None) if rep_id is None else KpiTarget.rep_id == rep_id))}


URL = "/dashboard/targets?kind=month&period=2026-11"


def test_a_manager_sets_updates_and_removes_targets(client, login_as, db):
    login_as("manager")
    page = client.get(URL).get_data(as_text=True)
    assert "新增客户" in page and "商机转化率" in page and "单位：%" in page
    assert "2026-11" in page and 'name="target_deal_conversion"' in page

    response = client.post(URL, data={"target_new_clients": "12", "target_deal_conversion": "35",
                                      "target_average_contract_value": "80,000"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/dashboard/targets?kind=month&period=2026-11&rep=")
    assert _targets(db) == {"new_clients": D("12"), "deal_conversion": D("0.35"),
                            "average_contract_value": D("80000")}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "kpi_targets")).all()
    assert len(events) == 3 and {event.action for event in events} == {"create"}
    assert 'value="35"' in client.get(URL).get_data(as_text=True)  # a rate shows as the percentage typed

    client.post(URL, data={"target_new_clients": "15", "target_deal_conversion": "",
                           "target_average_contract_value": "80000"})
    assert _targets(db) == {"new_clients": D("15"), "average_contract_value": D("80000")}
    actions = [event.action for event in db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "kpi_targets").order_by(AuditEvent.id))]
    assert actions[3:] == ["update", "purge"]  # 80,000 again changed nothing


def test_a_reps_targets_are_set_apart(client, login_as, db):
    login_as("manager")
    rep = make_user("sales")
    db.session.commit()
    client.post(f"{URL}&rep={rep.id}", data={"target_new_clients": "3"})
    assert _targets(db, rep.id) == {"new_clients": D("3")} and _targets(db) == {}


def test_bad_targets_are_shown_by_their_field_and_nothing_is_saved(client, login_as, db):
    login_as("manager")
    client.post(URL, data={"target_new_clients": "5"})
    response = client.post(URL, data={"target_new_clients": "abc", "target_deal_conversion": "1500",
                                      "target_repurchase": "-3", "target_average_contract_value": "90000"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入数字。" in html and "比率须为 0 到 1000 之间的百分数。" in html
    assert 'value="abc"' in html and 'value="1500"' in html and 'value="90000"' in html
    assert _targets(db) == {"new_clients": D("5")}


@pytest.mark.parametrize("role", ["sales", "service"])
def test_only_admin_and_manager_set_targets(client, login_as, db, role):
    login_as(role)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"target_new_clients": "5"}).status_code == 403
    assert _targets(db) == {}


def test_a_period_that_cannot_be_read_is_shown_with_its_message(client, login_as, db):
    login_as("admin")
    response = client.get("/dashboard/targets?kind=quarter&period=2026-Q7")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "2026-Q7" in html and "周期请写作" in html and "target_new_clients" not in html
    assert client.get("/dashboard/targets?rep=999999").status_code == 400


def test_the_period_name_in_chinese(app):
    with app.test_request_context():
        assert period_label(Period.quarter(2026, 4)) == "2026年第4季度"
        assert period_label(Period.year(2026)) == "2026年" and period_label(OCTOBER) == "2026-10"


def test_switching_the_kind_alone_takes_the_period_the_typed_one_falls_in(client, login_as, db):
    login_as("manager")
    html = client.get("/dashboard/targets?kind=quarter&period=2026-11").get_data(as_text=True)
    assert "2026年第4季度" in html and 'value="2026-Q4"' in html
