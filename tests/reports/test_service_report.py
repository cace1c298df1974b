"""The service monthly report (服务月报): its figures from hand-made records of October 2026, no internal field
on paper, a QR code that opens the client's survey, and the same visibility as the client's page."""
import subprocess
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from urllib.parse import quote

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import Enum, String, Text, select

from app.archive.enums import Stance, StrategyLayer, ValueGrade
from app.archive.models import Assessment, Client
from app.complaints import sla
from app.complaints.churn import ChurnRecord
from app.complaints.enums import ComplaintStatus, EventKind, Severity
from app.complaints.models import Complaint, ComplaintEvent, Survey
from app.core import dates
from app.core.clock import local_today, utcnow
from app.core.links import ClientLink
from app.deals import services as deal_services
from app.deals.contracts import add_receipt, create_contract
from app.deals.enums import MilestoneKind
from app.deals.models import Contract, Milestone, Receipt, Stakeholder
from app.extensions import db as _db
from app.reports import monthly
from app.reports.models import ProductUpdate
from app.visits.enums import InteractionStatus, Method, Purpose, Satisfaction
from app.visits.models import Interaction
from tests.factories import AssetFactory, ClientFactory, ContactFactory, SpecialDateFactory, make_user
from tests.pdfcheck import check_pdf

OCTOBER = date(2026, 10, 1)
URL = "/reports/clients/{}/service-report/{}.pdf"


@pytest.fixture
def november(app, monkeypatch):
    """Today is 2026-11-10: October is last month."""
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2026, 11, 10))


def squeezed(text: str) -> str:
    return "".join(text.split())


# ---- rules -------------------------------------------------------------------------------------------------------

def test_months_parse_and_split_into_weeks():
    assert dates.parse_month("2026-10") == OCTOBER
    assert [dates.parse_month(bad) for bad in ("2026-13", "2026-1", "26-10", "", None, "2026-10-01")] == [None] * 6
    assert dates.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert dates.previous_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert monthly.week_ranges(OCTOBER) == [(1, 7), (8, 14), (15, 21), (22, 28), (29, 31)]
    assert monthly.week_ranges(date(2026, 2, 1)) == [(1, 7), (8, 14), (15, 21), (22, 28)]
    assert monthly.per_week([date(2026, 10, 1), date(2026, 10, 7), date(2026, 10, 8), date(2026, 10, 31)],
                            OCTOBER) == [2, 1, 0, 0, 1]


def test_the_chart_scales_the_tallest_bar_to_the_top():
    chart = monthly.Chart.of(["1–7", "8–14"], [("a", [4, 0]), ("b", [2, 1])])
    (_a, a_bars), (_b, b_bars) = chart.series
    assert a_bars[0].y == chart.TOP and a_bars[0].height == chart.BASE - chart.TOP
    assert b_bars[0].height == pytest.approx((chart.BASE - chart.TOP) / 2) and a_bars[1].height == 0
    assert a_bars[0].x < b_bars[0].x < a_bars[1].x  # grouped per week


# ---- a month of hand-made records ---------------------------------------------------------------------------------

def visit(client, user, when, **fields) -> Interaction:
    values = {"method": Method.ONSITE, "purpose": Purpose.AFTER_SALES, "status": InteractionStatus.DONE,
              "summary": "更换服务器硬盘", **fields}
    if values["status"] is InteractionStatus.PLANNED:
        values["planned_at"] = when
    else:
        values["done_at"] = when
    record = Interaction(client_id=client.id, user_id=user.id, **values)
    _db.session.add(record)
    return record


def complaint(client, number, received, **fields) -> Complaint:
    fields = {"title": "报表打印卡顿", "severity": Severity.ORDINARY, **fields}
    record = Complaint(client_id=client.id, number=number, received_at=received, **fields)
    sla.refresh(record, received)
    _db.session.add(record)
    return record


