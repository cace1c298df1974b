"""Care days and the one-click greeting; the personal calendar feed."""
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.models import Contact
from app.core.clock import local_today
from app.core.htmx import render
from app.core.navigation import safe_next
from app.core.scoping import get_or_404
from app.extensions import db
from app.visits import bp
from app.visits.calendar import calendar_user, feed, regenerate_token
from app.visits.care import care_days, last_gifts
from app.visits.services import log_greeting

calendar_bp = Blueprint("calendar", __name__)


@bp.get("/care")
@login_required
def care():
    days = min(max(request.args.get("days", 14, type=int), 1), 90)
    items = care_days(current_user, local_today(), days)
    gifts = last_gifts({c.id for item in items for c in item.contacts})
    return render("visits/care.html", items=items, gifts=gifts, days=days)


@bp.post("/care/greet/<int:contact_id>")
@login_required
def greet(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    occasion = request.form.get("occasion", "")[:80]
    log_greeting(contact, occasion, current_user)
    db.session.commit()
    flash(_("Greeting to %(name)s logged.", name=contact.name), "success")
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.today")))


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar_link():
    if request.method == "POST" or not current_user.calendar_token:
        regenerate_token(current_user)
        db.session.commit()
        if request.method == "POST":
            flash(_("A new calendar link was made; the old one no longer works."), "success")
            return redirect(url_for("visits.calendar_link"))
    url = url_for("calendar.feed_ics", token=current_user.calendar_token, _external=True)
    return render("visits/calendar.html", url=url)


@calendar_bp.get("/calendar/<token>.ics")
def feed_ics(token: str):
    user = calendar_user(token) or abort(404)
    return Response(feed(user, local_today()), mimetype="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=900"})
