"""Import from .xlsx/CSV (upload → map → dry-run preview → all-or-nothing import) and export of the filtered list."""
import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select

from app.archive.enums import (
    ClientCategory,
    Demand,
    DevelopmentType,
    Expansion,
    IncomeTier,
    LeadSource,
    Lifecycle,
    Relationship,
    StrategyLayer,
    ValueGrade,
)
from app.archive.forms import ClientForm
from app.archive.models import Client, UnitLevel
from tests.factories import PASSWORD, ClientFactory, make_user

HEADER = ["名称", "简称", "人数", "状态"]
MAP = {"col_0": "name", "col_1": "short_name", "col_2": "employees", "col_3": "status"}
TOKEN = re.compile(r'/clients/import/([0-9a-f]{32})"')
SELECT = re.compile(r'<select[^>]*name="(col_\d+)"[^>]*>(.*?)</select>', re.S)
SELECTED = re.compile(r'<option selected value="([^"]*)"')
ANY_SELECT = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
HIDDEN = re.compile(r'<input[^>]*name="(shown_line|versions)" type="hidden" value="([^"]*)"')


@pytest.fixture(autouse=True)
def instance_in_tmp(app, tmp_path, monkeypatch):
    """Uploads go under instance/imports: keep them out of the repository."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path


def csv_file(rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, filename: str):
    return client.post("/clients/import", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def preselected(html: str) -> dict[str, str]:
    """The mapping the page suggests: select name → chosen field ("" = ignore)."""
    return {name: (SELECTED.search(options) or [None, ""])[1] for name, options in SELECT.findall(html)}


def browser_form(html: str, mode: str = "skip", **changes) -> dict[str, str]:
    """What a browser posts from the mapping or preview page: every select as shown, the hidden fields, the mode."""
    data = {name: (SELECTED.search(options) or [None, ""])[1] for name, options in ANY_SELECT.findall(html)}
    data.update(HIDDEN.findall(html))
    return {**data, "mode": mode, **changes}


def upload_and_preview(client, content, filename, mode="skip", **mapping):
    page = upload(client, content, filename)
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    data = browser_form(html, mode, **mapping)
    return token, data, client.post(f"/clients/import/{token}", data=data)


def line(html: str, number: int) -> str:
    """The preview table row for a line of the file."""
    return re.search(rf'<tr class="[^"]*" id="line-{number}">.*?</tr>', html, re.S).group(0)


def client_count(db) -> int:
    return db.session.scalar(select(func.count(Client.id)))


def test_a_csv_with_one_bad_row_imports_nothing_and_shows_the_line_and_reason(client, login_as, db):
    login_as("manager")
    content = csv_file([HEADER, ["达州市中心医院", "达州中心", "800", "customer"],
                        ["乐山市人民医院", "乐山人医", "很多", "Customer"],
                        ["自贡市第一人民医院", "自贡一院", "1200", "lead"]])
    token, data, preview = upload_and_preview(client, content, "clients.csv", **MAP)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "row-error" in line(html, 3) and "不是有效的整数" in line(html, 3)
    assert "row-error" not in line(html, 2) + line(html, 4)

    before = client_count(db)
    commit = client.post(f"/clients/import/{token}/commit", data=data)
    assert commit.status_code == 422
    assert "不是有效的整数" in line(commit.get_data(as_text=True), 3)
    assert client_count(db) == before == 0


def test_an_xlsx_with_an_unknown_status_imports_nothing(client, login_as, db):
    login_as("sales")
    content = xlsx_file([HEADER, ["达州市中心医院", "达州中心", 800, "customer"],
                         ["乐山市人民医院", "乐山人医", 300, "休眠"],
                         ["自贡市第一人民医院", "自贡一院", 1200, "lead"]])
    token, data, preview = upload_and_preview(client, content, "clients.xlsx", **MAP)
    assert "“休眠”" in line(preview.get_data(as_text=True), 3)
    commit = client.post(f"/clients/import/{token}/commit", data=data)
    assert commit.status_code == 422 and client_count(db) == 0


def test_a_good_file_of_1000_rows_imports_every_row(client, login_as, db):
    login_as("manager")
    rows = [["名称", "地区", "城市", "床位", "状态"]]
    rows += [[f"测试医院{n:04d}", "四川省", "成都市", n, "Prospect" if n % 2 else "prospect"] for n in range(1000)]
    token, data, preview = upload_and_preview(client, xlsx_file(rows), "big.xlsx", col_4="status")
    assert "row-error" not in preview.get_data(as_text=True)
    response = client.post(f"/clients/import/{token}/commit", data=data)
    assert response.status_code == 302
    assert client_count(db) == 1000
    assert db.session.scalar(select(func.count(Client.id)).where(Client.status == Lifecycle.PROSPECT)) == 1000


def _varied_clients(db):
    level = db.session.execute(select(UnitLevel).where(UnitLevel.name == "三甲")).scalar_one_or_none()
    if level is None:  # the migration seeds the list; the per-test cleanup empties it
        level = UnitLevel(name="三甲", position=1)
        db.session.add(level)
    rep, other = make_user("sales", username="zhangwei"), make_user("sales", username="lina")
    db.session.flush()
    ClientFactory(
        name="重庆医科大学附属第一医院", short_name="重医附一院", category=ClientCategory.PUBLIC_HOSPITAL,
        unit_level_id=level.id, region="重庆市", city="渝中区", address="袁家岗友谊路1号", postcode="400016",
        phone="+86 23 6881 1360", website="https://www.hospital-cqmu.example.com", legal_representative="许平",
        employees=6800, beds=3200, annual_revenue=Decimal("123456.78"), established_year=1957,
        business_situation="HIS 已上线，\n计划升级 EMR", after_sales_situation="满意, 偶有\"投诉\"",
        it_situation="=双机热备", needs="互联网医院", competitors="卫宁、东华", notes="- 院长重视信息化",
        lead_source=LeadSource.REFERRAL, status=Lifecycle.AT_RISK, owner_id=rep.id,
        relationship_class=Relationship.VIP, income_tier=IncomeTier.HIGH, expansion=Expansion.PREMIUM,
        demand=Demand.HIGH, development_type=DevelopmentType.HIGH_DESIRE,
        strategy_layer=StrategyLayer.BREAKTHROUGH, value_grade=ValueGrade.A)
    ClientFactory(name="乐山市沙湾区卫生院", short_name="", category=ClientCategory.CLINIC, region="四川省",
                  city="乐山市", employees=None, annual_revenue=Decimal("0.50"), status=Lifecycle.LEAD,
                  owner_id=other.id, lead_source=LeadSource.TELEMARKETING)
    db.session.commit()


def _snapshot(db) -> dict[str, dict]:
    clients = db.session.execute(select(Client)).scalars().all()
    return {c.name: {f: getattr(c, f) for f in ClientForm.data_fields if f != "unit_level_id"}
            | {"unit_level": c.unit_level.name if c.unit_level else None} for c in clients}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_to_the_same_data(client, login_as, db, fmt):
    login_as("manager")
    _varied_clients(db)
    before = _snapshot(db)
    export = client.get(f"/clients/export.{fmt}")
    assert export.status_code == 200
    assert "attachment" in export.headers["Content-Disposition"] and fmt in export.headers["Content-Disposition"]
    if fmt == "csv":
        assert export.data.startswith(b"\xef\xbb\xbf")
        assert "重庆医科大学附属第一医院" in export.data.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(export.data)).active
        assert "重庆医科大学附属第一医院" in [cell.value for cell in sheet["A"]]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # "=双机热备" stays text

    db.session.execute(delete(Client))
    db.session.commit()
    token, data, preview = upload_and_preview(client, export.data, f"export.{fmt}")
    assert "row-error" not in preview.get_data(as_text=True), preview.get_data(as_text=True)
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    db.session.expire_all()
    after = _snapshot(db)
    assert after.keys() == before.keys()
    for name, fields in before.items():
        for key, value in fields.items():
            assert after[name][key] == value, (name, key)


def test_a_sales_export_holds_only_their_clients_and_follows_the_filter(client, login_as, db):
    rep = login_as("sales")
    ClientFactory(name="达州市中心医院", owner_id=rep.id, status=Lifecycle.LEAD)
    ClientFactory(name="达州市妇幼保健院", owner_id=rep.id, status=Lifecycle.CUSTOMER)
    ClientFactory(name="乐山市人民医院", owner_id=make_user("sales").id, status=Lifecycle.LEAD)
    db.session.commit()

    def names(url):
        rows = list(csv.reader(io.StringIO(client.get(url).data.decode("utf-8-sig"), newline="")))
        return sorted(row[0] for row in rows[1:])

    assert names("/clients/export.csv") == sorted(["达州市中心医院", "达州市妇幼保健院"])
    assert names("/clients/export.csv?status=lead") == ["达州市中心医院"]
    sheet = load_workbook(io.BytesIO(client.get("/clients/export.xlsx?status=lead").data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["达州市中心医院"]
    assert client.get("/clients/export.pdf").status_code == 404


def test_duplicates_are_flagged_and_skipped_when_asked(client, login_as, db):
    rep = login_as("sales")
    mine = ClientFactory(name="重庆市第一人民医院", owner_id=rep.id)
    ClientFactory(name="乐山市人民医院", owner_id=make_user("sales").id)
    db.session.commit()
    content = csv_file([["名称", "城市"], ["重庆市第一人民医院（有限公司）", "重庆"], ["乐山市 人民医院", "乐山"],
                        ["达州市中心医院", "达州"], ["达州市中心医院有限公司", "达州"]])
    token, data, preview = upload_and_preview(client, content, "clients.csv")
    html = preview.get_data(as_text=True)
    assert "row-duplicate" in line(html, 2) and f"/clients/{mine.id}" in line(html, 2)
    # someone else's client: the name is said, but there is no way in
    assert "row-duplicate" in line(html, 3) and "乐山市人民医院" in line(html, 3) and "href" not in line(html, 3)
    assert "row-ok" in line(html, 4) and "row-duplicate" in line(html, 5)

    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    names = db.session.execute(select(Client.name).order_by(Client.id)).scalars().all()
    assert names == ["重庆市第一人民医院", "乐山市人民医院", "达州市中心医院"]


def test_duplicates_are_imported_when_skipping_is_off(client, login_as, db):
    rep = login_as("manager")
    ClientFactory(name="重庆市第一人民医院", owner_id=rep.id)
    db.session.commit()
    content = csv_file([["名称"], ["重庆市第一人民医院（有限公司）"]])
    token, data, _preview = upload_and_preview(client, content, "clients.csv", mode="create")
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    assert client_count(db) == 2


def test_the_mapping_is_remembered_for_the_next_upload(client, login_as, db):
    login_as("manager")
    content = csv_file([["单位全称", "总机", "备注信息"], ["达州市中心医院", "0818-2222222", "老客户"]])
    first = upload(client, content, "clients.csv").get_data(as_text=True)
    assert preselected(first) == {"col_0": "", "col_1": "", "col_2": ""}
    token = TOKEN.search(first).group(1)
    response = client.post(f"/clients/import/{token}", data={"col_0": "name", "col_1": "phone", "col_2": ""})
    assert response.status_code == 200

    second = upload(client, content, "clients-again.csv").get_data(as_text=True)
    assert preselected(second) == {"col_0": "name", "col_1": "phone", "col_2": ""}


def test_a_mapping_without_the_name_or_with_a_field_twice_is_refused(client, login_as, db):
    login_as("manager")
    page = upload(client, csv_file([["甲", "乙"], ["达州市中心医院", "达州"]]), "clients.csv")
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    assert client.post(f"/clients/import/{token}", data={"col_0": "city", "col_1": ""}).status_code == 422
    assert client.post(f"/clients/import/{token}", data={"col_0": "name", "col_1": "name"}).status_code == 422
    assert client.post(f"/clients/import/{token}", data={"col_0": "", "col_1": ""}).status_code == 422


def test_a_gbk_csv_with_semicolons_is_read(client, login_as, db):
    login_as("sales")
    content = csv_file([["名称", "城市"], ["达州市中心医院", "达州市"]], encoding="gb18030", delimiter=";")
    token, data, preview = upload_and_preview(client, content, "clients.csv")
    assert "达州市中心医院" in line(preview.get_data(as_text=True), 2)
    client.post(f"/clients/import/{token}/commit", data=data)
    assert db.session.execute(select(Client.city)).scalar_one() == "达州市"


def test_an_unreadable_file_is_refused_with_a_message(client, login_as, db):
    login_as("sales")
    response = upload(client, b"PK\x03\x04 not really a workbook", "clients.xlsx")
    assert response.status_code == 422 and "Excel" in response.get_data(as_text=True)
    assert upload(client, b"x", "clients.xls").status_code == 422


def test_a_sales_reps_imports_are_theirs_whatever_the_owner_column_says(client, login_as, db):
    rep = login_as("sales")
    make_user("sales", username="lina")
    db.session.commit()
    content = csv_file([["名称", "负责人"], ["达州市中心医院", "lina"]])
    token, data, preview = upload_and_preview(client, content, "clients.csv")
    assert 'value="owner"' not in preview.get_data(as_text=True)  # a rep has no owner to choose
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    assert db.session.execute(select(Client.owner_id)).scalar_one() == rep.id


def test_a_manager_import_names_the_owner_by_username(client, login_as, db):
    manager = login_as("manager")
    rep = make_user("sales", username="lina")
    db.session.commit()
    content = csv_file([["名称", "负责人"], ["达州市中心医院", "lina"], ["乐山市人民医院", ""], ["自贡一院", "nobody"]])
    token, data, preview = upload_and_preview(client, content, "clients.csv")
    assert "nobody" in line(preview.get_data(as_text=True), 4)
    content = csv_file([["名称", "负责人"], ["达州市中心医院", "lina"], ["乐山市人民医院", ""]])
    token, data, _preview = upload_and_preview(client, content, "clients.csv")
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    owners = dict(db.session.execute(select(Client.name, Client.owner_id)).all())
    assert owners == {"达州市中心医院": rep.id, "乐山市人民医院": manager.id}


def test_another_users_token_is_not_found_and_service_cannot_import(app, client, login_as, db):
    login_as("manager")
    page = upload(client, csv_file([["名称"], ["达州市中心医院"]]), "clients.csv")
    token = TOKEN.search(page.get_data(as_text=True)).group(1)

    other = make_user("manager")
    db.session.commit()
    someone_else = app.test_client()
    someone_else.post("/auth/login", data={"username": other.username, "password": PASSWORD})
    assert someone_else.post(f"/clients/import/{token}", data={"col_0": "name"}).status_code == 404
    assert someone_else.post(f"/clients/import/{token}/commit", data={"col_0": "name"}).status_code == 404
    assert client.post("/clients/import/not-a-token", data={"col_0": "name"}).status_code == 404
    assert client_count(db) == 0

    service = app.test_client()
    user = make_user("service")
    db.session.commit()
    service.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert service.get("/clients/import").status_code == 403


def test_export_and_preview_issue_a_fixed_number_of_queries(client, login_as, db, query_counter):
    login_as("manager")
    counts = []
    for rows in (1, 3, 30):  # the first run also stores the remembered mapping
        db.session.execute(delete(Client))
        level = db.session.execute(select(UnitLevel)).scalars().first() or UnitLevel(name="三甲")
        db.session.add(level)
        db.session.flush()
        for _n in range(rows):
            ClientFactory(owner_id=make_user("sales").id, unit_level_id=level.id)
        db.session.commit()
        with query_counter() as export_queries:
            export = client.get("/clients/export.xlsx")
        page = upload(client, export.data, "export.xlsx").get_data(as_text=True)
        token = TOKEN.search(page).group(1)
        with query_counter() as preview_queries:
            assert client.post(f"/clients/import/{token}", data=preselected(page)).status_code == 200
        counts.append((len(export_queries), len(preview_queries)))
    assert counts[1] == counts[2], counts
