"""Acceptance 2: milestones that miss the contract amount are refused with nothing saved; receipts, outstanding
amounts and ageing buckets are exact to the fen. The bucket maths first as plain functions, then through SQL."""
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.archive.enums import AssetKind, ProductCategory
from app.archive.models import Asset
from app.core.errors import Refused
from app.core.sequences import Counter
from app.deals.contracts import (
    add_receipt,
    ageing_sums,
    change_status,
    contract_receivables,
    create_contract,
    milestone_rows,
    update_contract,
)
from app.deals.enums import ImplementationStatus, MilestoneKind
from app.deals.models import Contract, Milestone, Receipt
from app.deals.receivables import ageing, bucket_index, milestones_gap, outstanding
from tests.concurrency import at_once
from tests.factories import AssetFactory, ClientFactory, ProductFactory, make_user

TODAY = date(2026, 11, 27)


def test_buckets_by_days_past_due():
    assert bucket_index(date(2026, 11, 28), TODAY) is None  # not yet due
    assert bucket_index(TODAY, TODAY) == 0
    assert bucket_index(date(2026, 10, 28), TODAY) == 0  # 30 days
    assert bucket_index(date(2026, 10, 27), TODAY) == 1  # 31 days
    assert bucket_index(date(2026, 9, 28), TODAY) == 1  # 60 days
    assert bucket_index(date(2026, 9, 27), TODAY) == 2  # 61 days
    assert bucket_index(date(2026, 8, 29), TODAY) == 2  # 90 days
    assert bucket_index(date(2026, 8, 28), TODAY) == 3  # 91 days
    assert bucket_index(date(2020, 1, 1), TODAY) == 3


def test_ageing_sums_to_the_fen():
    items = [(date(2026, 11, 20), D("0.10")), (date(2026, 11, 1), D("0.20")), (date(2026, 10, 1), D("33333.33")),
             (date(2026, 9, 1), D("12345.67")), (date(2025, 1, 1), D("0.01")), (date(2026, 12, 1), D("999.99")),
             (date(2026, 1, 1), D("0.00"))]
    assert ageing(items, TODAY) == [D("0.30"), D("33333.33"), D("12345.67"), D("0.01")]


def test_outstanding_and_gap():
    assert outstanding(D("100000.00"), D("33333.34")) == D("66666.66")
    assert milestones_gap(D("100000"), [D("33333.33"), D("33333.33"), D("33333.33")]) == (D("99999.99"),
                                                                                           D("100000.00"))


def _data(amount, *milestones, signed_on=date(2026, 3, 2), lines=()):
    return {"title": "HIS 升级", "signed_on": signed_on, "amount": D(amount), "owner_id": None,
            "maintenance_until": None, "lines": list(lines),
            "milestones": [{"kind": kind, "due_on": due, "amount": D(value), "note": ""}
                           for kind, due, value in milestones]}


@pytest.fixture
def world(db):
    rep = make_user("sales")
    client = ClientFactory(owner_id=rep.id)
    db.session.commit()
    return rep, client


def test_milestones_missing_the_amount_are_refused_and_nothing_saved(db, world):
    rep, client = world
    data = _data("100000.00", (MilestoneKind.DOWN_PAYMENT, date(2026, 3, 10), "30000.00"),
                 (MilestoneKind.ACCEPTANCE, date(2026, 9, 1), "69999.99"))
    with pytest.raises(Refused) as refused:
        create_contract(client, data, rep)
    assert "99,999.99" in refused.value.message and "100,000.00" in refused.value.message
    db.session.commit()
    for model in (Contract, Milestone, Counter):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0  # not even a number used


def _contract(db, client, rep):
    contract = create_contract(client, _data(
        "100000.00", (MilestoneKind.DOWN_PAYMENT, date(2026, 3, 10), "30000.00"),
        (MilestoneKind.ACCEPTANCE, date(2026, 9, 1), "50000.00"), (MilestoneKind.FINAL, date(2027, 3, 1), "20000.00")),
        rep)
    db.session.commit()
    return contract


def test_numbered_by_the_year_of_signing(db, world):
    rep, client = world
    assert _contract(db, client, rep).number == "HT-2026-0001"
    assert _contract(db, client, rep).number == "HT-2026-0002"


