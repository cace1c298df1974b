"""Contracts over HTTP: signing with milestones (refused with the typed values kept when they miss the amount),
receipts, implementation moves, who may write, and pages whose query count does not grow with the contracts."""
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.deals.contracts import add_receipt, create_contract
from app.deals.enums import DealStage, ImplementationStatus, MilestoneKind
from app.deals.models import Contract, Deal, DealLine, Milestone, Receipt
from tests.factories import ClientFactory, ProductFactory, make_user

HTMX = {"HX-Request": "true"}


def _form(amount="100000.00", first="30000.00", second="70000.00", **extra):
    return {"title": "HIS 升级", "signed_on": "2026-11-02", "amount": amount,
            "milestones-0-kind": "down_payment", "milestones-0-due_on": "2026-11-10", "milestones-0-amount": first,
            "milestones-1-kind": "acceptance", "milestones-1-due_on": "2027-03-01", "milestones-1-amount": second,
            **extra}


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_sign_a_contract_for_a_client(client, login_as, db):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id, name="市一医院")
    db.session.commit()
    page = client.get(f"/contracts/new?client={hospital.id}")
    assert page.status_code == 200 and "市一医院" in page.get_data(as_text=True)
    response = client.post(f"/contracts/new?client={hospital.id}", data=_form())
    assert response.status_code == 302
    contract = db.session.scalar(select(Contract))
    assert (contract.number, contract.amount, contract.owner_id) == ("HT-2026-0001", D("100000.00"), rep.id)
    shown = client.get(response.location).get_data(as_text=True)
    assert "100,000.00 元" in shown and "70,000.00 元" in shown


def test_milestones_not_adding_up_refused_with_the_values_kept(client, login_as, db):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/contracts/new?client={hospital.id}", data=_form(second="69999.99"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "99,999.99" in html and "100,000.00" in html and 'value="69999.99"' in html
    assert _count(db, Contract) == 0 and _count(db, Milestone) == 0


def test_more_than_two_decimals_refused(client, login_as, db):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/contracts/new?client={hospital.id}", data=_form(first="30000.001"))
    assert response.status_code == 422 and _count(db, Contract) == 0


def test_from_a_won_deal(client, login_as, db):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    product = ProductFactory(name="LIS")
    deal = Deal(client_id=hospital.id, title="LIS 二期", owner_id=rep.id, stage=DealStage.WON, amount=D("80000"))
    deal.lines = [DealLine(product_id=product.id, quantity=2, unit_price=D("40000.00"))]
    open_deal = Deal(client_id=hospital.id, title="PACS", owner_id=rep.id, stage=DealStage.MEETING)
    db.session.add_all([deal, open_deal])
    db.session.commit()
    assert client.get(f"/contracts/new?deal={open_deal.id}").status_code == 404
    page = client.get(f"/contracts/new?deal={deal.id}").get_data(as_text=True)
    assert 'value="LIS 二期"' in page and 'value="80000.00"' in page
    response = client.post(f"/contracts/new?deal={deal.id}", data=_form(
        amount="80000.00", first="40000.00", second="40000.00", **{
            "lines-0-product_id": product.id, "lines-0-quantity": 2, "lines-0-unit_price": "40000.00"}))
    assert response.status_code == 302
    contract = db.session.scalar(select(Contract))
    assert contract.deal_id == deal.id and [(line.product_id, line.quantity) for line in contract.lines] == [
        (product.id, 2)]


def _signed(db, rep, **overrides):
    hospital = overrides.pop("client", None) or ClientFactory(owner_id=rep.id)
    contract = create_contract(hospital, {
        "title": "HIS", "signed_on": date(2026, 3, 2), "amount": D("100000.00"), "lines": [], "milestones": [
            {"kind": MilestoneKind.DOWN_PAYMENT, "due_on": date(2026, 3, 10), "amount": D("30000.00")},
            {"kind": MilestoneKind.FINAL, "due_on": date(2026, 12, 1), "amount": D("70000.00")}], **overrides}, rep)
    db.session.commit()
    return contract


