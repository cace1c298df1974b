"""Planning visits (one, or a route for a day), completing the record, rescheduling and cancelling."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.clock import local_today
from app.core.htmx import render
from app.core.locking import detect_conflict
from app.core.scoping import get_or_404
from app.extensions import db
from app.visits import bp
from app.visits.enums import InteractionStatus
from app.visits.forms import CancelForm, CompleteForm, PlanForm, RescheduleForm
from app.visits.models import Interaction
from app.visits.services import (
    cancel_visit,
    client_choices,
    complete_visit,
    contact_choices_for,
    plan_route,
    reschedule_visit,
)


@bp.route("/plan", methods=["GET", "POST"])
@login_required
def plan():
    form = PlanForm(day=local_today())
    if request.method == "GET" and (client_id := request.args.get("client_id", type=int)):
        form.stops[0].data = client_id
    choices = [("", _("— no stop —"))] + client_choices(current_user)
    for stop in form.stops:
        stop.choices = choices
    if form.validate_on_submit():
        visits = plan_route(form, current_user)
        db.session.commit()
        flash(_("%(count)s visits planned for %(day)s.", count=len(visits), day=form.day.data.isoformat()),
              "success")
        return redirect(url_for("visits.index"))
    return render("visits/plan.html", form=form, status=422 if form.errors else 200)


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id: int):
    visit = get_or_404(Interaction, visit_id)
    form = CompleteForm(obj=visit, mark_done=True, contact_ids=[c.id for c in visit.contacts])
    form.contact_ids.choices = contact_choices_for(visit.client)
    conflict = None
    if form.validate_on_submit():
        conflict = detect_conflict(visit, form, form.data_fields)
        if not conflict:
            complete_visit(visit, form)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("visits.detail", visit_id=visit.id))
    status = 409 if conflict else 422 if form.errors else 200
    return render("visits/edit.html", visit=visit, form=form, conflict=conflict, status=status)


def _planned_action(visit_id: int, form_cls, action, title: str, message: str):
    visit = get_or_404(Interaction, visit_id)
    form = form_cls(obj=visit) if form_cls is RescheduleForm else form_cls()
    if visit.status != InteractionStatus.PLANNED:
        form.form_errors.append(_("Only a planned visit can be changed this way."))
    elif form.validate_on_submit():
        action(visit, form)
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    status = 422 if (form.errors or form.form_errors) and request.method == "POST" else 200
    return render("visits/planned_action.html", visit=visit, form=form, title=title, status=status)


@bp.route("/<int:visit_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(visit_id: int):
    return _planned_action(visit_id, RescheduleForm, reschedule_visit, _("Reschedule"), _("Visit rescheduled."))


@bp.route("/<int:visit_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(visit_id: int):
    return _planned_action(visit_id, CancelForm, cancel_visit, _("Cancel the visit"), _("Visit cancelled."))
