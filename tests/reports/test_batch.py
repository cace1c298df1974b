"""The month's service reports of every client with activity, as one ZIP: made by the CLI, or in the background from
the page (huey: inline here, and once through a real consumer thread); resumable after a stop; managers only.
Only the report's interface is relied on (which clients, their file names, PDF bytes), not the report's content."""
import io
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.archive.models import Client
from app.core.clock import utcnow
from app.reports import batch, jobs
from app.reports.batch import BatchRun, RunStatus
from app.reports.monthly import clients_with_activity, report_filename
from tests.factories import ClientFactory, InteractionFactory, make_user
from tests.pdfcheck import check_pdf

MONTH = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def inline_jobs(app):
    """huey as the test app sets it (tasks inline), whatever app an earlier test created last; a task that
    raised would be put back on the schedule to retry, so nothing may be left there."""
    jobs.init_app(app)
    yield
    if jobs.huey.immediate:
        assert jobs.huey.scheduled() == []


@pytest.fixture
def instance(app, tmp_path, monkeypatch):
    """Reports go to a temporary instance folder."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    return tmp_path / "instance"


@pytest.fixture
def active(db):
    """Three clients with a visit done in October 2026 and one seen only in September; returns the report file
    names the batch must produce, read from the report's own interface."""
    rep = make_user("sales")
    for day in (3, 15, 28):
        client = ClientFactory(owner_id=rep.id)
        InteractionFactory(client_id=client.id, user_id=rep.id, done_at=datetime(2026, 10, day, 10))
    quiet = ClientFactory(owner_id=rep.id)
    InteractionFactory(client_id=quiet.id, user_id=rep.id, done_at=datetime(2026, 9, 20, 10))
    db.session.commit()
    ids = db.session.scalars(clients_with_activity(MONTH, None)).all()
    names = {report_filename(db.session.get(Client, client_id), MONTH) for client_id in ids}
    assert len(names) >= 3
    return names


def zip_names(data: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(info.flag_bits & 0x800 for info in archive.infolist() if not info.filename.isascii())  # UTF-8
        assert all(archive.read(info).startswith(b"%PDF-") for info in archive.infolist())
        return set(archive.namelist())


def test_the_cli_renders_one_pdf_per_active_client_and_their_zip(app, db, active, tmp_path):
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["service-reports", "2026-10", str(out)])

    assert result.exit_code == 0, result.output
    assert f"{len(active)}/{len(active)}" in result.output
    assert {path.name for path in out.glob("*.pdf")} == active
    assert zip_names((out / "服务月报-2026-10.zip").read_bytes()) == active
    check_pdf(next(out.glob("*.pdf")).read_bytes(), tmp_path)  # Chinese in an embedded CJK font


def test_the_cli_refuses_a_month_it_cannot_read(app, db, tmp_path):
    result = app.test_cli_runner().invoke(args=["service-reports", "2026-13", str(tmp_path / "out")])
    assert result.exit_code != 0 and "YYYY-MM" in result.output


def test_a_manager_starts_a_run_and_downloads_the_zip_named_in_chinese(client, login_as, db, instance, active):
    manager = login_as("manager")
    assert client.get("/reports/service-reports/.zip").status_code == 404
    assert client.get("/reports/service-reports/2026-10.zip").status_code == 404  # nothing made yet

    response = client.post("/reports/service-reports/", data={"month": "2026-10"})

    assert response.status_code == 302
    run = db.session.scalars(select(BatchRun)).one()
    assert (run.month, run.status, run.done, run.total, run.requested_by_id) == (
        MONTH, RunStatus.DONE, len(active), len(active), manager.id)
    page = client.get("/reports/service-reports/").get_data(as_text=True)
    assert "2026-10" in page and "已完成" in page and "/reports/service-reports/2026-10.zip" in page
    download = client.get("/reports/service-reports/2026-10.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"2026-10.zip\"; "
        "filename*=UTF-8''%E6%9C%8D%E5%8A%A1%E6%9C%88%E6%8A%A5-2026-10.zip")
    assert zip_names(download.data) == active
    assert not list(instance.rglob("*.part"))


