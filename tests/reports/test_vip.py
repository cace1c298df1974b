"""The quarterly VIP summary (seed 004 VIP SUMMARY): its figures from hand-made records of 2026-Q4 with records
before, after and of another client around them; nothing internal on the page or the PDF; the same visibility as
the client page; a quarter that is not one answers 400."""
from datetime import date, datetime
from decimal import Decimal
from itertools import count
from urllib.parse import quote

import pytest
from sqlalchemy import Enum, String, Text, select

from app.archive.enums import Relationship, Stance, StrategyLayer, ValueGrade
from app.archive.models import Assessment, Client
from app.complaints.churn import ChurnRecord
from app.complaints.enums import EventKind
from app.complaints.models import Complaint, ComplaintEvent, Survey
from app.deals import services as deal_services
from app.deals.contracts import add_receipt, create_contract
from app.deals.enums import DealStage, ImplementationStatus, MilestoneKind
from app.deals.models import Contract, Deal, Milestone, Receipt, Stakeholder
from app.extensions import db as _db
from app.reports import vip
from app.reports.models import ProductUpdate
from app.visits.enums import InteractionStatus, Method, Purpose, Satisfaction
from app.visits.models import Interaction
from tests.factories import AssetFactory, ClientFactory, ContactFactory, SpecialDateFactory, make_user
from tests.pdfcheck import check_pdf
from tests.reports.test_service_report import DERIVED, complaint, october_issues, squeezed, visit

Q4 = date(2026, 10, 1)
PAGE, PDF = "/reports/vip/{}", "/reports/vip/{}.pdf"


@pytest.fixture
def january(app, monkeypatch):
    """Today is 2027-01-10: 2026-Q4 is the last finished quarter."""
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2027, 1, 10))


def contract(client, user, title, signed_on, amount, milestones, **fields) -> Contract:
    return create_contract(client, {
        "title": title, "signed_on": signed_on, "amount": Decimal(amount), "lines": [], **fields,
        "milestones": [{"kind": kind, "due_on": due_on, "amount": Decimal(owed)} for kind, due_on, owed in milestones]},
        user)


def paid(record: Contract, index: int, received_on: date, amount: str) -> None:
    add_receipt(record, {"milestone_id": record.milestones[index].id, "received_on": received_on,
                         "amount": Decimal(amount)})


def deal(client, user, title, stage, **fields) -> Deal:
    record = deal_services.create_deal(client, {"title": title, "next_action": "约信息科主任",
                                                "next_date": date(2027, 1, 20), "stage": stage, **fields}, user)
    record.stage = stage
    return record


