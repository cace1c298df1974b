"""The value assessment of a client: nine 1–5 scores (or 信息不足), a weighted score, a grade, an optional manual
grade."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.archive import bp
from app.archive.access import EDITORS
from app.archive.forms import AssessmentForm
from app.archive.models import Client
from app.archive.queries import assessment_settings, latest_assessment
from app.archive.rules import two_places
from app.archive.services import assess_client
from app.core.forms import form_status
from app.core.htmx import render, saved
from app.core.scoping import get_or_404, role_required

bp.add_app_template_filter(two_places, "points")


@bp.route("/<int:client_id>/assess", methods=["GET", "POST"])
@role_required(*EDITORS)
def assess(client_id: int):
    client = get_or_404(Client, client_id)
    latest = latest_assessment(client)
    form = AssessmentForm.from_scores(latest.scores if latest else None)
    if form.validate_on_submit():
        assessment = assess_client(client, form.stored_scores(), form.override_grade.data,
                                   form.override_reason.data, current_user)
        if assessment.score is not None:
            message = _("Assessed: score %(score)s, grade %(grade)s.", score=assessment.score,
                        grade=assessment.grade.value)
        else:
            message = _("Assessed: not enough information for a score (keep collecting).")
        return saved(url_for("archive.detail", client_id=client.id, _anchor="assessment"), message)
    weights, thresholds = assessment_settings()
    return render("archive/assess.html", client=client, form=form, weights=weights, thresholds=thresholds,
                  status=form_status(form))
