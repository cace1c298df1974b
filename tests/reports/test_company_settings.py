"""The company letterhead (admin): name and logo (PNG/JPEG, at most 500 KB) printed in every document's header,
kept in the audited setting "company" that core.pdf.print_company reads."""
import base64
import struct
import zlib
from io import BytesIO

from sqlalchemy import select

from app.core.models import AuditEvent
from app.core.pdf import print_company
from app.extensions import db
from tests.archive.test_attachments import PNG
from tests.factories import ClientFactory
from tests.pdfcheck import check_pdf

URL = "/admin/company"


def _png_of(size: int) -> bytes:
    """A valid PNG padded to ``size`` bytes with a private chunk (as a large logo would be)."""
    body = b"x" * (size - len(PNG) - 12)
    chunk = struct.pack(">I", len(body)) + b"prIv" + body + struct.pack(">I", zlib.crc32(b"prIv" + body))
    return PNG[:-12] + chunk + PNG[-12:]


def test_the_admin_sets_name_and_logo_and_sees_the_logo_back(client, login_as):
    login_as("admin")
    response = client.post(URL, data={"name": "重庆喆堃软件有限公司", "logo": (BytesIO(PNG), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302

    company = print_company()
    assert company["name"] == "重庆喆堃软件有限公司"
    assert company["logo"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    page = client.get(URL).get_data(as_text=True)
    assert company["logo"] in page and 'value="重庆喆堃软件有限公司"' in page
    changes = db.session.execute(select(AuditEvent.changes).where(AuditEvent.entity == "settings")).scalar_one()
    assert changes["company"][1]["name"] == "重庆喆堃软件有限公司"  # who changed it is on the trail


def test_saving_the_name_alone_keeps_the_logo_and_removing_it_drops_it(client, login_as):
    login_as("admin")
    client.post(URL, data={"name": "甲公司", "logo": (BytesIO(PNG), "logo.png")}, content_type="multipart/form-data")
    client.post(URL, data={"name": "乙公司"}, content_type="multipart/form-data")
    assert print_company()["name"] == "乙公司" and print_company()["logo"]
    client.post(URL, data={"name": "乙公司", "remove_logo": "y"}, content_type="multipart/form-data")
    assert print_company()["logo"] is None


def test_a_logo_too_large_or_not_an_image_is_refused_beside_the_field(client, login_as):
    login_as("admin")
    for upload, message in (((BytesIO(_png_of(501 * 1024)), "big.png"), "徽标最大 500 KB"),
                            ((BytesIO(b"GIF89a" + b"\0" * 40), "logo.gif"), "请选择 PNG 或 JPEG 图片"),
                            ((BytesIO(PNG[:20]), "broken.png"), "请选择 PNG 或 JPEG 图片")):
        response = client.post(URL, data={"name": "丙公司", "logo": upload}, content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page and 'value="丙公司"' in page
    assert print_company()["name"] != "丙公司"  # nothing saved
    ok = client.post(URL, data={"name": "丙公司", "logo": (BytesIO(_png_of(500 * 1024)), "ok.png")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302


def test_a_name_is_required(client, login_as):
    login_as("admin")
    assert client.post(URL, data={"name": "  "}, content_type="multipart/form-data").status_code == 422


def test_only_the_admin_may_set_it(client, login_as):
    login_as("manager")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"name": "改名"}, content_type="multipart/form-data").status_code == 403


def test_every_document_carries_the_company_in_its_header(client, login_as, tmp_path):
    admin = login_as("admin")
    client.post(URL, data={"name": "重庆喆堃软件有限公司", "logo": (BytesIO(PNG), "logo.png")},
                content_type="multipart/form-data")
    hospital = ClientFactory(owner_id=admin.id)
    db.session.commit()
    for url in ("/reports/visit-plan.pdf", f"/reports/clients/{hospital.id}/contracts.pdf"):
        checked = check_pdf(client.get(url).data, tmp_path)
        assert "重庆喆堃软件有限公司" in checked.text, url