def quarter(db):
    """A VIP client with a fourth quarter of contracts, payments, services, issues, surveys and deals, records of
    the quarters around it, and another client's records of the same quarter."""
    rep = make_user("sales")
    client = ClientFactory(owner_id=rep.id, name="遂宁市中心医院", relationship_class=Relationship.VIP)
    other = ClientFactory(owner_id=rep.id, name="别的医院", relationship_class=Relationship.VIP)

    # In delivery: signed before Q4, 100 paid before it, 300 in it, 200 after it; its final payment due in Q1.
    his = contract(client, rep, "移动护理系统", date(2026, 8, 1), "1000.00",
                   [(MilestoneKind.ACCEPTANCE, date(2026, 11, 15), "600.00"),
                    (MilestoneKind.FINAL, date(2027, 3, 1), "400.00")], acceptance_planned=date(2027, 2, 15))
    paid(his, 0, date(2026, 9, 20), "100.00")
    paid(his, 0, date(2026, 10, 30), "300.00")
    paid(his, 0, date(2027, 1, 5), "200.00")
    # Signed and paid in full in Q4.
    lis = contract(client, rep, "检验信息系统", date(2026, 11, 2), "5000.00",
                   [(MilestoneKind.DOWN_PAYMENT, date(2026, 11, 10), "5000.00")])
    paid(lis, 0, date(2026, 12, 1), "5000.00")
    # Accepted in June: not in delivery, but 100 still owed since April.
    old = contract(client, rep, "老项目", date(2026, 3, 1), "100.00",
                   [(MilestoneKind.FINAL, date(2026, 4, 1), "100.00")], acceptance_actual=date(2026, 6, 30))
    old.implementation_status = ImplementationStatus.ACCEPTED
    contract(client, rep, "明年的合同", date(2027, 1, 3), "999.00", [(MilestoneKind.FINAL, date(2027, 2, 1), "999.00")])
    theirs = contract(other, rep, "别家合同", date(2026, 10, 8), "7777.00",
                      [(MilestoneKind.FINAL, date(2026, 10, 9), "7777.00")])
    paid(theirs, 0, date(2026, 10, 9), "7777.00")

    visit(client, rep, datetime(2026, 10, 13, 10), duration_minutes=90, satisfaction=Satisfaction.VERY_SATISFIED)
    visit(client, rep, datetime(2026, 11, 20, 15), method=Method.PHONE, purpose=Purpose.ROUTINE, duration_minutes=30,
          satisfaction=Satisfaction.NEUTRAL)
    visit(client, rep, datetime(2026, 12, 5, 9), duration_minutes=60, satisfaction=Satisfaction.SATISFIED)
    # Not services of Q4: a note, a festival greeting, September, January, a cancelled visit, another client's.
    visit(client, rep, datetime(2026, 10, 14, 9), method=Method.NOTE)
    visit(client, rep, datetime(2026, 10, 1, 9), purpose=Purpose.FESTIVAL)
    visit(client, rep, datetime(2026, 9, 30, 9), duration_minutes=600)
    visit(client, rep, datetime(2027, 1, 2, 9), duration_minutes=600)
    visit(client, rep, datetime(2026, 10, 21, 9), status=InteractionStatus.CANCELLED)
    visit(other, rep, datetime(2026, 10, 22, 9), duration_minutes=600)
    # Next quarter's plan has the one planned in Q1, not the one in Q2.
    visit(client, rep, datetime(2027, 2, 10, 9, 30), status=InteractionStatus.PLANNED)
    visit(client, rep, datetime(2027, 4, 5, 9, 30), status=InteractionStatus.PLANNED)

    october_issues(client)  # the monthly report's: in time / late; one from September still open
    complaint(other, "TS-2026-0110", datetime(2026, 11, 3, 10), title="别家的问题")

    _db.session.add_all([
        Survey(client_id=client.id, nps=9, answered_at=datetime(2026, 10, 22, 10), product_quality=4,
               service_response=5, value_for_money=3),
        Survey(client_id=client.id, nps=6, answered_at=datetime(2026, 12, 10, 10), product_quality=5,
               service_response=4, cooperation=4),
        Survey(client_id=client.id, nps=0, answered_at=datetime(2026, 9, 30, 10), product_quality=1),
        Survey(client_id=other.id, nps=0, answered_at=datetime(2026, 11, 30, 10), product_quality=1),
        ProductUpdate(month=date(2026, 10, 1), title="电子病历 5.2 发布", body="新增病历质控规则", position=1),
        ProductUpdate(month=date(2026, 12, 1), title="移动护理 2.0"),
        ProductUpdate(month=date(2026, 9, 1), title="九月的更新"),
        ProductUpdate(month=date(2027, 1, 1), title="一月的更新"),
    ])

    deal(client, rep, "二期扩容", DealStage.MEETING)
    deal(client, rep, "病案首页", DealStage.DRAFT, next_date=date(2027, 5, 1))
    deal(client, rep, "已签的项目", DealStage.WON)
    deal(client, rep, "没谈成的项目", DealStage.LOST)
    deal(client, rep, "删掉的机会", DealStage.NEEDS).soft_delete(rep)
    deal(other, rep, "别家的机会", DealStage.NEEDS)
    _db.session.commit()
    return client, rep