def october_issues(client) -> None:
    """The hand-made October issues: answered in time and fixed in time / late; one from September still open,
    one closed in September."""
    # Tue 13th 10:00: answered in 2 working hours, fixed Thu 10:00 (48 h; ordinary: within 5 working days).
    complaint(client, "TS-2026-0101", datetime(2026, 10, 13, 10), status=ComplaintStatus.CLOSED,
              responded_at=datetime(2026, 10, 13, 12), resolved_at=datetime(2026, 10, 15, 10),
              closed_at=datetime(2026, 10, 16, 9), resolution_summary="已升级打印驱动")
    # Urgent, Wed 14th 09:00: answered at 13:00 (4 h, just in time), fixed Mon 19th 09:00 (72 h > 2 days: late).
    complaint(client, "TS-2026-0102", datetime(2026, 10, 14, 9), severity=Severity.URGENT,
              status=ComplaintStatus.FEEDBACK, responded_at=datetime(2026, 10, 14, 13),
              resolved_at=datetime(2026, 10, 19, 9), title="检验接口中断")
    # From September, still being worked on in October: in the table, not in October's figures.
    complaint(client, "TS-2026-0090", datetime(2026, 9, 21, 10), status=ComplaintStatus.RESOLVING,
              responded_at=datetime(2026, 9, 21, 11), title="九月的问题仍在处理")
    # Closed in September: not October's.
    complaint(client, "TS-2026-0080", datetime(2026, 9, 1, 10), status=ComplaintStatus.CLOSED,
              responded_at=datetime(2026, 9, 1, 11), resolved_at=datetime(2026, 9, 3, 10),
              closed_at=datetime(2026, 9, 4, 10), title="九月已关闭")


def october(db):
    """A client with an October of services and issues, and a November plan."""
    user = make_user("sales")
    client = ClientFactory(owner_id=user.id, name="遂宁市中心医院")
    visit(client, user, datetime(2026, 10, 13, 10), duration_minutes=90, summary="现场排查 HIS 挂号模块",
          satisfaction=Satisfaction.VERY_SATISFIED, extra_services=["printer"])
    visit(client, user, datetime(2026, 10, 20, 15), method=Method.PHONE, purpose=Purpose.ROUTINE,
          duration_minutes=30, summary="电话回访使用情况", satisfaction=Satisfaction.NEUTRAL)
    # Not services of October: a note, a festival greeting, September, a cancelled visit.
    visit(client, user, datetime(2026, 10, 14, 9), method=Method.NOTE, summary="不算")
    visit(client, user, datetime(2026, 10, 1, 9), purpose=Purpose.FESTIVAL, summary="国庆问候")
    visit(client, user, datetime(2026, 9, 30, 9), duration_minutes=600, summary="九月的")
    visit(client, user, datetime(2026, 10, 21, 9), status=InteractionStatus.CANCELLED, summary="取消的")
    visit(client, user, datetime(2026, 11, 5, 9, 30), status=InteractionStatus.PLANNED, summary="")
    october_issues(client)
    contract = create_contract(client, {
        "title": "移动护理系统", "signed_on": date(2026, 8, 1), "amount": Decimal("1000.00"), "lines": [],
        "acceptance_planned": date(2026, 12, 15),
        "milestones": [{"kind": MilestoneKind.ACCEPTANCE, "due_on": date(2026, 11, 15), "amount": Decimal("1000.00")}]},
        user)
    add_receipt(contract, {"milestone_id": contract.milestones[0].id, "received_on": date(2026, 10, 30),
                           "amount": Decimal("400.00")})
    db.session.add(ProductUpdate(month=OCTOBER, title="电子病历 5.2 发布", body="新增病历质控规则", position=1))
    db.session.add(ProductUpdate(month=date(2026, 9, 1), title="九月的更新"))
    db.session.commit()
    return client, user


