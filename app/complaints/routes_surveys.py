"""Staff pages of satisfaction surveys (list with NPS, the quarter's reminder, one survey, recording one), and the
buttons that make a client link: a survey's, and a complaint's confirmation link."""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.models import Client
from app.archive.queries import owner_choices
from app.complaints import bp, confirmation, surveys
from app.complaints.models import Complaint, Survey
from app.complaints.survey_forms import survey_form
from app.core.clock import local_today
from app.core.errors import Refused
from app.core.forms import form_data, form_status
from app.core.htmx import render, saved
from app.core.paging import page_number, paginate
from app.core.scoping import get_or_404
from app.extensions import db

QUARTERS_SHOWN = 4
DUE_SHOWN = 5  # clients named in the reminder; the rest behind its link


@bp.get("/surveys")
@login_required
def surveys_index():
    filters = surveys.SurveyFilters.from_args(request.args)
    this_quarter = surveys.Quarter.of(local_today())
    page = paginate(surveys.survey_list(current_user, filters), page_number(), current_app.config["PAGE_SIZE"])
    team, by_rep, by_quarter = surveys.nps_summary(current_user, filters, QUARTERS_SHOWN)
    return render("complaints/surveys.html", block="survey_list", page=page, filters=filters,
                  this_quarter=this_quarter, quarters=[this_quarter.previous(n) for n in range(8)],
                  team=team, by_rep=by_rep, by_quarter=by_quarter,
                  due=paginate(surveys.clients_due(current_user, this_quarter), 1, DUE_SHOWN),
                  reps=db.session.execute(owner_choices()).scalars().all() if current_user.sees_all_clients else [])


@bp.get("/surveys/due")
@login_required
def surveys_due():
    quarter = surveys.Quarter.of(local_today())
    page = paginate(surveys.clients_due(current_user, quarter), page_number(), current_app.config["PAGE_SIZE"])
    return render("complaints/surveys_due.html", page=page, quarter=quarter)


@bp.get("/surveys/<int:survey_id>")
@login_required
def survey_detail(survey_id: int):
    return render("complaints/survey.html", survey=get_or_404(Survey, survey_id))


@bp.route("/surveys/new", methods=["GET", "POST"])
@login_required
def survey_new():
    client = get_or_404(Client, request.args.get("client", type=int))
    form = survey_form(client)
    if form.validate_on_submit():
        survey = surveys.record_survey(client, form_data(form), current_user)
        return saved(url_for("complaints.survey_detail", survey_id=survey.id), _("Survey recorded."))
    return render("complaints/survey_new.html", client=client, form=form, status=form_status(form))


@bp.route("/surveys/clients/<int:client_id>/link", methods=["GET", "POST"])
@login_required
def survey_link(client_id: int):
    """The client's survey link and QR code, to print or show; posting makes a new one."""
    client = get_or_404(Client, client_id)
    if request.method == "POST":
        surveys.issue_link(client, current_user)
        return saved(url_for("complaints.survey_link", client_id=client.id), _("A new survey link was made."))
    return render("complaints/survey_link.html", client=client, shown=surveys.shown_link(client),
                  qr_svg=confirmation.qr_svg)


@bp.post("/<int:complaint_id>/confirmation-link")
@login_required
def confirmation_link_new(complaint_id: int):
    """A new confirmation link (the old QR code stops working), while the complaint awaits the client."""
    complaint = get_or_404(Complaint, complaint_id)  # out of scope: 404 before the role says 403
    if not confirmation.may_issue(current_user):
        abort(403)
    back = url_for("complaints.detail", complaint_id=complaint.id, _anchor="confirmation")
    try:
        confirmation.renew(complaint, current_user)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(back)
    return saved(back, _("A new confirmation link was made; the old one no longer works."))
