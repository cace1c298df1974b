from datetime import datetime, time, timedelta

from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.archive.models import Client
from app.core.clock import local_today
from app.core.htmx import render
from app.core.models import Role
from app.core.scoping import visible
from app.dashboard import bp
from app.extensions import db
from app.visits import regime
from app.visits.care import care_days, last_gifts
from app.visits.queries import planned_between

TODAY_LIMIT = 10


@bp.get("/")
@login_required
def today():
    day = local_today()
    start = datetime.combine(day, time.min)
    planned = db.session.execute(planned_between(current_user, start, start + timedelta(days=1))).unique()
    # Sales see the clients they own; everyone else sees the whole archive's overdue list.
    owner = current_user.id if current_user.role == Role.SALES else None
    overdue = regime.overdue(current_user, day, owner_id=owner)
    care = care_days(current_user, day, 7)
    return render("dashboard/today.html", today=day, planned=planned.scalars().all(), overdue=overdue[:TODAY_LIMIT],
                  overdue_total=len(overdue), care=care, gifts=last_gifts({c.id for i in care for c in i.contacts}),
                  client_count=db.session.scalar(visible(select(func.count(Client.id)), Client, current_user)))
