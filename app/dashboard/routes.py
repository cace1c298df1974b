from datetime import datetime, time, timedelta

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.archive.models import Client
from app.core.clock import local_today
from app.core.htmx import render, wants_fragment
from app.core.models import Role
from app.core.scoping import get_or_404, visible
from app.dashboard import bp
from app.extensions import db
from app.visits import regime
from app.visits.care import care_days, last_gifts
from app.visits.queries import planned_between
from app.visits.services import quick_log as log_touch
from app.visits.services import today_quick_form

TODAY_LIMIT = 10


@bp.get("/")
@login_required
def today():
    return render("dashboard/today.html", **today_context(today_quick_form(current_user, formdata=None)))


@bp.post("/quick-log")
@login_required
def quick_log():
    """The quick log on Today: the client is chosen in the form."""
    form, logged = today_quick_form(current_user), None
    if form.validate_on_submit():
        client = get_or_404(Client, form.client_id.data)
        logged = log_touch(client, form, current_user)
        db.session.commit()
        if not wants_fragment():
            flash(_("Logged for %(name)s.", name=client.name), "success")
            return redirect(url_for("dashboard.today"))
        form = today_quick_form(current_user, formdata=None)
    status = 422 if form.errors else 200
    if not wants_fragment():
        return render("dashboard/today.html", status=status, **today_context(form))
    return render("dashboard/today.html", block="today_quick_log", quick_form=form, logged=logged, status=status)


def today_context(quick_form) -> dict:
    day = local_today()
    start = datetime.combine(day, time.min)
    planned = db.session.execute(planned_between(current_user, start, start + timedelta(days=1))).unique()
    # Sales see the clients they own; everyone else sees the whole archive's overdue list.
    owner = current_user.id if current_user.role == Role.SALES else None
    overdue = regime.overdue(current_user, day, owner_id=owner)
    care = care_days(current_user, day, 7)
    return {"today": day, "planned": planned.scalars().all(), "overdue": overdue[:TODAY_LIMIT],
            "overdue_total": len(overdue), "care": care, "gifts": last_gifts({c.id for i in care for c in i.contacts}),
            "client_count": db.session.scalar(visible(select(func.count(Client.id)), Client, current_user)),
            "quick_form": quick_form, "logged": None}
