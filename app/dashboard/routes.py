"""Today: the page a user opens first; each domain adds its sections (core.plugins.today_section)."""
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.archive.models import Client
from app.core.clock import local_today
from app.core.htmx import render
from app.core.plugins import page, today_sections
from app.core.scoping import visible
from app.dashboard import bp
from app.extensions import db


@bp.get("/")
@login_required
def today():
    return today_page()


@page("today")
def today_page(status: int = 200, **overrides):
    """The whole Today page; ``overrides`` reach the sections (the quick log with the errors of a failed post)."""
    day = local_today()
    return render("dashboard/today.html", status=status, today=day,
                  sections=today_sections(day, current_user, **overrides),
                  client_count=db.session.scalar(visible(select(func.count(Client.id)), Client, current_user)))
