"""Care days and the one-click greeting."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.models import Contact
from app.archive.occurrences import LIFE_EVENT_FOLLOW_UP_DAYS
from app.core.clock import local_today
from app.core.forms import form_data, whole_number
from app.core.htmx import render, saved
from app.core.navigation import safe_next
from app.core.paging import page_number
from app.core.scoping import get_or_404
from app.visits import bp
from app.visits.care import care_page, last_gifts, mark_greeted
from app.visits.forms import GreetForm
from app.visits.services import log_greeting


@bp.get("/care")
@login_required
def care():
    days = min(max(whole_number(request.args.get("days")) or 14, 1), 90)
    mine = request.args.get("mine", "1") != "0"
    today = local_today()
    page = care_page(current_user, today, days, mine, page_number(), current_app.config["PAGE_SIZE"])
    items = mark_greeted(page.items, today)
    gifts = last_gifts({c.id for item in items for c in item.contacts})
    return render("visits/care.html", page=page, items=items, gifts=gifts, days=days, mine=mine,
                  greet_form=GreetForm(), follow_up_days=LIFE_EVENT_FOLLOW_UP_DAYS)


@bp.post("/care/greet/<int:contact_id>")
@login_required
def greet(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    form = GreetForm()
    back = safe_next(request.form.get("next"), url_for("dashboard.today"))
    if not form.validate_on_submit():
        flash(_("The greeting could not be logged: %(errors)s", errors="；".join(
            str(error) for errors in form.errors.values() for error in errors)), "error")
        return redirect(back)
    logged = log_greeting(contact, form_data(form), current_user)
    return saved(back, _("Greeting to %(name)s logged.", name=contact.name) if logged
                 else _("%(name)s was greeted for this already.", name=contact.name))
