"""Exports start at once and do not hold the archive in memory: CSV streams in chunks, named in Chinese."""
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