def test_the_summary_of_a_hand_made_quarter(app, db, january):
    client, _rep = quarter(db)

    with app.test_request_context():
        summary = vip.vip_summary(client, Q4)

    assert (summary.label, summary.last_day, summary.next_label) == ("2026-Q4", date(2026, 12, 31), "2027-Q1")
    assert [c.title for c in summary.contracts] == ["移动护理系统", "检验信息系统"]
    assert [c.title for c in summary.signed] == ["检验信息系统"]
    # Received in Q4: 300 + 5000. Owed on Dec 31: 200 (due Nov 15) + 400 (due in March) + 100 (due in April).
    assert summary.collection == vip.Collection(signed=Decimal("5000.00"), received=Decimal("5300.00"),
                                                outstanding=Decimal("700.00"), past_due=Decimal("300.00"))
    figures = summary.figures
    assert (figures.services, figures.onsite, figures.hours) == (3, 2, "3.0")
    assert summary.methods == [(Method.ONSITE, 2), (Method.PHONE, 1)]
    assert (figures.received, figures.resolved, figures.resolution_on_time) == (2, 2, (1, 2))
    assert figures.response_on_time == (2, 2)
    assert [i.complaint.number for i in summary.issues] == ["TS-2026-0090", "TS-2026-0101", "TS-2026-0102"]
    assert [u.title for u in summary.updates] == ["电子病历 5.2 发布", "移动护理 2.0"]
    assert (summary.rated, summary.satisfied) == (3, 2)
    assert summary.scores == vip.Scores(2, 7.5, [("product_quality", 4.5), ("service_response", 4.5),
                                                 ("value_for_money", 3.0), ("cooperation", 4.0)])
    assert [(d.title, progress) for d, progress in summary.opportunities] == [
        ("二期扩容", "方案交流中"), ("病案首页", "合同拟定中")]  # in the client's words, not the sales steps
    # Next quarter as planned today: a deal's next contact (not its next-step text), the visit planned in Q1,
    # the acceptance, and what is still owed on milestones due in Q1 (of the contract signed in January too).
    his = summary.contracts[0].number
    assert [(item.day, item.what, item.details, item.amount) for item in summary.plan] == [
        (date(2027, 1, 20), "项目跟进", "二期扩容", None),
        (date(2027, 2, 1), "付款节点 · 尾款", "HT-2027-0001 明年的合同", Decimal("999.00")),
        (date(2027, 2, 10), "上门拜访", "售后", None),
        (date(2027, 2, 15), "计划验收日期", f"{his} 移动护理系统", None),
        (date(2027, 3, 1), "付款节点 · 尾款", f"{his} 移动护理系统", Decimal("400.00"))]


def test_an_empty_quarter_divides_by_nothing(app, db, january):
    client = ClientFactory(name="内江市第二人民医院")
    db.session.commit()
    with app.test_request_context():
        summary = vip.vip_summary(client, Q4)
    assert summary.collection == vip.Collection(*[Decimal("0.00")] * 4)
    assert summary.scores == vip.Scores(0, None, [(name, None) for name, _ in summary.scores.averages])
    assert (summary.figures.services, summary.rated, summary.plan, summary.opportunities) == (0, 0, [], [])


def test_the_summary_takes_the_same_queries_whatever_the_clients_history(app, db, january, query_counter):
    client, rep = quarter(db)

    def queries() -> int:
        db.session.expire_all()  # the client loaded afresh; a new app context: no working calendar kept in g
        with app.app_context(), app.test_request_context(), query_counter() as statements:
            vip.vip_summary(client, Q4)
        return len(statements)

    before = queries()
    for day in range(1, 6):
        visit(client, rep, datetime(2026, 11, day, 10), duration_minutes=30)
        complaint(client, f"TS-2026-09{day:02d}", datetime(2026, 11, day, 10), title="又一个问题")
        record = contract(client, rep, f"合同{day}", date(2026, 11, day), "10.00",
                          [(MilestoneKind.FINAL, date(2027, 1, day), "10.00")])
        paid(record, 0, date(2026, 12, day), "5.00")
        deal(client, rep, f"机会{day}", DealStage.NEEDS, next_date=date(2027, 2, day))
    db.session.commit()
    assert queries() == before <= 15


