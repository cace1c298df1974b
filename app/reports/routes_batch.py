"""A batch as one ZIP, made in the background: the month's service reports, or the quarter's VIP summaries. Start a
run, watch its progress, download."""
from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import MonthField, SelectField
from wtforms.validators import DataRequired

from app.core import dates
from app.core.access import MANAGERS
from app.core.clock import local_today
from app.core.dates import quarter_label
from app.core.forms import form_status
from app.core.htmx import render
from app.core.pdf import content_disposition
from app.core.plugins import settings_page
from app.core.scoping import role_required
from app.extensions import db
from app.reports import bp, jobs, vip
from app.reports.batch import (
    BatchRun,
    RunKind,
    latest_done,
    recent_runs,
    service_reports_command,
    start_run,
    vip_summaries_command,
    vip_zip_name,
    zip_name,
    zip_path,
)


@bp.record_once
def _setup(state):
    jobs.init_app(state.app)
    state.app.cli.add_command(service_reports_command)
    state.app.cli.add_command(vip_summaries_command)


@bp.before_app_request
def _start_jobs():
    """The queue's consumer runs inside the web process unless a broker (and its own consumer) is configured."""
    if jobs.in_process_consumer_wanted(current_app):
        jobs.start_consumer(current_app._get_current_object())


settings_page("reports.batch", _l("Service reports"), MANAGERS, order=56)


class BatchForm(FlaskForm):
    month = MonthField(_l("Report month"), validators=[DataRequired()])


class VipBatchForm(FlaskForm):
    quarter = SelectField(_l("Quarter"))

    def __init__(self, **kwargs):
        today = local_today()
        super().__init__(data={"quarter": quarter_label(vip.last_finished_quarter(today))}, **kwargs)
        self.quarter.choices = [quarter_label(quarter) for quarter in vip.recent_quarters(today)]


def _start(kind: RunKind, first_day, already: str):
    """Start a run of the period unless one is under way (``already`` says so)."""
    run, started = start_run(first_day, current_user, request.url_root, kind)
    db.session.commit()
    if started:
        jobs.render_service_reports(run.id)  # after the commit, so the consumer finds the run
        flash(_("The reports are being made in the background; you may leave this page."), "success")
    else:
        flash(already, "info")
    return redirect(url_for("reports.batch"))


def _page(form: BatchForm, vip_form: VipBatchForm):
    runs = db.session.scalars(recent_runs()).all()
    status = max(form_status(form), form_status(vip_form))
    return render("reports/batch.html", form=form, vip_form=vip_form, runs=runs, status=status)


@bp.route("/service-reports/", methods=["GET", "POST"])
@role_required(*MANAGERS)
def batch():
    form = BatchForm(data={"month": dates.previous_month(local_today())})
    if form.validate_on_submit():
        month = f"{form.month.data:%Y-%m}"
        return _start(RunKind.SERVICE_MONTHLY, form.month.data.replace(day=1),
                      _("The reports of %(month)s are being made already.", month=month))
    return _page(form, VipBatchForm(formdata=None))


@bp.post("/vip-summaries/")
@role_required(*MANAGERS)
def vip_batch():
    """The quarter's summaries of every VIP client; the form sits on the batch page."""
    vip_form = VipBatchForm()
    if vip_form.validate_on_submit():
        quarter = vip_form.quarter.data
        return _start(RunKind.VIP_QUARTERLY, dates.parse_quarter(quarter),
                      _("The VIP summaries of %(quarter)s are being made already.", quarter=quarter))
    return _page(BatchForm(formdata=None, data={"month": dates.previous_month(local_today())}), vip_form)


@bp.route("/service-reports/runs/<int:run_id>")
@role_required(*MANAGERS)
def batch_run(run_id):
    """One run: its page, or (htmx polling while it runs) its row."""
    return render("reports/batch_run.html", block="batch_run", run=db.get_or_404(BatchRun, run_id))


@bp.route("/service-reports/<month>.zip")
@role_required(*MANAGERS)
def batch_zip(month):
    first_day = dates.parse_month(month) or abort(404)
    run = latest_done(first_day)
    if run is None or not zip_path(run).exists():
        abort(404)
    response = send_file(zip_path(run), mimetype="application/zip")
    response.headers["Content-Disposition"] = content_disposition(zip_name(first_day))
    return response


@bp.route("/vip-summaries/<quarter>.zip")
@role_required(*MANAGERS)
def vip_batch_zip(quarter):
    first_day = dates.parse_quarter(quarter) or abort(404)
    run = latest_done(first_day, RunKind.VIP_QUARTERLY)
    if run is None or not zip_path(run).exists():
        abort(404)
    response = send_file(zip_path(run), mimetype="application/zip")
    response.headers["Content-Disposition"] = content_disposition(vip_zip_name(first_day))
    return response
