"""Cross-sell: modules a client lacks and maintenance ending within 90 days, one tap from a deal."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.archive.enums import AssetKind, AssetStatus, Lifecycle, ProductCategory
from app.deals.crosssell import suggestions
from app.deals.enums import DealSource, DealStage
from app.deals.models import Deal
from tests.conftest import counted_queries
from tests.factories import AssetFactory, ClientFactory, ProductFactory, make_user

TODAY = date(2026, 11, 27)


@pytest.fixture
def today(today_is):
    return today_is(TODAY)


def module(client, product, **kwargs):
    return AssetFactory(client_id=client.id, product_id=product.id, kind=AssetKind.SOFTWARE, name=product.name,
                        **kwargs)


def test_suggestions_on_hand_worked_data(db, app):
    with app.test_request_context():
        rep = make_user("sales")
        his, lis, pacs = (ProductFactory(name=name, list_price=Decimal("80000.00")) for name in ("HIS", "LIS", "PACS"))
        ProductFactory(name="旧模块", active=False)
        ProductFactory(name="驻场服务", category=ProductCategory.SERVICE)
        hospital = ClientFactory(owner_id=rep.id, name="南川区人民医院")
        module(hospital, his, maintenance_until=TODAY + timedelta(days=90))  # renewal: the 90th day counts
        module(hospital, lis, maintenance_until=TODAY + timedelta(days=91))  # owned, not yet due
        module(hospital, pacs, status=AssetStatus.RETIRED)  # retired: PACS is lacking again
        ClientFactory(owner_id=rep.id, status=Lifecycle.LEAD)  # a lead is no secondary development
        db.session.flush()

        page = suggestions(rep, TODAY, 1, 25)
        found = [(s.source, s.client.name, s.product.name) for s in page.items]
        assert found == [(DealSource.MAINTENANCE, "南川区人民医院", "HIS"),
                         (DealSource.CATALOGUE_GAP, "南川区人民医院", "PACS")]
        assert page.total == 2 and not page.has_next

        only_gaps = suggestions(rep, TODAY, 1, 25, DealSource.CATALOGUE_GAP)
        assert [s.product.name for s in only_gaps.items] == ["PACS"]
        assert suggestions(rep, TODAY, 1, 25, product_id=lis.id).items == []
        assert suggestions(make_user("sales"), TODAY, 1, 25).items == []  # another rep's clients


def test_pages_run_on_from_the_renewals_into_the_gaps(db, app):
    with app.test_request_context():
        manager = make_user("manager")
        products = [ProductFactory(name=f"模块{n}") for n in range(3)]
        first = ClientFactory(name="甲医院", pinyin="a")
        for product in products:
            module(first, product, maintenance_until=TODAY + timedelta(days=10))
        ClientFactory(name="乙医院", pinyin="b")  # lacks all three
        db.session.flush()
        pages = [suggestions(manager, TODAY, n, 2) for n in (1, 2, 3)]
        assert [[(s.source.value, s.client.name) for s in page.items] for page in pages] == [
            [("maintenance", "甲医院"), ("maintenance", "甲医院")],
            [("maintenance", "甲医院"), ("catalogue_gap", "乙医院")],
            [("catalogue_gap", "乙医院"), ("catalogue_gap", "乙医院")]]
        assert [page.has_next for page in pages] == [True, True, False]


def test_one_tap_creates_the_deal_and_the_suggestion_goes(client, login_as, db, today):
    rep = login_as("sales")
    pacs = ProductFactory(name="PACS", list_price=Decimal("120000.50"))
    hospital = ClientFactory(owner_id=rep.id, name="南川区人民医院")
    db.session.commit()
    page = client.get("/deals/cross-sell").get_data(as_text=True)
    assert "南川区人民医院" in page and "建商机" in page and "120,000.50 元" in page

    response = client.post("/deals/cross-sell/deal", data={"kind": "catalogue_gap", "client_id": hospital.id,
                                                          "product_id": pacs.id}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "已建商机：PACS" in response.get_data(as_text=True)
    deal = db.session.query(Deal).one()
    assert (deal.title, deal.client_id, deal.owner_id, deal.source, deal.stage) == (
        "PACS", hospital.id, rep.id, DealSource.CATALOGUE_GAP, DealStage.TARGET)
    assert (deal.next_action, deal.next_date, deal.amount) == ("联系客户了解需求", TODAY + timedelta(days=3),
                                                               Decimal("120000.50"))
    assert [(line.product_id, line.quantity, line.unit_price) for line in deal.lines] == [
        (pacs.id, 1, Decimal("120000.50"))]
    assert [(c.from_stage, c.to_stage, c.user_id) for c in deal.stage_changes] == [(None, DealStage.TARGET, rep.id)]

    assert "建商机" not in client.get("/deals/cross-sell").get_data(as_text=True)  # worked on now
    again = client.post("/deals/cross-sell/deal", data={"kind": "catalogue_gap", "client_id": hospital.id,
                                                       "product_id": pacs.id})
    assert again.status_code == 302 and db.session.query(Deal).count() == 1


def test_a_renewal_tap_names_the_asset(client, login_as, db, today):
    rep = login_as("manager")
    his = ProductFactory(name="HIS", list_price=Decimal("30000"))
    asset = module(ClientFactory(owner_id=make_user("sales").id), his, maintenance_until=TODAY + timedelta(days=30))
    db.session.commit()
    response = client.post("/deals/cross-sell/deal", data={"kind": "maintenance", "client_id": asset.client_id,
                                                          "product_id": his.id, "asset_id": asset.id})
    assert response.status_code == 302
    deal = db.session.query(Deal).one()
    assert (deal.title, deal.source, deal.owner_id) == ("维保续约：HIS", DealSource.MAINTENANCE,
                                                        asset.client.owner_id)
    assert rep.id == deal.stage_changes[0].user_id


def test_service_sees_the_list_but_may_not_create_and_a_rep_not_for_another_reps_client(client, login_as, db):
    pacs = ProductFactory(name="PACS")
    hospital = ClientFactory(owner_id=make_user("sales").id)
    db.session.commit()
    data = {"kind": "catalogue_gap", "client_id": hospital.id, "product_id": pacs.id}
    login_as("service")
    page = client.get("/deals/cross-sell").get_data(as_text=True)
    assert hospital.name in page and "建商机" not in page
    assert client.post("/deals/cross-sell/deal", data=data).status_code == 403
    client.post("/auth/logout")
    login_as("sales")
    assert client.post("/deals/cross-sell/deal", data=data).status_code == 404
    assert db.session.query(Deal).count() == 0


@pytest.mark.parametrize("kind", ["", "catalogue_gap", "maintenance"])
def test_the_list_reads_the_same_number_of_queries_for_1_and_20_clients(client, login_as, db, today, kind):
    login_as("manager")
    products = [ProductFactory() for _ in range(3)]

    def add_client():
        hospital = ClientFactory()
        module(hospital, products[0], maintenance_until=TODAY + timedelta(days=20))

    add_client()
    db.session.commit()
    with counted_queries(db.engine) as one:
        assert client.get(f"/deals/cross-sell?kind={kind}").status_code == 200
    for _ in range(19):
        add_client()
    db.session.commit()
    with counted_queries(db.engine) as twenty:
        assert client.get(f"/deals/cross-sell?kind={kind}").status_code == 200
    assert len(twenty) == len(one)
