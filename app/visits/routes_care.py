"""Care days and the one-click greeting."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.models import Contact
from app.core.clock import local_today
from app.core.forms import whole_number
from app.core.htmx import render, saved
from app.core.navigation import safe_next
from app.core.scoping import get_or_404
from app.visits import bp
from app.visits.care import care_days, last_gifts
from app.visits.services import log_greeting


@bp.get("/care")
@login_required
def care():
    days = min(max(whole_number(request.args.get("days")) or 14, 1), 90)
    mine = request.args.get("mine", "1") != "0"
    items = care_days(current_user, local_today(), days, mine=mine)
    gifts = last_gifts({c.id for item in items for c in item.contacts})
    return render("visits/care.html", items=items, gifts=gifts, days=days, mine=mine)


@bp.post("/care/greet/<int:contact_id>")
@login_required
def greet(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    log_greeting(contact, request.form.get("occasion", "")[:80], current_user)
    return saved(safe_next(request.form.get("next"), url_for("dashboard.today")),
                 _("Greeting to %(name)s logged.", name=contact.name))
