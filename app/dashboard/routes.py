"""Today, the page a user opens first (each domain adds its sections through core.plugins.today_section), and the
dashboard: KPIs against targets and where the team — or one rep's book — stands."""
from datetime import timedelta

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.archive.models import Client
from app.core.access import MANAGERS, Role, has_role
from app.core.cache import Cache
from app.core.clock import local_now, local_today
from app.core.htmx import render
from app.core.models import User
from app.core.plugins import page, today_sections
from app.core.scoping import visible
from app.dashboard import bp, panels
from app.dashboard.picker import picker, read_choice
from app.dashboard.targets import period_label, period_of, scorecard
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


SCORECARDS = Cache(size=32)


def cached_scorecard(period, rep_id: int | None, today):
    """The KPI cards: some 30 aggregates over the archive, kept until any change is committed (or the day turns),
    so the managers opening the dashboard through the day read them once between changes."""
    return SCORECARDS.get(("scorecard", period, rep_id, today, str(get_locale())), lambda: scorecard(period, rep_id))


@bp.get("/dashboard/")
@login_required
def overview():
    today, now = local_today(), local_now()
    choice = read_choice(request.args, current_user)
    period = choice.period or period_of(choice.kind, today)
    rep = db.session.get(User, choice.rep_id) if choice.rep_id and not choice.error else None
    scope = rep or current_user
    owner_id = rep.id if rep and current_user.sees_all_clients else None  # the lists' owner filter
    links = [(endpoint, text) for endpoint, text, roles in (
        ("dashboard.targets", _("Set targets"), MANAGERS),
        ("dashboard.reviews", _("Reviews"), (Role.ADMIN, Role.MANAGER, Role.SALES))) if has_role(current_user, roles)]
    return render(
        "dashboard/overview.html", status=400 if choice.error else 200, period_name=period_label(period),
        previous_name=period_label(period.previous()), rep=rep, owner_id=owner_id, links=links,
        scorecard=cached_scorecard(period, rep.id if rep else None, today), today=today,
        week_start=today - timedelta(days=today.weekday()),
        funnel=panels.funnel(current_user, today, owner_id), recency=panels.five_three_two(scope, today, owner_id),
        benchmark=[float(panels.BENCHMARK[band]) for band in panels.BANDS],
        overdue=panels.overdue_by_rep(scope, today), ageing=panels.receivables_ageing(scope, today, owner_id),
        complaints=panels.overdue_complaints(scope, now), risks=panels.churn_risks(scope, today, now),
        activity=panels.team_activity(scope, today), **picker(choice))
