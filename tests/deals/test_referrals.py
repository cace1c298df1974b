"""Referrals and reward points: recorded from the referring client's page (a new lead created on the spot), points
granted once at the referred client's first contract at the admin's rate, redemptions never below zero."""
from datetime import date
from decimal import Decimal

import pytest

from app.archive.enums import LeadSource, Lifecycle
from app.archive.models import Client
from app.core.errors import Refused
from app.core.models import AuditEvent, User
from app.core.sequences import next_number
from app.deals import referrals
from app.deals.enums import ReferralStatus
from app.deals.models import Contract, PointsEntry, Referral
from app.deals.referrals import grant_for_contract, points_balance, redeem_points, set_referral_rate
from tests.concurrency import at_once
from tests.factories import ClientFactory, ContactFactory, make_user

HTMX = {"HX-Request": "true"}


def sign_contract(client, amount: str, signed_on=date(2026, 11, 20)) -> Contract:
    """A signed contract as the contracts' create service leaves it (number from the year's counter)."""
    contract = Contract(client_id=client.id, number=next_number("HT", signed_on.year), title="LIS 检验系统",
                        signed_on=signed_on, amount=Decimal(amount))
    from app.extensions import db
    db.session.add(contract)
    db.session.flush()
    return contract


@pytest.fixture
def pair(db):
    """A rep's client that referred another, newer client."""
    rep = make_user("sales")
    referrer = ClientFactory(owner_id=rep.id, name="重庆市第一人民医院")
    referred = ClientFactory(owner_id=rep.id, name="璧山区中医院", status=Lifecycle.LEAD)
    referral = referrals.create_referral(referrer, {"referred_client_id": referred.id,
                                                    "referred_on": date(2026, 9, 1)}, rep)
    return rep, referrer, referred, referral


def test_points_are_granted_once_at_the_first_contract_at_the_rate(db, pair):
    rep, referrer, referred, referral = pair
    first = sign_contract(referred, "123456.78")

    entry = grant_for_contract(first, rep)

    assert entry.points == Decimal("6172.84")  # 5 % by default, to the fen
    assert entry.client_id == referrer.id and entry.referral_id == referral.id
    assert referral.status is ReferralStatus.SIGNED and referral.contract_id == first.id
    assert grant_for_contract(first, rep) is None  # called twice: nothing more
    second = sign_contract(referred, "500000")
    assert grant_for_contract(second, rep) is None  # a second contract: nothing
    assert points_balance(referrer.id) == Decimal("6172.84")
    assert points_balance(referred.id) == 0


def test_a_contract_signed_before_is_the_first_one(db, pair):
    """The referred client already had a contract: a later one is not its first, so it earns nothing."""
    rep, referrer, referred, _referral = pair
    sign_contract(referred, "80000", signed_on=date(2026, 1, 5))
    assert grant_for_contract(sign_contract(referred, "90000"), rep) is None
    assert points_balance(referrer.id) == 0


def test_a_client_without_a_referral_earns_nobody_points(db):
    rep = make_user("sales")
    client = ClientFactory(owner_id=rep.id)
    assert grant_for_contract(sign_contract(client, "10000"), rep) is None
    assert db.session.query(PointsEntry).count() == 0


def test_a_rate_change_applies_to_later_grants_only(db, pair):
    rep, referrer, referred, _referral = pair
    grant_for_contract(sign_contract(referred, "100000"), rep)  # 5 % → 5,000
    set_referral_rate(Decimal("8"))
    later = ClientFactory(owner_id=rep.id)
    referrals.create_referral(referrer, {"referred_client_id": later.id, "referred_on": date(2026, 10, 1)}, rep)

    assert grant_for_contract(sign_contract(later, "100000"), rep).points == Decimal("8000.00")
    assert points_balance(referrer.id) == Decimal("13000.00")  # the first grant kept its 5 %


def test_redemptions_never_take_the_balance_below_zero(db, pair):
    rep, referrer, referred, _referral = pair
    grant_for_contract(sign_contract(referred, "20000"), rep)  # 1,000 points

    redeem_points(referrer, Decimal("600"), "兑换培训名额", rep)
    with pytest.raises(Refused):
        redeem_points(referrer, Decimal("400.01"), "超出余额", rep)
    with pytest.raises(Refused):
        redeem_points(referrer, Decimal("0"), "", rep)

    assert points_balance(referrer.id) == Decimal("400.00")
    assert [entry.points for entry in db.session.query(PointsEntry).order_by(PointsEntry.id)] == [
        Decimal("1000.00"), Decimal("-600.00")]  # the refused one left nothing behind


def test_a_referral_from_the_client_page_creates_the_new_lead(client, login_as, db):
    rep = login_as("sales")
    referrer = ClientFactory(owner_id=rep.id, name="重庆市第一人民医院")
    contact = ContactFactory(client_id=referrer.id, name="王主任")
    db.session.commit()

    page = client.get(f"/clients/{referrer.id}").get_data(as_text=True)
    assert f"/deals/referrals/new?client={referrer.id}" in page
    response = client.post(f"/deals/referrals/new?client={referrer.id}", data={
        "referring_contact_id": contact.id, "lead_name": "铜梁区妇幼保健院", "lead_city": "重庆",
        "lead_phone": "023-45678901", "referred_on": "2026-11-02", "status": "new", "notes": "王主任的同学是院长"})

    assert response.status_code == 302
    referral = db.session.query(Referral).one()
    lead = db.session.get(Client, referral.referred_client_id)
    assert (lead.name, lead.city, lead.phone) == ("铜梁区妇幼保健院", "重庆", "023-45678901")
    assert lead.status is Lifecycle.LEAD and lead.lead_source is LeadSource.REFERRAL and lead.owner_id == rep.id
    assert referral.client_id == referrer.id and referral.referring_contact_id == contact.id
    detail = client.get(response.location).get_data(as_text=True)
    assert "铜梁区妇幼保健院" in detail and "王主任" in detail


