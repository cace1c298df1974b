"""Today's payments to collect: milestones past due and those due within 14 days, of the user's clients (every
client for managers). Service does not collect payments and gets no section."""
from flask import render_template
from markupsafe import Markup

from app.core.access import MANAGERS, Role, has_role
from app.core.clock import local_today
from app.core.paging import paginate
from app.core.plugins import today_section
from app.deals.contracts import milestones_due

SHOWN = 10  # Today is a summary: the receivables page has the rest


@today_section(order=50)
def payments_due(day, user, **_overrides) -> Markup:
    if not (has_role(user, MANAGERS) or user.role == Role.SALES):
        return Markup()
    today = local_today()
    overdue = paginate(milestones_due(user, today, overdue=True), 1, SHOWN, rows=True)
    soon = paginate(milestones_due(user, today, overdue=False), 1, SHOWN, rows=True)
    if not overdue.items and not soon.items:
        return Markup()
    return Markup(render_template("deals/contract_today.html", overdue=overdue, soon=soon, today=today))