def test_the_run_page_and_its_polled_row(client, login_as, db, instance):
    manager = login_as("manager")
    run = BatchRun(month=MONTH, requested_by_id=manager.id, status=RunStatus.RUNNING, total=8, done=5,
                   heartbeat_at=utcnow())
    db.session.add(run)
    db.session.commit()

    row = client.get(f"/reports/service-reports/runs/{run.id}", headers={"HX-Request": "true"})
    html = row.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="run-{run.id}"') and "<html" not in html
    assert 'hx-trigger="every 2s"' in html and '<progress value="5" max="8">' in html and "5 / 8 家客户" in html
    assert "Vary" in row.headers and "HX-Request" in row.headers["Vary"]
    page = client.get(f"/reports/service-reports/runs/{run.id}").get_data(as_text=True)
    assert "<html" in page and "生成中" in page

    run.status, run.done = RunStatus.DONE, 8
    db.session.commit()
    done = client.get(f"/reports/service-reports/runs/{run.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in done  # the finished row stops the polling
    assert client.get("/reports/service-reports/runs/999999").status_code == 404


def test_a_second_start_for_a_month_under_way_is_refused(client, login_as, db, instance):
    manager = login_as("manager")
    db.session.add(BatchRun(month=MONTH, requested_by_id=manager.id, status=RunStatus.RUNNING,
                            heartbeat_at=utcnow()))
    db.session.commit()

    page = client.post("/reports/service-reports/", data={"month": "2026-10"}, follow_redirects=True)

    assert "2026-10 的服务月报正在生成，未重复启动。" in page.get_data(as_text=True)
    assert db.session.scalars(select(BatchRun)).one().status == RunStatus.RUNNING


def test_a_month_that_is_not_one_is_shown_by_the_field(client, login_as, db, instance):
    login_as("manager")
    response = client.post("/reports/service-reports/", data={"month": "2026-1x"})
    assert response.status_code == 422 and 'value="2026-1x"' in response.get_data(as_text=True)
    assert db.session.scalars(select(BatchRun)).all() == []


@pytest.mark.parametrize("role", ["sales", "service"])
def test_only_managers_make_or_download_the_batch(client, login_as, db, instance, active, role):
    manager = make_user("manager")
    db.session.commit()
    run, _ = batch.start_run(MONTH, manager, "http://keyuan.example/")
    db.session.commit()
    assert batch.run_batch(run.id)
    login_as(role)

    assert client.get("/reports/service-reports/").status_code == 403
    assert client.post("/reports/service-reports/", data={"month": "2026-11"}).status_code == 403
    assert client.get("/reports/service-reports/2026-10.zip").status_code == 403
    assert db.session.scalars(select(BatchRun.month)).all() == [MONTH]


def test_a_run_a_stopped_process_left_resumes_and_renders_every_client_once(app, db, instance, active):
    from app.reports.monthly import service_report_pdf

    manager = make_user("manager")
    db.session.commit()
    run, _ = batch.start_run(MONTH, manager, "http://keyuan.example/")
    db.session.commit()
    # The process rendered two reports, was halfway through a third, and stopped: the run says running, silent.
    folder = batch.run_folder(run)
    folder.mkdir(parents=True)
    clients = batch.named_reports(batch.active_clients(MONTH), MONTH)
    for client, name in clients[:2]:
        with app.test_request_context(base_url=run.base_url):
            (folder / name).write_bytes(service_report_pdf(client, MONTH))
    (folder / (clients[2][1] + ".part")).write_bytes(b"%PDF-1.7 truncated")
    kept = {path.name: path.stat().st_mtime_ns for path in folder.glob("*.pdf")}
    run.status, run.done, run.total, run.heartbeat_at = RunStatus.RUNNING, 2, len(clients), utcnow() - batch.STALE
    db.session.commit()
    time.sleep(0.01)  # a file written again would show a later modification time

    jobs.resume_unfinished()  # what a consumer does when it starts; huey runs the task inline in tests

    db.session.expire_all()
    assert (run.status, run.done, run.total) == (RunStatus.DONE, len(active), len(active))
    assert {name: (folder / name).stat().st_mtime_ns for name in kept} == kept  # not rendered twice
    assert {path.name for path in folder.glob("*.pdf")} == active
    assert not list(folder.glob("*.part"))
    assert zip_names(batch.zip_path(run).read_bytes()) == active


def test_a_run_another_worker_holds_is_left_to_it(db, instance, active):
    manager = make_user("manager")
    db.session.commit()
    run, _ = batch.start_run(MONTH, manager, "http://keyuan.example/")
    db.session.commit()
    assert batch.claim(run.id)

    assert batch.run_batch(run.id) is False  # busy
    jobs.render_service_reports(run.id)
    assert [task.args for task in jobs.huey.scheduled()] == [(run.id,)]  # the task asks huey to try again later
    assert not batch.claim(run.id)
    assert not batch.run_folder(run).exists()
    jobs.huey.flush()


@pytest.fixture
def real_queue(app, instance):
    """huey on its SQLite file in the instance folder, as out of the box; the consumer thread stopped after."""
    app.config["JOBS_IMMEDIATE"] = False
    jobs.init_app(app)
    yield
    jobs.stop_consumer()
    del app.config["JOBS_IMMEDIATE"]
    jobs.init_app(app)


def test_the_web_process_consumer_thread_makes_the_reports(client, login_as, db, instance, active, real_queue):
    login_as("manager")  # the first request starts the consumer thread

    assert client.post("/reports/service-reports/", data={"month": "2026-10"}).status_code == 302

    assert (instance / "jobs.db").exists()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        db.session.expire_all()
        run = db.session.scalars(select(BatchRun)).one()
        if not run.unfinished:
            break
        time.sleep(0.2)
    assert run.status == RunStatus.DONE, run.error
    assert zip_names(client.get("/reports/service-reports/2026-10.zip").data) == active
    assert Path(batch.zip_path(run)).exists()


def test_the_survey_links_on_batch_reports_point_where_clients_reach_the_app(app, db, active, tmp_path):
    """A job has no request: the CLI takes --base-url (default PUBLIC_URL), a run from the page the address it was
    started from, unless PUBLIC_URL says where clients reach the app."""
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["service-reports", "2026-10", str(out),
                                                "--base-url", "https://kh.example.com/"])
    assert result.exit_code == 0, result.output
    texts = ["".join(check_pdf(path.read_bytes(), tmp_path).text.split()) for path in sorted(out.glob("*.pdf"))]
    assert texts and all("https://kh.example.com/p/s/" in text for text in texts)

    manager = make_user("manager")
    db.session.commit()
    assert batch.start_run(MONTH, manager, "http://10.0.0.5:8000/")[0].base_url == "http://10.0.0.5:8000/"
    db.session.rollback()
    app.config["PUBLIC_URL"] = "https://kh.example.com/"
    try:
        assert batch.start_run(MONTH, manager, "http://10.0.0.5:8000/")[0].base_url == "https://kh.example.com/"
    finally:
        app.config["PUBLIC_URL"] = ""
        db.session.rollback()
