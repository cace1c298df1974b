"""The personal calendar feed: the secret link (made, shown, regenerated) and the .ics it serves."""
from flask import Blueprint, Response, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.clock import local_today, utcnow
from app.core.htmx import render, saved
from app.extensions import db
from app.visits import bp
from app.visits.calendar import calendar_user, feed, regenerate_token

calendar_bp = Blueprint("calendar", __name__)


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar_link():
    if request.method == "POST":
        regenerate_token(current_user)
        return saved(url_for("visits.calendar_link"), _("A new calendar link was made; the old one no longer works."))
    if not current_user.calendar_token:
        regenerate_token(current_user)
        db.session.commit()
    url = url_for("calendar.feed_ics", token=current_user.calendar_token, _external=True)
    return render("visits/calendar.html", url=url)


@calendar_bp.get("/calendar/<token>.ics")
def feed_ics(token: str):
    user = calendar_user(token) or abort(404)
    return Response(feed(user, local_today(), utcnow()), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=900"})