def test_partial_payment_and_too_much(client, login_as, db):
    rep = login_as("sales")
    contract = _signed(db, rep)
    down = contract.milestones[0]
    url = f"/contracts/{contract.id}/receipts"
    response = client.post(url, data={"milestone_id": down.id, "received_on": "2026-03-09", "amount": "10000.50"},
                           headers=HTMX)
    assert response.status_code == 200 and "19,999.50 元" in response.get_data(as_text=True)
    too_much = client.post(url, data={"milestone_id": down.id, "received_on": "2026-03-10", "amount": "19999.51"})
    assert too_much.status_code == 422 and "19,999.50" in too_much.get_data(as_text=True)
    assert db.session.scalar(select(func.sum(Receipt.amount))) == D("10000.50")
    receipt = db.session.scalar(select(Receipt))
    assert client.post(f"/contracts/{contract.id}/receipts/{receipt.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Receipt, receipt.id).deleted_at is not None


def test_receipt_of_another_contract_is_404(client, login_as, db):
    rep = login_as("sales")
    mine, theirs = _signed(db, rep), _signed(db, rep)
    receipt = add_receipt(theirs, {"milestone_id": theirs.milestones[0].id, "received_on": date(2026, 3, 9),
                                   "amount": D("1.00")})
    db.session.commit()
    assert client.post(f"/contracts/{mine.id}/receipts/{receipt.id}/delete").status_code == 404
    refused = client.post(f"/contracts/{mine.id}/receipts", data={
        "milestone_id": theirs.milestones[0].id, "received_on": "2026-03-09", "amount": "1.00"})
    assert refused.status_code == 422 and _count(db, Receipt) == 1


def test_implementation_buttons(client, login_as, db):
    rep = login_as("sales")
    contract = _signed(db, rep)
    response = client.post(f"/contracts/{contract.id}/status", data={"status": "implementing"}, headers=HTMX)
    assert response.status_code == 200 and "Vary" in response.headers
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).implementation_status is ImplementationStatus.IMPLEMENTING