def test_the_figures_of_a_hand_made_month(app, db, november):
    client, _user = october(db)
    with app.test_request_context():
        report = monthly.service_report(client, OCTOBER)
    figures = report["figures"]
    assert (figures.services, figures.onsite, figures.minutes, figures.hours) == (2, 1, 120, "2.0")
    assert (figures.received, figures.resolved) == (2, 2)
    assert figures.response_average == 3 * 3600  # (2 h + 4 h) / 2
    assert figures.resolution_average == 60 * 3600  # (48 h + 72 h) / 2
    assert figures.response_on_time == (2, 2) and figures.resolution_on_time == (1, 2)
    assert [i.complaint.number for i in report["issues"]] == ["TS-2026-0090", "TS-2026-0101", "TS-2026-0102"]
    assert [s.summary for s in report["services"]] == ["现场排查 HIS 挂号模块", "电话回访使用情况"]
    assert [(m.kind, owed) for m, owed in report["milestones"]] == [(MilestoneKind.ACCEPTANCE, Decimal("600.00"))]
    assert [v.planned_at for v in report["planned"]] == [datetime(2026, 11, 5, 9, 30)]
    assert [u.title for u in report["updates"]] == ["电子病历 5.2 发布"]
    assert [b.value for b in report["chart"].series[0][1]] == [0, 1, 1, 0, 0]  # services per week
    assert [b.value for b in report["chart"].series[1][1]] == [0, 2, 0, 0, 0]  # issues received per week
    assert (report["rated"], report["satisfied"]) == (2, 1)


def test_the_pdf_reads_as_the_month_in_chinese(client, db, login_as, tmp_path, november):
    customer, _rep = october(db)
    login_as("manager")

    response = client.get(URL.format(customer.id, "2026-10"))

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    name = quote("服务月报-遂宁市中心医院-2026-10.pdf")
    fallback = "2026-10.pdf"
    assert disposition == f"inline; filename=\"{fallback}\"; filename*=UTF-8''{name}"
    text = squeezed(check_pdf(response.data, tmp_path).text)
    for words in ("服务月报", "遂宁市中心医院", "2026-10-01至2026-10-31", "服务次数", "2.0小时", "3小时", "2天12小时",
                  "现场排查HIS挂号模块", "打印机调试", "已升级打印驱动", "检验接口中断", "九月的问题仍在处理",
                  "移动护理系统", "电子病历5.2发布", "新增病历质控规则", "2026-11工作计划", "600.00元", "客户确认",
                  "服务方", "第1页/共"):
        assert words in text, words
    for absent in ("九月的更新", "九月已关闭", "国庆问候", "不算", "取消的", "TS-2026-0080"):
        assert absent not in text, absent


def test_an_empty_month_still_makes_a_report(client, db, login_as, tmp_path, november):
    customer = ClientFactory(name="内江市第二人民医院")
    db.session.commit()
    login_as("service")
    response = client.get(URL.format(customer.id, "2026-10"))
    text = squeezed(check_pdf(response.data, tmp_path).text)
    assert "内江市第二人民医院" in text and "本月没有服务记录" in text and "本月没有新增或未结的问题" in text


# ---- nothing internal ---------------------------------------------------------------------------------------------

# The client-facing fields the report prints; every other text column of these records gets a marker.
PRINTED = {Client: {"name"}, Interaction: {"summary", "extra_services_other"},
           Complaint: {"number", "title", "description", "resolution_summary"}, Contract: {"number", "title"}}
DERIVED = {"name_key", "pinyin", "pinyin_initials", "search_text", "client_key"}


MARKER_NUMBERS = count(1)


def plant(record, markers: list[str]) -> None:
    """A marker in every text column of the record but the printed and derived ones."""
    for column in type(record).__table__.columns:
        if (isinstance(column.type, String | Text) and not isinstance(column.type, Enum)
                and column.key not in PRINTED.get(type(record), set()) | DERIVED):
            marker = f"ZQX{next(MARKER_NUMBERS):03d}"
            setattr(record, column.key, marker)
            markers.append(marker)


