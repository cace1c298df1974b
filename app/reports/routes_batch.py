"""The month's service reports as one ZIP, made in the background: start a run, watch its progress, download."""
from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import MonthField
from wtforms.validators import DataRequired

from app.core import dates
from app.core.access import MANAGERS
from app.core.clock import local_today
from app.core.forms import form_status
from app.core.htmx import render
from app.core.pdf import content_disposition
from app.core.plugins import settings_page
from app.core.scoping import role_required
from app.extensions import db
from app.reports import bp, jobs
from app.reports.batch import (
    BatchRun,
    latest_done,
    recent_runs,
    service_reports_command,
    start_run,
    zip_name,
    zip_path,
)


@bp.record_once
def _setup(state):
    jobs.init_app(state.app)
    state.app.cli.add_command(service_reports_command)


@bp.before_app_request
def _start_jobs():
    """The queue's consumer runs inside the web process unless a broker (and its own consumer) is configured."""
    if jobs.in_process_consumer_wanted(current_app):
        jobs.start_consumer(current_app._get_current_object())


settings_page("reports.batch", _l("Service reports"), MANAGERS, order=56)


class BatchForm(FlaskForm):
    month = MonthField(_l("Report month"), validators=[DataRequired()])


@bp.route("/service-reports/", methods=["GET", "POST"])
@role_required(*MANAGERS)
def batch():
    form = BatchForm(data={"month": dates.previous_month(local_today())})
    if form.validate_on_submit():
        run, started = start_run(form.month.data.replace(day=1), current_user, request.url_root)
        db.session.commit()
        if started:
            jobs.render_service_reports(run.id)  # after the commit, so the consumer finds the run
            flash(_("The reports are being made in the background; you may leave this page."), "success")
        else:
            flash(_("The reports of %(month)s are being made already.", month=f"{run.month:%Y-%m}"), "info")
        return redirect(url_for("reports.batch"))
    runs = db.session.scalars(recent_runs()).all()
    return render("reports/batch.html", form=form, runs=runs, status=form_status(form))


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
