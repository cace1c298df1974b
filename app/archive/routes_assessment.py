"""The value assessment of a client: nine 1–5 scores, a weighted score, a grade, an optional manual grade."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.archive import bp
from app.archive.forms import AssessmentForm
from app.archive.models import Client
from app.archive.services import assess_client, assessment_settings, latest_assessment
from app.core.htmx import render
from app.core.models import Role
from app.core.scoping import get_or_404, role_required
from app.extensions import db

ASSESSORS = (Role.ADMIN, Role.MANAGER, Role.SALES)


@bp.route("/<int:client_id>/assess", methods=["GET", "POST"])
@role_required(*ASSESSORS)
def assess(client_id: int):
    client = get_or_404(Client, client_id)
    latest = latest_assessment(client)
    form = AssessmentForm(data={"scores": latest.scores} if latest else None)
    if form.validate_on_submit():
        assessment = assess_client(client, form.scores.data, form.override_grade.data, form.override_reason.data,
                                   current_user)
        db.session.commit()
        flash(_("Assessed: score %(score)s, grade %(grade)s.", score=assessment.score,
                grade=assessment.grade.value), "success")
        return redirect(url_for("archive.detail", client_id=client.id, _anchor="assessment"))
    weights, thresholds = assessment_settings()
    return render("archive/assess.html", client=client, form=form, weights=weights, thresholds=thresholds,
                  status=422 if form.errors else 200)