def test_no_internal_field_reaches_the_report(client, db, login_as, tmp_path, november):
    customer, rep = october(db)
    markers: list[str] = []
    customer.value_grade, customer.strategy_layer = ValueGrade.A, StrategyLayer.RISK
    plant(customer, markers)
    key_person = ContactFactory(client_id=customer.id, is_key_person=True, is_inside_contact=True,
                                stance=Stance.OPPOSE)
    for record in (key_person, ContactFactory(client_id=customer.id),
                   SpecialDateFactory(client_id=customer.id, contact_id=key_person.id),
                   AssetFactory(client_id=customer.id)):
        plant(record, markers)
    assessment = Assessment(client_id=customer.id, scores={}, weights={}, grade=ValueGrade.A)
    plant(assessment, markers)
    _db.session.add(assessment)
    for record in _db.session.execute(select(Interaction).where(Interaction.client_id == customer.id)).scalars():
        record.gift_cost = Decimal("88")
        plant(record, markers)
    for record in _db.session.execute(select(Complaint).where(Complaint.client_id == customer.id)).scalars():
        plant(record, markers)
        event = ComplaintEvent(complaint_id=record.id, at=record.received_at, kind=EventKind.NOTE)
        plant(event, markers)
        _db.session.add(event)
    deal = deal_services.create_deal(customer, {"title": "二期", "next_action": "约院长",
                                                "next_date": date(2030, 1, 1)}, rep)
    plant(deal, markers)
    stakeholder = Stakeholder(contact=key_person, stance=Stance.OPPOSE)
    deal.stakeholders.append(stakeholder)
    plant(stakeholder, markers)
    for model in (Contract, Milestone, Receipt):
        for record in _db.session.execute(select(model)).scalars():
            plant(record, markers)
    churn = ChurnRecord(client_id=customer.id, lost_on=date(2026, 10, 20), reason="competitor")
    plant(churn, markers)
    survey = Survey(client_id=customer.id, nps=3, answered_at=datetime(2026, 10, 22, 10), product_quality=2)
    plant(survey, markers)
    _db.session.add_all([churn, survey])
    _db.session.commit()
    assert len(markers) > 80  # the models really have that many internal text fields
    login_as("admin")

    text = squeezed(check_pdf(client.get(URL.format(customer.id, "2026-10")).data, tmp_path).text)

    assert "遂宁市中心医院" in text and "现场排查HIS挂号模块" in text  # the report is about this client
    assert [marker for marker in markers if marker in text] == []
    for label in ("全力以赴", "风险关注", "反对我方", "流失", "88"):
        assert label not in text, label


# ---- the survey's QR code -----------------------------------------------------------------------------------------

def qr_text(pdf: bytes, tmp_path) -> str:
    """Decode the QR code on the report's last page, from a 150 dpi image as a phone camera would see it."""
    tmp_path.mkdir()
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
                   check=True)
    last = sorted(tmp_path.glob("page-*.png"))[-1]
    found = zxingcpp.read_barcodes(Image.open(last))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_the_qr_code_opens_the_clients_survey(app, client, db, login_as, tmp_path, november):
    customer, _rep = october(db)
    login_as("service")

    first = qr_text(client.get(URL.format(customer.id, "2026-10")).data, tmp_path / "first")
    again = qr_text(client.get(URL.format(customer.id, "2026-09")).data, tmp_path / "again")

    assert first.startswith("http://localhost/p/s/") and again == first  # printing again keeps the code on paper
    assert client.get(first.removeprefix("http://localhost")).status_code == 200


def test_a_link_about_to_expire_is_replaced(app, client, db, login_as, tmp_path, november):
    customer, rep = october(db)
    login_as("manager")
    first = qr_text(client.get(URL.format(customer.id, "2026-10")).data, tmp_path / "first")
    link = db.session.execute(select(ClientLink).where(ClientLink.client_id == customer.id)).scalar_one()
    link.expires_at = utcnow() + timedelta(days=monthly.SURVEY_LINK_MIN_DAYS - 1)
    db.session.commit()

    second = qr_text(client.get(URL.format(customer.id, "2026-10")).data, tmp_path / "second")

    assert second != first
    assert client.get(first.removeprefix("http://localhost")).status_code == 404  # retired
    assert client.get(second.removeprefix("http://localhost")).status_code == 200


# ---- visibility and the month ---------------------------------------------------------------------------------------

def test_same_visibility_as_the_client_page_and_only_real_months(client, db, login_as, november):
    customer, _rep = october(db)
    login_as("sales")  # another rep
    assert client.get(URL.format(customer.id, "2026-10")).status_code == 404
    assert client.get(f"/reports/clients/{customer.id}/service-report?month=2026-10").status_code == 404
    client.post("/auth/logout")
    login_as("manager")
    for month in ("2026-13", "2026-12", "oct", "2026-1"):  # nonsense, or after this month
        assert client.get(URL.format(customer.id, month)).status_code == 404, month
    assert client.get(URL.format(999999, "2026-10")).status_code == 404
    assert client.get(URL.format(customer.id, "2026-11")).status_code == 200  # this month so far


