"""The quarter's VIP summaries as one ZIP: one PDF per VIP client (not the ordinary ones, not the deleted ones), made
by the CLI or in the background from the batch page (huey inline here) beside the monthly reports; managers only."""
from datetime import date

import pytest
from sqlalchemy import select

from app.archive.enums import Relationship
from app.reports import batch, vip
from app.reports.batch import BatchRun, RunKind, RunStatus
from tests.factories import ClientFactory, make_user
from tests.pdfcheck import check_pdf
from tests.reports.test_batch import inline_jobs, instance, zip_names  # noqa: F401  (fixtures)

Q4 = date(2026, 10, 1)
pytestmark = pytest.mark.usefixtures("instance")  # the PDFs go to a temporary instance folder


@pytest.fixture
def vips(app, db, monkeypatch):
    """Today is 2027-01-10; two VIP clients (one with a name a file system refuses), an ordinary one, a deleted VIP
    one. Returns the file names the batch must produce."""
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2027, 1, 10))
    rep = make_user("sales")
    first = ClientFactory(owner_id=rep.id, name="遂宁市中心医院", relationship_class=Relationship.VIP)
    second = ClientFactory(owner_id=rep.id, name="内江/第二人民医院", relationship_class=Relationship.VIP)
    ClientFactory(owner_id=rep.id, name="普通医院", relationship_class=Relationship.ORDINARY)
    ClientFactory(owner_id=rep.id, name="删掉的医院", relationship_class=Relationship.VIP).soft_delete(rep)
    db.session.commit()
    names = {vip.summary_filename(client, Q4) for client in (first, second)}
    assert names == {"VIP季度总结-遂宁市中心医院-2026-Q4.pdf", "VIP季度总结-内江_第二人民医院-2026-Q4.pdf"}
    return names


def test_the_cli_renders_one_summary_per_vip_client_and_their_zip(app, db, vips, tmp_path):
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["vip-summaries", "--quarter", "2026-Q4", "--outdir", str(out)])

    assert result.exit_code == 0, result.output
    assert "2/2" in result.output
    assert {path.name for path in out.glob("*.pdf")} == vips
    assert zip_names((out / "VIP季度总结-2026-Q4.zip").read_bytes()) == vips
    text = "".join(check_pdf((out / "VIP季度总结-遂宁市中心医院-2026-Q4.pdf").read_bytes(), tmp_path).text.split())
    assert "遂宁市中心医院" in text and "2026-Q4" in text


@pytest.mark.parametrize("quarter", ["2026-Q5", "2026-10", ""])
def test_the_cli_refuses_a_quarter_it_cannot_read(app, db, tmp_path, quarter):
    result = app.test_cli_runner().invoke(args=["vip-summaries", "--quarter", quarter, "--outdir", str(tmp_path)])
    assert result.exit_code != 0 and "2026-Q4" in result.output


def test_a_manager_makes_the_quarters_summaries_beside_the_monthly_reports(client, login_as, db, vips):
    manager = login_as("manager")
    db.session.add(BatchRun(month=Q4, requested_by_id=manager.id, status=RunStatus.RUNNING))  # October's reports
    db.session.commit()
    page = client.get("/reports/service-reports/").get_data(as_text=True)
    assert 'action="/reports/vip-summaries/"' in page and '<option selected value="2026-Q4">' in page
    assert client.get("/reports/vip-summaries/2026-Q4.zip").status_code == 404  # nothing made yet

    response = client.post("/reports/vip-summaries/", data={"quarter": "2026-Q4"})

    assert response.status_code == 302
    run = db.session.scalars(select(BatchRun).where(BatchRun.kind == RunKind.VIP_QUARTERLY)).one()
    assert (run.month, run.status, run.done, run.total, run.period) == (Q4, RunStatus.DONE, 2, 2, "2026-Q4")
    page = client.get("/reports/service-reports/").get_data(as_text=True)
    assert "VIP季度总结" in page and "/reports/vip-summaries/2026-Q4.zip" in page and "2026-10" in page
    download = client.get("/reports/vip-summaries/2026-Q4.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "filename*=UTF-8''VIP%E5%AD%A3%E5%BA%A6%E6%80%BB%E7%BB%93-2026-Q4.zip" in download.headers[
        "Content-Disposition"]
    assert zip_names(download.data) == vips
    assert client.get(f"/reports/service-reports/runs/{run.id}").get_data(as_text=True).count("VIP季度总结 2026-Q4")
    assert client.get("/reports/service-reports/2026-10.zip").status_code == 404  # the monthly run is its own

    again = client.post("/reports/vip-summaries/", data={"quarter": "2026-Q4"}, follow_redirects=True)
    assert again.status_code == 200  # a second run once the first is done
    assert db.session.scalar(select(BatchRun).where(BatchRun.kind == RunKind.VIP_QUARTERLY,
                                                    BatchRun.id != run.id)).status == RunStatus.DONE


def test_a_quarter_under_way_is_not_started_twice(client, login_as, db, vips):
    manager = login_as("manager")
    db.session.add(BatchRun(kind=RunKind.VIP_QUARTERLY, month=Q4, requested_by_id=manager.id,
                            status=RunStatus.RUNNING))
    db.session.commit()
    page = client.post("/reports/vip-summaries/", data={"quarter": "2026-Q4"}, follow_redirects=True)
    assert "2026-Q4 的VIP季度总结正在生成，未重复启动。" in page.get_data(as_text=True)
    assert len(db.session.scalars(select(BatchRun)).all()) == 1


def test_a_quarter_not_offered_is_shown_by_the_field(client, login_as, db):
    login_as("manager")
    response = client.post("/reports/vip-summaries/", data={"quarter": "2030-Q1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="quarter-error"' in html and 'aria-invalid="true"' in html
    assert db.session.scalars(select(BatchRun)).all() == []


@pytest.mark.parametrize("role", ["sales", "service"])
def test_only_managers_make_or_download_the_summaries(client, login_as, db, vips, role):
    manager = make_user("manager")
    db.session.commit()
    run, _ = batch.start_run(Q4, manager, "http://keyuan.example/", RunKind.VIP_QUARTERLY)
    db.session.commit()
    assert batch.run_batch(run.id)
    login_as(role)

    assert client.post("/reports/vip-summaries/", data={"quarter": "2026-Q3"}).status_code == 403
    assert client.get("/reports/vip-summaries/2026-Q4.zip").status_code == 403
    assert db.session.scalars(select(BatchRun.id)).all() == [run.id]