def test_edit_with_the_version(client, login_as, db):
    rep = login_as("sales")
    contract = _signed(db, rep)
    page = client.get(f"/contracts/{contract.id}/edit").get_data(as_text=True)
    assert 'value="30000.00"' in page
    first, final = contract.milestones
    response = client.post(f"/contracts/{contract.id}/edit", data={
        "title": "HIS 改", "signed_on": "2026-03-02", "amount": "100000.00", "version": contract.version,
        "milestones-0-id": first.id, "milestones-0-kind": "down_payment", "milestones-0-due_on": "2026-03-10",
        "milestones-0-amount": "50000.00", "milestones-1-id": final.id, "milestones-1-kind": "final",
        "milestones-1-due_on": "2026-12-01", "milestones-1-amount": "50000.00"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [m.amount for m in db.session.get(Contract, contract.id).milestones] == [D("50000.00")] * 2


@pytest.mark.parametrize("role", ["service"])
def test_service_reads_but_does_not_write(client, login_as, db, role):
    rep = make_user("sales")
    db.session.commit()
    contract = _signed(db, rep)
    login_as(role)
    page = client.get(f"/contracts/{contract.id}")
    assert page.status_code == 200 and "/receipts" not in page.get_data(as_text=True)
    assert client.post(f"/contracts/{contract.id}/status", data={"status": "accepted"}).status_code == 403
    assert client.get(f"/contracts/new?client={contract.client_id}").status_code == 403


def test_delete_to_the_recycle_bin(client, login_as, db):
    rep = login_as("sales")
    contract = _signed(db, rep)
    assert client.post(f"/contracts/{contract.id}/delete").status_code == 302
    assert client.get(f"/contracts/{contract.id}").status_code == 404
    assert client.get("/contracts/").status_code == 200


def _count_queries(client, query_counter, url):
    with query_counter() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/contracts/", "/contracts/receivables", "/contracts/receivables?by=client", "/"])
def test_pages_issue_a_fixed_number_of_queries(client, login_as, db, query_counter, url):
    rep = login_as("sales")
    _signed(db, rep)
    few = _count_queries(client, query_counter, url)
    for _ in range(19):
        contract = _signed(db, rep, client=ClientFactory(owner_id=rep.id))
        add_receipt(contract, {"milestone_id": contract.milestones[0].id, "received_on": date(2026, 3, 9),
                               "amount": D("100.00")})
    db.session.commit()
    assert _count_queries(client, query_counter, url) == few


def test_a_contract_page_reads_its_milestones_receipts_in_fixed_queries(client, login_as, db, query_counter):
    rep = login_as("sales")
    few = _signed(db, rep)
    many = _signed(db, rep, amount=D("60000.00"), milestones=[
        {"kind": MilestoneKind.OTHER, "due_on": date(2026, 4, n), "amount": D("10000.00")} for n in range(1, 7)])
    for contract in (few, many):
        for milestone in contract.milestones:
            add_receipt(contract, {"milestone_id": milestone.id, "received_on": date(2026, 3, 9), "amount": D("1.00")})
    db.session.commit()
    assert _count_queries(client, query_counter, f"/contracts/{many.id}") == _count_queries(
        client, query_counter, f"/contracts/{few.id}")


def test_client_page_and_filters(client, login_as, db):
    rep = login_as("sales")
    contract = _signed(db, rep)
    panel = client.get(f"/clients/{contract.client_id}").get_data(as_text=True)
    assert contract.number in panel and "100,000.00 元" in panel
    assert contract.number in client.get("/contracts/?year=2026&status=not_started").get_data(as_text=True)
    assert contract.number not in client.get("/contracts/?year=2025").get_data(as_text=True)


def test_a_deleted_receipt_waits_in_the_recycle_bin_for_those_who_see_it(client, login_as, db):
    rep = make_user("sales")
    db.session.commit()
    contract = _signed(db, rep)
    receipt = add_receipt(contract, {"milestone_id": contract.milestones[0].id, "received_on": date(2026, 3, 9),
                                     "amount": D("1234.56")})
    receipt.soft_delete(rep)
    db.session.commit()
    login_as("manager")
    assert "2026-03-09 · 1,234.56 元" in client.get("/admin/recycle-bin").get_data(as_text=True)
    other = make_user("sales")
    db.session.commit()
    assert db.session.execute(select(Receipt).where(Receipt.scope(other))).all() == []
    assert db.session.execute(select(Receipt).where(Receipt.scope(rep))).scalars().all() == [receipt]


def test_a_deleted_receipt_comes_back_only_while_its_milestone_still_owes_it(client, login_as, db):
    rep = make_user("sales")
    db.session.commit()
    contract = _signed(db, rep)
    first = contract.milestones[0].id
    kept, settled = (add_receipt(contract, {"milestone_id": first, "received_on": date(2026, 3, 9),
                                            "amount": D(amount)}) for amount in ("1000.00", "2000.00"))
    kept.soft_delete(rep)
    settled.soft_delete(rep)
    db.session.commit()
    login_as("manager")
    assert client.post(f"/admin/recycle-bin/receipts/{kept.id}/restore").status_code == 302
    add_receipt(contract, {"milestone_id": first, "received_on": date(2026, 3, 20), "amount": D("29000.00")})
    db.session.commit()  # the milestone is settled: 1,000 + 29,000 of 30,000
    response = client.post(f"/admin/recycle-bin/receipts/{settled.id}/restore", follow_redirects=True)
    assert "已收 30,000.00 元，共 30,000.00 元" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Receipt, settled.id).is_deleted and not db.session.get(Receipt, kept.id).is_deleted
    assert db.session.scalar(select(func.sum(Receipt.amount)).where(Receipt.deleted_at.is_(None))) == D("30000.00")
