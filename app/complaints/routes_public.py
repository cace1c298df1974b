"""Pages a client opens from a QR code, without an account: confirm a fix, answer a survey. Rate-limited per
address; a bad, used or expired link is a plain 404 page, never a sign-in page or the staff navigation."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.complaints import confirmation, services, surveys
from app.complaints.survey_forms import ConfirmationForm, PublicSurveyForm
from app.core import links
from app.core.forms import form_data, form_status
from app.extensions import db

public_bp = Blueprint("public", __name__, url_prefix="/p")


def _message(heading: str, message: str, status: int):
    return render_template("complaints/public_message.html", heading=heading, message=message), status


@public_bp.before_request
def rate_limit():
    if links.over_limit(links.client_address()):
        return _message(_("Too many requests"), _("Please wait a few minutes and try again."), 429)


@public_bp.errorhandler(404)
def not_found(error):
    db.session.rollback()
    return _message(_("This link no longer works"),
                    _("It was already used, it has expired, or it is not complete. Please ask us for a new one."), 404)


@public_bp.errorhandler(CSRFError)
def form_expired(error):
    """The page sat open too long (or the phone dropped its cookie): ask to open the link again."""
    return _message(_("Please open the link again"),
                    _("The page was open too long. Scan the code or open the link again, then send."), 400)


@public_bp.route("/c/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The client says whether the complaint is fixed, how satisfied they are, and may comment."""
    link, complaint = confirmation.resolve(token) or abort(404)
    form = ConfirmationForm()
    if form.validate_on_submit():
        links.use(link) or abort(404)  # answered a moment ago from another phone
        services.client_answer(complaint, form.fixed.data == "yes", form.satisfaction.data, form.comment.data or "")
        db.session.commit()
        return redirect(url_for("public.thanks"))
    return render_template("complaints/public_confirm.html", complaint=complaint, form=form), form_status(form)


@public_bp.route("/s/<token>", methods=["GET", "POST"])
def survey(token: str):
    link, client = surveys.resolve(token) or abort(404)
    form = PublicSurveyForm()
    if form.validate_on_submit():
        links.use(link) or abort(404)
        surveys.record_survey(client, form_data(form, ("nps", *form.score_fields, "comment")), None)
        db.session.commit()
        return redirect(url_for("public.thanks"))
    return render_template("complaints/public_survey.html", client=client, form=form), form_status(form)


@public_bp.get("/thanks")
def thanks():
    return _message(_("Thank you"), _("We received your answer. Thank you for your trust."), 200)
