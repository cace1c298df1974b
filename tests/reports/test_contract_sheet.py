"""The contract-tracking sheet (合同跟踪表): a client's contracts and milestones with due / received / outstanding,
ageing and overdue flags and totals, from the deals domain's sums; 404 outside the user's scope."""
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest

from app.deals.contracts import add_receipt, create_contract
from app.deals.enums import MilestoneKind
from app.extensions import db
from app.reports.contract_sheet import contract_sheet
from tests.factories import ClientFactory
from tests.pdfcheck import check_pdf

TODAY = date(2026, 11, 27)


@pytest.fixture
def today(today_is):
    return today_is(TODAY)


@pytest.fixture
def contracts(db, login_as, today):
    """Two contracts of one hospital: 100,000 yuan with its down payment received and its delivery payment 40 days
    past due, and 20,000 yuan not yet due."""
    rep = login_as("sales")
    client = ClientFactory(owner_id=rep.id, name="绵阳珺镕医院")
    his = create_contract(client, {
        "title": "HIS 升级", "signed_on": date(2026, 9, 1), "amount": Decimal("100000.00"), "lines": [],
        "acceptance_planned": date(2027, 1, 15),
        "milestones": [{"kind": MilestoneKind.DOWN_PAYMENT, "due_on": date(2026, 9, 10), "amount": Decimal("30000")},
                       {"kind": MilestoneKind.DELIVERY, "due_on": date(2026, 10, 18), "amount": Decimal("50000")},
                       {"kind": MilestoneKind.FINAL, "due_on": date(2027, 3, 1), "amount": Decimal("20000")}]}, rep)
    create_contract(client, {
        "title": "移动护理", "signed_on": date(2026, 11, 2), "amount": Decimal("20000.00"), "lines": [],
        "milestones": [{"kind": MilestoneKind.FINAL, "due_on": date(2026, 12, 20), "amount": Decimal("20000")}]},
        rep)
    add_receipt(his, {"milestone_id": his.milestones[0].id, "received_on": date(2026, 9, 12),
                      "amount": Decimal("30000")})
    add_receipt(his, {"milestone_id": his.milestones[1].id, "received_on": date(2026, 10, 30),
                      "amount": Decimal("10000")})
    db.session.commit()
    return rep, client


def test_the_sheet_adds_up_from_the_deals_sums(contracts):
    rep, client = contracts
    sheet = contract_sheet(client, rep, TODAY)

    assert [row.contract.title for row in sheet.contracts] == ["HIS 升级", "移动护理"]  # oldest signed first
    assert (sheet.amount, sheet.total("received"), sheet.total("outstanding"), sheet.total("overdue")) == (
        Decimal("120000.00"), Decimal("40000.00"), Decimal("80000.00"), Decimal("40000.00"))
    delivery = sheet.contracts[0].milestones[1]
    assert (delivery.received, delivery.outstanding, delivery.bucket, delivery.overdue) == (
        Decimal("10000"), Decimal("40000.00"), "31–60", True)
    assert [line.overdue for line in sheet.contracts[0].milestones] == [False, True, False]
    assert sheet.ageing[1] == ("31–60", Decimal("40000.00")) and sheet.ageing[0][1] == 0


def test_the_sheet_prints_contracts_milestones_and_totals(client, contracts, tmp_path):
    _rep, hospital = contracts
    response = client.get(f"/reports/clients/{hospital.id}/contracts.pdf")

    assert response.status_code == 200
    text = "".join(check_pdf(response.data, tmp_path).text.split())
    for expected in ("合同跟踪表·绵阳珺镕医院", "截至2026-11-27", "HIS升级", "移动护理", "100,000.00", "120,000.00",
                     "40,000.00", "逾期40,000.00", "31–60天", "2027-01-15", "已结清", "未到期", "合计"):
        assert expected in text, expected
    assert response.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''" + quote("合同跟踪表-绵阳珺镕医院-2026-11-27.pdf"))


def test_a_client_without_contracts_still_gets_a_sheet(client, login_as, tmp_path):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id, name="南充新院")
    db.session.commit()
    text = "".join(check_pdf(client.get(f"/reports/clients/{hospital.id}/contracts.pdf").data, tmp_path).text.split())
    assert "南充新院" in text and "暂无合同" in text


def test_another_reps_client_answers_404(client, contracts, login_as):
    _rep, hospital = contracts
    client.post("/auth/logout")  # sign in as someone else
    login_as("sales")
    assert client.get(f"/reports/clients/{hospital.id}/contracts.pdf").status_code == 404
    assert client.get(f"/reports/clients/{hospital.id + 1000}/contracts.pdf").status_code == 404


def test_the_client_page_and_the_contract_page_offer_the_sheet(client, contracts):
    _rep, hospital = contracts
    url = f"/reports/clients/{hospital.id}/contracts.pdf"
    assert url in client.get(f"/clients/{hospital.id}").get_data(as_text=True)
    contract_id = contract_sheet(hospital, _rep, TODAY).contracts[0].contract.id
    assert url in client.get(f"/contracts/{contract_id}").get_data(as_text=True)
