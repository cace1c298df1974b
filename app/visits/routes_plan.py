"""Planning visits (one, or a route for a day), completing the record, rescheduling and cancelling."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.queries import contact_choices
from app.core.clock import local_now, local_today
from app.core.errors import Refused
from app.core.forms import form_data, form_status, save_edit, submitted, whole_number
from app.core.htmx import render, saved
from app.core.navigation import safe_next
from app.core.scoping import get_or_404
from app.visits import bp
from app.visits.access import changeable
from app.visits.enums import InteractionStatus
from app.visits.forms import CancelForm, CompleteForm, PlanForm, RescheduleForm, client_offers
from app.visits.models import Interaction
from app.visits.services import (
    cancel_visit,
    clashing_visits,
    complete_visit,
    mark_missed,
    plan_route,
    reschedule_visit,
)


@bp.route("/plan", methods=["GET", "POST"])
@login_required
def plan():
    form = PlanForm(day=local_today())
    if request.method == "GET" and (client_id := whole_number(request.args.get("client_id"))):
        form.stops[0].data = client_id
    kept, found = client_offers(current_user, [stop.data for stop in form.stops], form.client_query.data, limit=20)
    for stop in form.stops:
        stop.choices = [("", _("— no stop —")), *kept, *found]
    clashes = []
    if not form.find.data and form.validate_on_submit():
        data = form_data(form)
        clashes = [] if form.confirm_clash.data else clashing_visits(data)
        if not clashes:
            try:
                visits = plan_route(data, current_user, local_now())
            except Refused as refused:
                refused.show_on(form)
            else:
                return saved(url_for("visits.index"), _("%(count)s visits planned for %(day)s.", count=len(visits),
                                                         day=form.day.data.isoformat()))
    status = 422 if clashes else form_status(form)
    return render("visits/plan.html", block="route_stops" if form.find.data else None, form=form, found=found,
                  clashes=clashes, status=status)


@bp.post("/<int:visit_id>/missed")
@login_required
def missed(visit_id: int):
    """One tap on Today: the planned visit did not take place."""
    visit = changeable(get_or_404(Interaction, visit_id), current_user)
    try:
        mark_missed(visit)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    return saved(safe_next(request.form.get("next"), url_for("dashboard.today")),
                 _("Marked as not taken place: %(name)s.", name=visit.client.name))


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id: int):
    visit = changeable(get_or_404(Interaction, visit_id), current_user)
    form = CompleteForm(obj=visit, mark_done=True, contact_ids=[c.id for c in visit.contacts])
    form.contact_ids.choices = contact_choices(visit.client_id)
    if submitted(form, visit) and save_edit(form, visit, lambda data: complete_visit(
            visit, form_data(form, CompleteForm.submitted_fields))):
        return saved(url_for("visits.detail", visit_id=visit.id))
    return render("visits/edit.html", visit=visit, form=form, conflict=form.conflict, status=form_status(form))


def _planned_action(visit_id: int, form_cls, action, title: str, message: str):
    visit = changeable(get_or_404(Interaction, visit_id), current_user)
    form = form_cls(obj=visit) if form_cls is RescheduleForm else form_cls()
    if visit.status != InteractionStatus.PLANNED:
        form.form_errors.append(_("Only a planned visit can be changed this way."))
    elif form.validate_on_submit():
        try:
            action(visit, form_data(form))
        except Refused as refused:
            refused.show_on(form)
        else:
            return saved(url_for("visits.detail", visit_id=visit.id), message)
    status = form_status(form) if request.method == "POST" else 200
    return render("visits/planned_action.html", visit=visit, form=form, title=title, status=status)


@bp.route("/<int:visit_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(visit_id: int):
    return _planned_action(visit_id, RescheduleForm, reschedule_visit, _("Reschedule"), _("Visit rescheduled."))


@bp.route("/<int:visit_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(visit_id: int):
    return _planned_action(visit_id, CancelForm, cancel_visit, _("Cancel the visit"), _("Visit cancelled."))