def test_the_pdf_is_one_page_in_chinese(client, db, login_as, tmp_path, january):
    customer, _rep = quarter(db)
    login_as("manager")

    response = client.get(PDF.format(customer.id) + "?quarter=2026-Q4")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    name = quote("VIP季度总结-遂宁市中心医院-2026-Q4.pdf")
    disposition = f"inline; filename=\"VIP_-_-2026-Q4.pdf\"; filename*=UTF-8''{name}"
    assert response.headers["Content-Disposition"] == disposition
    (tmp_path / "vip.pdf").write_bytes(response.data)  # to look at: pdftoppm -r 60 -png vip.pdf page
    checked = check_pdf(response.data, tmp_path)
    assert checked.pages == 1
    text = squeezed(checked.text)
    for words in ("VIP季度总结", "遂宁市中心医院", "2026-Q4", "2026-10-01至2026-12-31", "5,300.00元", "700.00元",
                  "移动护理系统", "检验信息系统", "本季度签订", "已升级打印驱动", "检验接口中断", "电子病历5.2发布",
                  "移动护理2.0", "7.5", "4.5", "二期扩容", "方案交流中", "合同拟定中", "2027-Q1工作计划",
                  "项目跟进", "400.00元", "第1页/共1页"):
        assert words in text, words
    for absent in ("别家", "九月的更新", "一月的更新", "九月已关闭", "已签的项目", "没谈成", "删掉的机会",
                   "约信息科主任", "7,777"):
        assert absent not in text, absent


def test_the_page_shows_the_quarter_with_its_picker_and_pdf(client, db, login_as, january):
    customer, _rep = quarter(db)
    login_as("manager")

    page = client.get(PAGE.format(customer.id)).get_data(as_text=True)  # default: the last finished quarter

    assert "VIP季度总结 2026-Q4" in page and "5,300.00 元" in page and "方案交流中" in page
    assert '<option value="2026-Q4" selected>' in page and '<option value="2027-Q1"' in page
    assert f'href="/reports/vip/{customer.id}.pdf?quarter=2026-Q4"' in page
    assert "未标记为VIP" not in page
    q3 = client.get(PAGE.format(customer.id) + "?quarter=2026-Q3").get_data(as_text=True)
    assert "VIP季度总结 2026-Q3" in q3 and "九月的问题仍在处理" in q3


def test_a_client_not_marked_vip_still_has_its_summary(client, db, login_as, january):
    customer = ClientFactory(name="内江市第二人民医院", relationship_class=Relationship.ORDINARY)
    db.session.commit()
    login_as("service")
    page = client.get(PAGE.format(customer.id))
    assert page.status_code == 200 and "未标记为VIP" in page.get_data(as_text=True)


def test_the_client_page_offers_last_quarters_summary(client, db, login_as, january):
    customer, _rep = quarter(db)
    login_as("manager")
    page = client.get(f"/clients/{customer.id}").get_data(as_text=True)
    assert f'action="/reports/vip/{customer.id}"' in page
    assert '<option value="2026-Q4" selected>' in page and "VIP季度总结" in page


# ---- nothing internal ---------------------------------------------------------------------------------------------

# What the summary shows of its records; every other text column gets a marker.
PRINTED = {Client: {"name"}, Contract: {"number", "title"}, Complaint: {"number", "title", "resolution_summary"},
           Deal: {"title"}}
MARKER_NUMBERS = count(1)


def plant(record, markers: list[str]) -> None:
    """A marker in every text column of the record but the printed and derived ones."""
    for column in type(record).__table__.columns:
        if (isinstance(column.type, String | Text) and not isinstance(column.type, Enum)
                and column.key not in PRINTED.get(type(record), set()) | DERIVED):
            marker = f"VQX{next(MARKER_NUMBERS):03d}"
            setattr(record, column.key, marker)
            markers.append(marker)


