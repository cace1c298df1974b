"""A batch of client documents as one ZIP: the month's service reports of every client with activity, or the
quarter's summaries of every VIP client. A run renders each client's PDF into instance/reports/<period>/<run id>/,
skipping the files already there, so a run a stopped process left resumes where it was; then it writes the ZIP
beside that folder. The CLI renders through the same functions."""
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Select, String, Text, and_, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.archive.models import Client
from app.core import dates, links
from app.core.clock import utcnow
from app.core.dates import parse_quarter, quarter_label
from app.core.enums import LabeledEnum
from app.core.models import User, enum_column
from app.extensions import db
from app.reports import monthly, vip

STALE = timedelta(minutes=1)  # a running run without news for this long was left by a stopped process
PROGRESS_EVERY = 5  # clients between two progress commits


class RunStatus(LabeledEnum):
    QUEUED = "queued", _l("Waiting")
    RUNNING = "running", _l("In progress")
    DONE = "done", _l("Done")
    FAILED = "failed", _l("Failed")


UNFINISHED = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunKind(LabeledEnum):
    SERVICE_MONTHLY = "service_monthly", _l("Service monthly reports")
    VIP_QUARTERLY = "vip_quarterly", _l("VIP quarterly summaries")


class BatchRun(db.Model):
    """One run of a batch (a month's service reports, a quarter's VIP summaries): who asked, how far it got."""

    __tablename__ = "service_report_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RunKind] = enum_column(RunKind, default=RunKind.SERVICE_MONTHLY, server_default="service_monthly")
    month: Mapped[date] = mapped_column(index=True)  # the period's first day: the month's, or the quarter's
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[RunStatus] = enum_column(RunStatus, default=RunStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # Where clients reach the app (the survey QR codes point there): PUBLIC_URL, or the address the run was
    # started from. A job has no request of its own to take it from.
    base_url: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]  # the last progress saved: a claim older than STALE may be taken over
    finished_at: Mapped[datetime | None]

    requested_by: Mapped[User | None] = relationship()

    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED

    @property
    def period(self) -> str:
        return DOCUMENTS[self.kind].period(self.month)


def zip_name(month: date) -> str:
    return _("Service reports %(month)s", month=f"{month:%Y-%m}") + ".zip"


def vip_zip_name(quarter: date) -> str:
    return _("VIP quarterly summaries %(quarter)s", quarter=quarter_label(quarter)) + ".zip"


def active_clients(month: date) -> list[Client]:
    ids = monthly.clients_with_activity(month, None).order_by(None)
    return list(db.session.scalars(select(Client).where(Client.id.in_(ids)).order_by(Client.id)))


@dataclass(frozen=True)
class Documents:
    """What a kind of run renders for a period (named by its first day): for which clients, each one's file name
    and PDF, the ZIP's name, and how the period is written (2026-10, 2026-Q4)."""

    clients: Callable[[date], list[Client]]
    filename: Callable[[Client, date], str]
    pdf: Callable[[Client, date], bytes]
    zip_name: Callable[[date], str]
    period: Callable[[date], str]


DOCUMENTS = {
    RunKind.SERVICE_MONTHLY: Documents(active_clients, monthly.report_filename, monthly.service_report_pdf,
                                       zip_name, lambda month: f"{month:%Y-%m}"),
    RunKind.VIP_QUARTERLY: Documents(lambda _quarter: vip.vip_clients(), vip.summary_filename, vip.vip_summary_pdf,
                                     vip_zip_name, quarter_label),
}


def named_reports(clients: list[Client], month: date,
                  kind: RunKind = RunKind.SERVICE_MONTHLY) -> list[tuple[Client, str]]:
    """Each client's file name; a name two clients share gets the client's id added to the later one."""
    seen, named = set(), []
    for client in clients:
        name = DOCUMENTS[kind].filename(client, month)
        if name in seen:
            stem, dot, extension = name.rpartition(".")
            name = f"{stem}-{client.id}{dot}{extension}"
        seen.add(name)
        named.append((client, name))
    return named