def test_the_client_page_offers_last_months_report(client, db, login_as, november):
    customer, rep = october(db)
    login_as("manager")
    page = client.get(f"/clients/{customer.id}").get_data(as_text=True)
    assert f'action="/reports/clients/{customer.id}/service-report"' in page
    assert 'value="2026-10"' in page and "服务月报" in page
    picked = client.get(f"/reports/clients/{customer.id}/service-report?month=2026-09")
    assert picked.status_code == 302 and picked.location.endswith(URL.format(customer.id, "2026-09"))
    default = client.get(f"/reports/clients/{customer.id}/service-report")
    assert default.location.endswith(URL.format(customer.id, "2026-10"))


def test_clients_with_activity_in_a_month(app, db, november):
    active, rep = october(db)
    quiet = ClientFactory(owner_id=rep.id)
    only_a_survey = ClientFactory()
    db.session.add(Survey(client_id=only_a_survey.id, nps=9, answered_at=datetime(2026, 10, 3, 9)))
    only_a_note = ClientFactory(owner_id=rep.id)
    visit(only_a_note, rep, datetime(2026, 10, 3, 9), method=Method.NOTE)
    paid = ClientFactory()
    other = make_user("sales")
    create_contract(paid, {"title": "LIS", "signed_on": date(2026, 1, 1), "amount": Decimal("10"), "lines": [],
                           "milestones": [{"kind": MilestoneKind.FINAL, "due_on": date(2026, 10, 9),
                                           "amount": Decimal("10")}]}, other)
    deleted = ClientFactory()
    db.session.add(Survey(client_id=deleted.id, nps=9, answered_at=datetime(2026, 10, 3, 9)))
    deleted.soft_delete(None)
    db.session.commit()

    everyone = db.session.execute(monthly.clients_with_activity(OCTOBER, None)).scalars().all()
    reps = db.session.execute(monthly.clients_with_activity(OCTOBER, rep)).scalars().all()
    september = db.session.execute(monthly.clients_with_activity(date(2026, 9, 1), None)).scalars().all()

    assert everyone == [active.id, only_a_survey.id, paid.id]
    assert quiet.id not in everyone and only_a_note.id not in everyone
    assert reps == [active.id]
    assert september == [active.id]


# ---- a long month --------------------------------------------------------------------------------------------------

def test_a_busy_month_runs_over_pages_with_the_headers_repeated(app, client, db, login_as, tmp_path, november):
    customer, rep = october(db)
    for day in range(1, 32):
        for hour in (9, 14):
            visit(customer, rep, datetime(2026, 10, day, hour), duration_minutes=45,
                  summary=f"10月{day}日{hour}时 巡检信息科机房，检查 HIS 与 LIS 接口日志，处理护士站打印机卡纸")
    db.session.commit()
    login_as("manager")
    url = URL.format(customer.id, "2026-10")
    client.get(url)  # warm: fonts loaded, templates compiled
    started = time.perf_counter()
    response = client.get(url)
    took = time.perf_counter() - started

    checked = check_pdf(response.data, tmp_path)
    print(f"\nservice report, {checked.pages} pages, warm: {took:.2f} s")
    assert checked.pages >= 3
    assert squeezed(checked.text).count("服务内容") >= 2  # the services table's header on its next page too


# ---- the demo data ---------------------------------------------------------------------------------------------------

def test_every_demo_clients_report_of_last_month_prints_without_a_box(app, db, tmp_path):
    """Strict glyphs (tests): a character no font has would raise MissingGlyphs instead of printing a box."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--clients", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        month = dates.previous_month(local_today())
        ids = _db.session.execute(monthly.clients_with_activity(month, None)).scalars().all()
        assert len(ids) >= 10
        for client_id in ids:
            customer = _db.session.get(Client, client_id)
            text = squeezed(check_pdf(monthly.service_report_pdf(customer, month), tmp_path).text)
            assert squeezed(customer.name) in text and f"{month:%Y-%m}" in text