def test_a_referral_needs_a_referred_client_and_keeps_what_was_typed(client, login_as, db):
    rep = login_as("sales")
    referrer = ClientFactory(owner_id=rep.id)
    db.session.commit()

    response = client.post(f"/deals/referrals/new?client={referrer.id}",
                           data={"referred_on": "2026-11-02", "status": "new", "notes": "院长推荐"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "院长推荐" in page and "新线索" in page
    assert db.session.query(Referral).count() == 0 and db.session.query(Client).count() == 1


def test_the_list_is_scoped_and_filters_by_status(client, login_as, db, pair):
    _rep, referrer, referred, referral = pair
    me = login_as("sales")
    mine = ClientFactory(owner_id=me.id, name="我的客户医院")
    lead = ClientFactory(owner_id=me.id, name="我介绍来的诊所")
    referrals.create_referral(mine, {"referred_client_id": lead.id, "status": ReferralStatus.CONTACTED}, me)
    db.session.commit()

    page = client.get("/deals/referrals").get_data(as_text=True)
    assert "我介绍来的诊所" in page and referred.name not in page
    assert client.get(f"/deals/referrals/{referral.id}").status_code == 404
    assert "我介绍来的诊所" not in client.get("/deals/referrals?status=signed").get_data(as_text=True)
    assert "我介绍来的诊所" in client.get("/deals/referrals?status=contacted", headers=HTMX).get_data(as_text=True)


def test_redeem_from_the_client_page(client, login_as, db):
    rep = login_as("sales")
    referrer = ClientFactory(owner_id=rep.id)
    referred = ClientFactory(owner_id=rep.id)
    referrals.create_referral(referrer, {"referred_client_id": referred.id}, rep)
    grant_for_contract(sign_contract(referred, "30000"), rep)  # 1,500 points
    db.session.commit()

    too_much = client.post(f"/deals/referrals/points/{referrer.id}", data={"points": "2000", "note": "礼品"})
    assert too_much.status_code == 422
    assert "1,500.00" in too_much.get_data(as_text=True)  # the message says what is left; the client page around it
    fragment = client.post(f"/deals/referrals/points/{referrer.id}", data={"points": "500", "note": "礼品"},
                           headers=HTMX)
    assert fragment.status_code == 200 and "1,000.00" in fragment.get_data(as_text=True)
    assert points_balance(referrer.id) == Decimal("1000.00")


def test_service_sees_referrals_but_changes_none(client, login_as, db, pair):
    _rep, referrer, _referred, referral = pair
    login_as("service")
    assert client.get(f"/deals/referrals/{referral.id}").status_code == 200
    assert client.post(f"/deals/referrals/{referral.id}/delete").status_code == 403
    assert client.get(f"/deals/referrals/new?client={referrer.id}").status_code == 403
    assert client.post(f"/deals/referrals/points/{referrer.id}", data={"points": "1"}).status_code == 403


def test_the_admin_sets_the_rate_and_the_change_is_audited(client, login_as, db):
    login_as("admin")
    assert client.post("/deals/referral-rate", data={"percent": "150"}).status_code == 422
    assert client.post("/deals/referral-rate", data={"percent": "6.5"}).status_code == 302
    assert referrals.referral_rate() == Decimal("6.50")
    assert db.session.query(AuditEvent).filter_by(entity="settings").count() == 1


def test_delete_moves_the_referral_to_the_recycle_bin(client, login_as, db):
    rep = login_as("sales")
    referrer, referred = ClientFactory(owner_id=rep.id), ClientFactory(owner_id=rep.id)
    referral = referrals.create_referral(referrer, {"referred_client_id": referred.id}, rep)
    db.session.commit()
    assert client.post(f"/deals/referrals/{referral.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).deleted_at is not None


def test_signing_the_referred_clients_first_contract_grants_the_points(db, pair):
    """The contracts' own create service pays the referrer: no separate step to forget."""
    from app.deals.contracts import create_contract
    from app.deals.enums import MilestoneKind

    rep, referrer, referred, referral = pair
    create_contract(referred, {"title": "PACS 影像系统", "signed_on": date(2026, 11, 20), "amount": Decimal("200000"),
                               "lines": [], "milestones": [{"kind": MilestoneKind.FINAL, "due_on": date(2027, 1, 1),
                                                            "amount": Decimal("200000")}]}, rep)
    assert points_balance(referrer.id) == Decimal("10000.00") and referral.status is ReferralStatus.SIGNED



def test_redemptions_at_the_same_moment_never_overdraw(app, db, pair):
    """Four people redeem 400 of 1,000 points at the same instant: two pass, two are refused."""
    rep, referrer, referred, _referral = pair
    grant_for_contract(sign_contract(referred, "20000"), rep)
    db.session.commit()
    client_id, user_id = referrer.id, rep.id

    def redeem(_n):
        redeem_points(db.session.get(Client, client_id), Decimal("400"), "同时兑换", db.session.get(User, user_id))

    assert at_once(app, 4, redeem) == ["ok", "ok", "refused", "refused"]
    assert points_balance(client_id) == Decimal("200.00")