def render_reports(month: date, folder: Path, base_url: str,
                   on_progress: Callable[[int, int], None] | None = None,
                   kind: RunKind = RunKind.SERVICE_MONTHLY) -> list[Path]:
    """The period's documents as PDFs in ``folder``; a file already there is kept (it was rendered before a stop).
    A PDF is written under a temporary name first, so a stop mid-write leaves no truncated report behind. The
    survey links printed on them are made under ``base_url`` (the job has no request of its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    documents = DOCUMENTS[kind]
    reports = named_reports(documents.clients(month), month, kind)
    paths = []
    if on_progress:
        on_progress(0, len(reports))
    for number, (client, name) in enumerate(reports, 1):
        path = folder / name
        if not path.exists():
            part = path.with_name(path.name + ".part")
            with current_app.test_request_context(base_url=base_url):
                part.write_bytes(documents.pdf(client, month))
            db.session.commit()  # the survey link the report may have issued
            part.replace(path)
        paths.append(path)
        if on_progress:
            on_progress(number, len(reports))
    return paths


def write_zip(paths: list[Path], target: Path) -> Path:
    """The PDFs in one ZIP under their Chinese names (zipfile sets the UTF-8 flag for them)."""
    part = target.with_name(target.name + ".part")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    part.replace(target)
    return target


def run_folder(run: BatchRun) -> Path:
    return Path(current_app.instance_path) / "reports" / run.period / str(run.id)


def zip_path(run: BatchRun) -> Path:
    return run_folder(run).with_suffix(".zip")


def start_run(month: date, user, base_url: str, kind: RunKind = RunKind.SERVICE_MONTHLY) -> tuple[BatchRun, bool]:
    """A new queued run for the period, or the run already under way for it (False: nothing started)."""
    under_way = db.session.scalar(select(BatchRun).where(BatchRun.kind == kind, BatchRun.month == month,
                                                         BatchRun.status.in_(UNFINISHED)))
    if under_way:
        return under_way, False
    run = BatchRun(kind=kind, month=month, requested_by_id=user.id, base_url=links.public_base() or base_url)
    db.session.add(run)
    db.session.flush()
    return run, True


def claim(run_id: int) -> bool:
    """Take the run for this worker: a queued one, or a running one whose worker has been silent since STALE.
    One UPDATE decides, so two consumers given the same run (a resume in each process) never both render it."""
    now = utcnow()
    silent = and_(BatchRun.status == RunStatus.RUNNING,
                  or_(BatchRun.heartbeat_at.is_(None), BatchRun.heartbeat_at < now - STALE))
    taken = db.session.execute(
        update(BatchRun).where(BatchRun.id == run_id, or_(BatchRun.status == RunStatus.QUEUED, silent))
        .values(status=RunStatus.RUNNING, heartbeat_at=now, started_at=func.coalesce(BatchRun.started_at, now)))
    db.session.commit()
    return taken.rowcount == 1


def run_batch(run_id: int) -> bool:
    """Render the run's reports and its ZIP, saving progress as it goes. False when another worker has the run
    (try again later); True when there is nothing left to do, whether it succeeded or failed."""
    if not claim(run_id):
        run = db.session.get(BatchRun, run_id)
        return run is None or not run.unfinished
    run = db.session.get(BatchRun, run_id)

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            run.done, run.total, run.heartbeat_at = done, total, utcnow()
            db.session.commit()

    try:
        write_zip(render_reports(run.month, run_folder(run), run.base_url, progress, run.kind), zip_path(run))
    except Exception as error:
        current_app.logger.exception("batch run %s failed", run_id)
        db.session.rollback()
        run.status, run.error = RunStatus.FAILED, (str(error) or type(error).__name__)[:500]
    else:
        run.status = RunStatus.DONE
    run.finished_at = utcnow()
    db.session.commit()
    return True


def unfinished_runs() -> list[int]:
    return list(db.session.scalars(select(BatchRun.id).where(BatchRun.status.in_(UNFINISHED)).order_by(BatchRun.id)))


def recent_runs(limit: int = 20) -> Select:
    return select(BatchRun).order_by(BatchRun.id.desc()).limit(limit)


def latest_done(month: date, kind: RunKind = RunKind.SERVICE_MONTHLY) -> BatchRun | None:
    return db.session.scalar(select(BatchRun).where(BatchRun.kind == kind, BatchRun.month == month,
                                                    BatchRun.status == RunStatus.DONE)
                             .order_by(BatchRun.id.desc()).limit(1))


@click.command("service-reports")
@click.argument("month")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", default=lambda: links.public_base() or "http://127.0.0.1:5000/", show_default="PUBLIC_URL",
              help="Where clients open the survey links printed on the reports.")
def service_reports_command(month, outdir, base_url):
    """Render MONTH's (YYYY-MM) service reports of every client with activity into OUTDIR, and their ZIP."""
    first_day = dates.parse_month(month)
    if first_day is None:
        raise click.BadParameter("give the month as YYYY-MM", param_hint="MONTH")
    paths = render_reports(first_day, outdir, base_url, lambda done, total: click.echo(f"{done}/{total}"))
    target = write_zip(paths, outdir / zip_name(first_day))
    click.echo(f"{len(paths)} reports, {target}")


@click.command("vip-summaries")
@click.option("--quarter", required=True, help="The quarter, as 2026-Q4.")
@click.option("--outdir", required=True, type=click.Path(file_okay=False, path_type=Path))
def vip_summaries_command(quarter, outdir):
    """Render QUARTER's summary of every VIP client into OUTDIR, and their ZIP."""
    first_day = parse_quarter(quarter)
    if first_day is None:
        raise click.BadParameter("give the quarter as YYYY-Qn, e.g. 2026-Q4", param_hint="--quarter")
    paths = render_reports(first_day, outdir, links.public_base() or "http://127.0.0.1:5000/",
                           lambda done, total: click.echo(f"{done}/{total}"), RunKind.VIP_QUARTERLY)
    target = write_zip(paths, outdir / vip_zip_name(first_day))
    click.echo(f"{len(paths)} summaries, {target}")
