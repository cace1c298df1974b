"""The visits' sections of Today: planned visits, the quick log, overdue return visits, care days this week."""
from datetime import datetime, time, timedelta

from jinja2_fragments.flask import render_block
from markupsafe import Markup

from app.core.paging import paginate
from app.core.plugins import today_section
from app.visits import regime
from app.visits.care import care_days, mark_greeted
from app.visits.forms import GreetForm, quick_log_form
from app.visits.queries import planned_between, to_record

TEMPLATE = "visits/_today.html"
SHOWN = 10  # Today is a summary: each section shows this many and links to its full list
CARE_DAYS = 7


def _block(name: str, **context) -> Markup:
    return Markup(render_block(TEMPLATE, name, **context))


@today_section(order=10)
def planned_today(day, user, **_overrides) -> Markup:
    start = datetime.combine(day, time.min)
    planned = paginate(planned_between(user, start, start + timedelta(days=1)), 1, SHOWN)
    return _block("today_planned", planned=planned.items, planned_total=planned.shown_total,
                  planned_more=planned.has_next)


@today_section(order=15)
def visits_to_record(day, user, **_overrides) -> Markup:
    passed = paginate(to_record(user, datetime.combine(day, time.min)), 1, SHOWN)  # days before today
    return _block("today_to_record", visits=passed.items, total=passed.shown_total, more=passed.has_next)


@today_section(order=20)
def quick_log_card(day, user, quick_form=None, logged=None, **_overrides) -> Markup:
    return _block("today_quick_log_card", quick_form=quick_form or quick_log_form(user, formdata=None),
                  logged=logged)


@today_section(order=30)
def overdue_today(day, user, **_overrides) -> Markup:
    overdue = regime.overdue(user, day, per_page=SHOWN)  # a sales rep's: their own clients (scoping)
    return _block("today_overdue", overdue=overdue.items, overdue_total=overdue.shown_total,
                  overdue_more=overdue.has_next)


@today_section(order=40)
def care_this_week(day, user, **_overrides) -> Markup:
    return _block("today_care", care=mark_greeted(care_days(user, day, CARE_DAYS, limit=SHOWN), day),
                  greet_form=GreetForm())