def test_partial_receipts_never_beyond_the_milestone(db, world):
    rep, client = world
    contract = _contract(db, client, rep)
    down, acceptance, _final = contract.milestones
    add_receipt(contract, {"milestone_id": down.id, "received_on": date(2026, 3, 9), "amount": D("10000.01")})
    add_receipt(contract, {"milestone_id": down.id, "received_on": date(2026, 3, 20), "amount": D("19999.98")})
    with pytest.raises(Refused) as refused:
        add_receipt(contract, {"milestone_id": down.id, "received_on": date(2026, 3, 21), "amount": D("0.02")})
    assert refused.value.field == "amount" and "0.01" in refused.value.message
    add_receipt(contract, {"milestone_id": acceptance.id, "received_on": date(2026, 9, 2), "amount": D("0.01")})
    db.session.commit()
    rows = {m.kind: (received, owed) for m, received, owed in milestone_rows(contract)}
    assert rows[MilestoneKind.DOWN_PAYMENT] == (D("29999.99"), D("0.01"))
    assert rows[MilestoneKind.ACCEPTANCE] == (D("0.01"), D("49999.99"))
    assert rows[MilestoneKind.FINAL] == (0, D("20000.00"))

    (found, received, owed, overdue), = db.session.execute(contract_receivables(rep, TODAY)).all()
    assert (received, owed, overdue) == (D("30000.00"), D("70000.00"), D("50000.00"))
    # 0.01 of the down payment is 262 days late, 49,999.99 of acceptance 87 days; the final one is not yet due.
    assert ageing_sums(rep, TODAY) == [D("0.00"), D("0.00"), D("49999.99"), D("0.01")]
    receipt = db.session.scalar(select(Receipt).where(Receipt.amount == D("0.01")))
    receipt.soft_delete(rep)
    db.session.commit()
    assert ageing_sums(rep, TODAY) == [D("0.00"), D("0.00"), D("50000.00"), D("0.01")]


def test_another_reps_receivables_are_not_summed(db, world):
    rep, client = world
    _contract(db, client, rep)
    other = make_user("sales")
    db.session.commit()
    assert ageing_sums(other, TODAY) == [D("0.00")] * 4
    assert db.session.execute(contract_receivables(other, TODAY)).all() == []


def test_edit_keeps_milestones_above_what_was_received(db, world):
    rep, client = world
    contract = _contract(db, client, rep)
    down = contract.milestones[0]
    add_receipt(contract, {"milestone_id": down.id, "received_on": date(2026, 3, 9), "amount": D("20000.00")})
    db.session.commit()
    data = _data("100000.00", (MilestoneKind.DOWN_PAYMENT, date(2026, 3, 10), "10000.00"),
                 (MilestoneKind.FINAL, date(2027, 3, 1), "90000.00"))
    data["milestones"][0]["id"] = down.id
    with pytest.raises(Refused):
        update_contract(contract, data)
    data["milestones"][0]["amount"], data["milestones"][1]["amount"] = D("20000.00"), D("80000.00")
    update_contract(contract, data)
    db.session.commit()
    assert [(m.kind, m.amount) for m in contract.milestones] == [
        (MilestoneKind.DOWN_PAYMENT, D("20000.00")), (MilestoneKind.FINAL, D("80000.00"))]
    data["milestones"].pop(0)
    data["milestones"][0]["amount"] = D("100000.00")
    with pytest.raises(Refused):  # the down payment has a receipt
        update_contract(contract, data)


def test_acceptance_feeds_the_installed_base(db, world):
    rep, client = world
    his, lis = ProductFactory(name="HIS"), ProductFactory(name="LIS")
    training = ProductFactory(name="培训", category=ProductCategory.SERVICE)
    old = AssetFactory(client_id=client.id, kind=AssetKind.SOFTWARE, product_id=his.id, name="HIS",
                       maintenance_until=date(2026, 12, 31))
    db.session.commit()
    lines = [{"product_id": p.id, "quantity": 1, "unit_price": D("50000.00")} for p in (his, lis)]
    lines.append({"product_id": training.id, "quantity": 2, "unit_price": D("0.00")})
    data = _data("100000.00", (MilestoneKind.FINAL, date(2027, 3, 1), "100000.00"), lines=lines)
    data["maintenance_until"] = date(2029, 12, 31)
    contract = create_contract(client, data, rep)
    assert change_status(contract, ImplementationStatus.IMPLEMENTING) == []
    touched = change_status(contract, ImplementationStatus.ACCEPTED)
    db.session.commit()
    assert contract.acceptance_actual is not None
    assets = db.session.scalars(select(Asset).where(Asset.client_id == client.id).order_by(Asset.id)).all()
    assert [(a.name, a.kind, a.maintenance_until) for a in assets] == [
        ("HIS", AssetKind.SOFTWARE, date(2029, 12, 31)), ("LIS", AssetKind.SOFTWARE, date(2029, 12, 31))]
    assert assets[0].id == old.id and len(touched) == 2


def test_payments_registered_at_the_same_moment_never_overpay_a_milestone(app, db, world):
    """Three people register 12,000 against the 30,000 down payment at once: two pass, the third is refused."""
    rep, client = world
    contract = _contract(db, client, rep)
    db.session.commit()
    contract_id, down_id = contract.id, contract.milestones[0].id

    def pay(_n):
        add_receipt(db.session.get(Contract, contract_id),
                    {"milestone_id": down_id, "received_on": date(2026, 3, 9), "amount": D("12000.00")})

    assert at_once(app, 3, pay) == ["ok", "ok", "refused"]
    assert db.session.scalar(select(func.sum(Receipt.amount))) == D("24000.00")
