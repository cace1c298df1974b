"""Exports start at once and do not hold the archive in memory: CSV streams in chunks, named in Chinese."""
import io
from urllib.parse import quote

from app.archive import spreadsheet
from tests.factories import ClientFactory


def test_the_csv_export_is_streamed_with_a_chinese_file_name(client, login_as, db):
    rep = login_as("sales")
    for n in range(3):
        ClientFactory(owner_id=rep.id, name=f"自贡市第{n}人民医院")
    db.session.commit()
    response = client.get("/clients/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset said once
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" + quote("客户档案") in disposition and 'filename="' in disposition
    text = response.get_data().decode("utf-8-sig")
    assert text.count("\r\n") == 4 and "自贡市第2人民医院" in text


def test_csv_rows_come_in_chunks(app, db):
    clients = [ClientFactory() for _ in range(5)]
    with app.test_request_context():
        chunks = list(spreadsheet.export_csv(clients, chunk_rows=2))
    assert len(chunks) == 3  # header + 2 rows, 2 rows, the last row
    assert b"".join(chunks).decode("utf-8-sig").count("\r\n") == 6


def test_an_export_reads_its_rows_in_one_query_however_many_chunks(app, db):
    from sqlalchemy import select

    from app.archive.models import Client
    from app.core.paging import in_chunks
    from tests.conftest import counted_queries

    names = sorted(f"客户{n}" for n in range(7))
    for name in names:
        ClientFactory(name=name)
    db.session.commit()
    with counted_queries(db.engine) as statements:
        read = [client.name for client in in_chunks(select(Client).order_by(Client.name), size=2)]
    assert read == names and len(statements) == 1  # four chunks, one query (no OFFSET walk per chunk)


def test_the_xlsx_export_is_streamed_and_opens_with_its_header_numbers_and_text(client, login_as, db):
    from decimal import Decimal

    from openpyxl import load_workbook

    rep = login_as("sales")
    ClientFactory(owner_id=rep.id, name="=自贡市第一人民医院", beds=1200, annual_revenue=Decimal("12345.60"),
                  notes="  前后有空格\x01  ")
    db.session.commit()
    response = client.get("/clients/export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    assert "filename*=UTF-8''" + quote("客户档案") in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.title == "客户" and sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["名称", "简称"] and sheet["A1"].font.bold
    row = dict(zip(header, sheet[2], strict=False))
    assert row["名称"].value == "=自贡市第一人民医院" and row["名称"].data_type == "s"  # text, never a formula
    assert row["床位数"].value == 1200 and row["年收入（万元）"].value == 12345.6
    assert row["年收入（万元）"].number_format == "0.00"
    assert row["备注"].value == "  前后有空格  "  # spaces kept, a control character XML forbids left out


def test_xlsx_rows_come_in_pieces_and_dates_are_dates(app):
    from datetime import date, datetime

    from openpyxl import load_workbook

    from app.core import xlsx

    rows = ([n, date(2026, 11, 24), "行"] for n in range(1, 2 * xlsx.ROWS_PER_CHUNK + 2))
    chunks = list(xlsx.stream_xlsx("表[1]", ["序号", "日期", "文字"], rows))
    assert len(chunks) >= 3  # sent as the rows came, not at the end
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    assert sheet.title == "表1" and sheet.max_row == 2 * xlsx.ROWS_PER_CHUNK + 2
    assert sheet["B2"].value == datetime(2026, 11, 24) and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["A1001"].value == 1000
