from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.archive.models import Client
from app.core.clock import local_today
from app.core.htmx import render
from app.core.scoping import visible
from app.dashboard import bp
from app.extensions import db


@bp.get("/")
@login_required
def today():
    client_count = db.session.scalar(visible(select(func.count(Client.id)), Client, current_user))
    return render("dashboard/today.html", today=local_today(), client_count=client_count)
