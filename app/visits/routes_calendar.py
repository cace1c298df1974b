"""The personal calendar feed: the secret link (made, shown, regenerated) and the .ics it serves."""
import hashlib

from flask import Blueprint, Response, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.cache import Cache
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


FEED_CACHE_BYTES = 16 * 1024 * 1024  # a feed is a few hundred KB, a busy rep's year at 50k clients ~3 MB


def _feed_bytes(made: tuple[bytes, str]) -> int:
    return len(made[0])


_feeds = Cache(budget=FEED_CACHE_BYTES, weigh=_feed_bytes)


@calendar_bp.get("/calendar/<token>.ics")
def feed_ics(token: str):
    """Calendar apps poll the feed every few minutes: it is built again only after a change was committed (or a
    new day began), and an unchanged one is answered 304 to an app that sends its ETag."""
    user = calendar_user(token) or abort(404)
    today = local_today()

    def make():
        body = feed(user, today, utcnow())
        return body, hashlib.sha256(body).hexdigest()[:32]

    body, etag = _feeds.get(("feed", user.id, today), make)
    response = Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=900"})
    response.set_etag(etag)
    return response.make_conditional(request)
