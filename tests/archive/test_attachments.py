"""Photos and scans on a client: typed by their bytes, size-limited, kept under instance/, shown only to
those who may see the client, deleted into the recycle bin."""
import struct
import zlib
from io import BytesIO

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.archive.attachments import clean_filename, save_upload, sniff
from app.archive.models import Attachment
from tests.factories import ClientFactory, make_user


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
       + _chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + _chunk(b"IEND", b""))
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def storage(app, monkeypatch, tmp_path):
    """Files go to a temporary instance folder, never into the repository."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "attachments"


def upload(client, client_id, data, name, caption="", htmx=False):
    return client.post(f"/clients/{client_id}/attachments", data={"file": (BytesIO(data), name), "caption": caption},
                       content_type="multipart/form-data", headers={"HX-Request": "true"} if htmx else {})


def attach(db, record, user, data=PNG, name="照片.png") -> Attachment:
    attachment = save_upload(record, FileStorage(BytesIO(data), name), "", user)
    db.session.commit()
    return attachment


def stored_files(storage) -> list:
    return sorted(storage.iterdir()) if storage.exists() else []


@pytest.mark.parametrize("head, expected", [
    (PNG, ("image/png", ".png")),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", ("image/jpeg", ".jpg")),
    (b"GIF89a\x01\x00", ("image/gif", ".gif")),
    (b"GIF87a\x01\x00", ("image/gif", ".gif")),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", ("image/webp", ".webp")),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", ("image/heic", ".heic")),
    (b"\x00\x00\x00\x18ftypmif1\x00\x00", ("image/heif", ".heif")),
    (PDF, ("application/pdf", ".pdf")),
    (b"<svg xmlns='http://www.w3.org/2000/svg'>", None),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    (b"PK\x03\x04", None),
    (b"", None),
])
def test_the_first_bytes_decide_what_a_file_is(head, expected):
    assert sniff(head) == expected


@pytest.mark.parametrize("sent, kind, shown", [
    ("合同扫描件.pdf", ".pdf", "合同扫描件.pdf"),
    ("C:\\Users\\王芳\\Desktop\\机房照片.jpg", ".jpg", "机房照片.jpg"),
    ("机房照片.JPEG", ".jpg", "机房照片.JPEG"),
    ("../../etc/passwd", ".png", "passwd.png"),
    ("报价\r\n单\x00.pdf", ".pdf", "报价单.pdf"),
    ("\u202egnp.exe", ".png", "gnp.exe.png"),
    ("photo.html", ".png", "photo.html.png"),  # what it really is decides, never what it is called
    ("合同.pdf", ".png", "合同.pdf.png"),
    ("", ".png", "attachment.png"),
    ("...", ".png", "attachment.png"),
    ("长" * 300 + ".jpeg", ".jpg", "长" * 195 + ".jpeg"),
    ("长" * 300 + ".exe", ".png", "长" * 196 + ".png"),
])
def test_the_sent_file_name_is_cleaned_keeps_chinese_and_tells_the_real_type(sent, kind, shown):
    assert clean_filename(sent, kind) == shown
    assert len(clean_filename(sent, kind)) <= 200


def test_an_upload_is_stored_under_instance_and_shown_on_the_client_page(client, login_as, db, storage):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = upload(client, record.id, PNG, "机房照片.png", caption="三楼信息科机房")
    assert response.status_code == 302
    assert response.location == f"/clients/{record.id}#attachments"
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert (attachment.filename, attachment.content_type, attachment.size) == ("机房照片.png", "image/png", len(PNG))
    assert stored_files(storage) == [storage / attachment.stored_name]
    assert (storage / attachment.stored_name).read_bytes() == PNG
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "机房照片.png" in html and "三楼信息科机房" in html and "机房照片.png 已上传" in html
    assert f'src="/clients/{record.id}/attachments/{attachment.id}"' in html and 'loading="lazy"' in html


def test_the_upload_form_offers_the_camera_and_pdf_files(client, login_as, db, storage):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    html = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'hx-encoding="multipart/form-data"' in html
    assert 'accept="image/*,application/pdf"' in html and 'capture="environment"' in html
    assert "还没有照片或扫描件" in html and "最大 10 MB" in html


@pytest.mark.parametrize("data, name, content_type, disposition, shown", [
    (PNG, "现场.png", "image/png", "inline", "现场.png"),
    (PDF, "合同扫描.pdf", "application/pdf", "attachment", "合同扫描.pdf"),  # a PDF may carry JavaScript
    (PDF, "named-wrongly.jpg", "application/pdf", "attachment", "named-wrongly.jpg.pdf"),
])
def test_the_file_is_served_as_it_was_sent_with_its_sniffed_type(client, login_as, db, storage, data, name,
                                                                  content_type, disposition, shown):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    assert upload(client, record.id, data, name).status_code == 302
    attachment = db.session.execute(select(Attachment)).scalar_one()
    response = client.get(f"/clients/{record.id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == data
    assert response.mimetype == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["Content-Security-Policy"] == "sandbox"  # never runs as this site
    assert response.headers["Content-Disposition"].startswith(disposition)
    assert attachment.filename == shown


@pytest.mark.parametrize("data, name, message", [
    (b"<script>alert(1)</script>", "photo.png", "只能上传照片（JPEG、PNG、GIF、WEBP、HEIC）或 PDF 文件。"),
    (b"MZ\x90\x00" + bytes(60), "报价单.pdf", "只能上传照片（JPEG、PNG、GIF、WEBP、HEIC）或 PDF 文件。"),
    (b"", "empty.png", "文件是空的。"),
], ids=["html-named-png", "exe-named-pdf", "empty"])
def test_a_file_that_is_no_image_or_pdf_is_refused_by_the_field_and_nothing_is_kept(client, login_as, db,
                                                                                     storage, data, name, message):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = upload(client, record.id, data, name, caption="说明保留")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error" id="file-error">{message}</p>' in html
    assert 'value="说明保留"' in html
    assert db.session.scalar(select(Attachment.id)) is None
    assert stored_files(storage) == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(client, login_as, db, storage, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 100)
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = upload(client, record.id, PNG + bytes(101), "大图.png", htmx=True)
    assert response.status_code == 422
    assert "文件太大：最大 100 B。" in response.get_data(as_text=True)
    assert db.session.scalar(select(Attachment.id)) is None
    assert stored_files(storage) == []
    assert upload(client, record.id, PNG[:100], "刚好.png").status_code == 302  # at the limit is fine


def test_a_request_over_the_size_backstop_gets_the_413_page(client, login_as, db, storage, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = upload(client, record.id, PNG + bytes(2000), "巨图.png")
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)
    assert db.session.scalar(select(Attachment.id)) is None


def test_an_htmx_upload_returns_the_attachments_fragment(client, login_as, db, storage):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = upload(client, record.id, PDF, "验收单.pdf", caption="签字验收", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "验收单.pdf" in html and "签字验收" in html and ">PDF<" in html
    assert "HX-Request" in response.headers["Vary"]
    assert 'value="签字验收"' not in html  # a fresh form for the next file


@pytest.mark.parametrize("method, path", [
    ("get", "/clients/{client}/attachments/{attachment}"),
    ("post", "/clients/{client}/attachments/{attachment}/delete"),
])
def test_an_attachment_must_belong_to_the_client_in_the_url(client, login_as, db, storage, method, path):
    rep = login_as("sales")
    mine, also_mine = ClientFactory(owner_id=rep.id), ClientFactory(owner_id=rep.id)
    theirs = ClientFactory(owner_id=make_user("sales").id)
    for record in (also_mine, theirs):
        attachment = attach(db, record, rep)
        assert getattr(client, method)(path.format(client=mine.id, attachment=attachment.id)).status_code == 404
    db.session.expire_all()
    assert not any(a.is_deleted for a in db.session.execute(select(Attachment)).scalars())


def test_service_can_upload_on_site_but_not_delete(client, login_as, db, storage):
    login_as("service")
    record = ClientFactory(owner_id=make_user("sales").id)
    db.session.commit()
    assert upload(client, record.id, PNG, "故障设备.png").status_code == 302
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert client.get(f"/clients/{record.id}/attachments/{attachment.id}").data == PNG
    assert client.post(f"/clients/{record.id}/attachments/{attachment.id}/delete").status_code == 403
    assert "/delete" not in client.get(f"/clients/{record.id}").get_data(as_text=True).split('id="attachments"')[1]


def test_signed_out_users_get_no_file(client, db, storage):
    rep = make_user("sales")
    record = ClientFactory(owner_id=rep.id)
    attachment = attach(db, record, rep)
    response = client.get(f"/clients/{record.id}/attachments/{attachment.id}")
    assert response.status_code == 302 and response.location.startswith("/auth/login")


def test_a_deleted_attachment_goes_to_the_recycle_bin_and_comes_back(client, login_as, db, storage):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id, name="绵阳市中心医院")
    db.session.commit()
    upload(client, record.id, PNG, "旧机房.png")
    attachment = db.session.execute(select(Attachment)).scalar_one()
    file_url = f"/clients/{record.id}/attachments/{attachment.id}"
    response = client.post(f"{file_url}/delete")
    assert response.status_code == 302 and response.location == f"/clients/{record.id}#attachments"
    assert client.get(file_url).status_code == 404
    page = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "旧机房.png" not in page.split('id="attachments"')[1]
    assert stored_files(storage) == [storage / attachment.stored_name]  # the file stays until purged

    client.post("/auth/logout")
    login_as("manager")
    assert "绵阳市中心医院 · 旧机房.png" in client.get("/admin/recycle-bin").get_data(as_text=True)
    assert client.post(f"/admin/recycle-bin/attachments/{attachment.id}/restore").status_code == 302
    assert client.get(file_url).data == PNG
    assert "旧机房.png" in client.get(f"/clients/{record.id}").get_data(as_text=True)