def plant_markers(customer) -> list[str]:
    """Markers in the client, its contacts, special dates, assets, assessment, visits (a gift too), complaints and
    their notes, deals and their stakeholder maps, contracts, milestones, receipts, surveys and a churn record."""
    markers: list[str] = []
    customer.value_grade, customer.strategy_layer = ValueGrade.A, StrategyLayer.RISK
    plant(customer, markers)
    key_person = ContactFactory(client_id=customer.id, is_key_person=True, is_inside_contact=True,
                                stance=Stance.OPPOSE)
    assessment = Assessment(client_id=customer.id, scores={}, weights={}, grade=ValueGrade.A)
    churn = ChurnRecord(client_id=customer.id, lost_on=date(2026, 10, 20), reason="competitor")
    _db.session.add_all([assessment, churn])
    for record in (key_person, ContactFactory(client_id=customer.id), assessment, churn,
                   SpecialDateFactory(client_id=customer.id, contact_id=key_person.id),
                   AssetFactory(client_id=customer.id)):
        plant(record, markers)
    for record in _db.session.scalars(select(Interaction).where(Interaction.client_id == customer.id)):
        record.gift_cost = Decimal("88")
        plant(record, markers)
    for record in _db.session.scalars(select(Complaint).where(Complaint.client_id == customer.id)):
        plant(record, markers)
        note = ComplaintEvent(complaint_id=record.id, at=record.received_at, kind=EventKind.NOTE)
        plant(note, markers)
        _db.session.add(note)
    for record in _db.session.scalars(select(Deal).where(Deal.client_id == customer.id)):
        plant(record, markers)
        stakeholder = Stakeholder(contact=key_person, stance=Stance.OPPOSE)
        record.stakeholders.append(stakeholder)
        plant(stakeholder, markers)
    for model in (Contract, Milestone, Receipt, Survey):
        for record in _db.session.scalars(select(model)):
            plant(record, markers)
    _db.session.commit()
    return markers


def test_no_internal_field_reaches_the_page_or_the_pdf(client, db, login_as, tmp_path, january):
    customer, _rep = quarter(db)
    markers = plant_markers(customer)
    assert len(markers) > 80
    login_as("admin")

    pdf = squeezed(check_pdf(client.get(PDF.format(customer.id)).data, tmp_path).text)
    page = client.get(PAGE.format(customer.id)).get_data(as_text=True)

    for shown in (pdf, squeezed(page)):
        assert "遂宁市中心医院" in shown and "检验接口中断" in shown  # about this client
        assert [marker for marker in markers if marker in shown] == []
        for label in ("全力以赴", "风险关注", "反对我方", "流失", "现场会谈", "拟定合同", "70%"):
            assert label not in shown, label


# ---- visibility and the quarter -------------------------------------------------------------------------------------

def test_same_visibility_as_the_client_page(client, db, login_as, january):
    customer, _rep = quarter(db)
    login_as("sales")  # another rep
    assert client.get(PAGE.format(customer.id)).status_code == 404
    assert client.get(PDF.format(customer.id)).status_code == 404
    client.post("/auth/logout")
    login_as("manager")
    assert client.get(PAGE.format(999999)).status_code == 404
    assert client.get(PAGE.format(customer.id) + "?quarter=2027-Q1").status_code == 200  # this quarter so far


@pytest.mark.parametrize("quarter_text, message", [
    ("2026-Q5", "季度的写法"), ("Q4", "季度的写法"), ("2026-10", "季度的写法"), ("2027-Q2", "尚未开始"),
])
def test_a_quarter_that_is_not_one_answers_400_in_chinese(client, db, login_as, january, quarter_text, message):
    customer = ClientFactory()
    db.session.commit()
    login_as("manager")
    for url in (PAGE, PDF):
        response = client.get(url.format(customer.id) + f"?quarter={quarter_text}")
        assert response.status_code == 400 and message in response.get_data(as_text=True), url
