"""The complaints' sections of Today: overdue complaints (escalated: every one for managers, their own for
owners) and the owner's complaints falling due within the next working day."""
from flask import url_for
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from sqlalchemy import select

from app.complaints import sla
from app.complaints.models import Complaint
from app.core.access import MANAGERS, has_role
from app.core.clock import local_now
from app.core.paging import paginate
from app.core.plugins import today_section
from app.core.scoping import visible
from app.core.workdays import add_working_days, load_overrides

TEMPLATE = "complaints/today_sections.html"
SHOWN = 10  # Today is a summary: the full list is one link away


def _block(name: str, **context) -> Markup:
    return Markup(render_block(TEMPLATE, name, **context))


def _shown(stmt, user, now):
    page = paginate(visible(stmt, Complaint, user).order_by(sla.next_due(), Complaint.id), 1, SHOWN)
    return page, [(complaint, sla.clocks(complaint, now)) for complaint in page.items]


@today_section(order=35)
def overdue_complaints(day, user, **_overrides) -> Markup:
    """Managers see every overdue complaint (escalation goes to them); everyone else the ones they own."""
    now = local_now()
    stmt = select(Complaint).where(sla.overdue_condition(now))
    mine = not has_role(user, MANAGERS)
    if mine:
        stmt = stmt.where(Complaint.owner_id == user.id)
    page, rows = _shown(stmt, user, now)
    return _block("today_complaints_overdue", rows=rows, total=page.shown_total, more=page.has_next,
                  list_url=url_for("complaints.index", overdue=1, mine=1 if mine else None))


@today_section(order=36)
def complaints_due_soon(day, user, **_overrides) -> Markup:
    """The user's own open complaints whose next step falls due within one working day (not yet overdue)."""
    now = local_now()
    horizon = add_working_days(now, 1, load_overrides())
    due = sla.next_due()
    stmt = select(Complaint).where(Complaint.owner_id == user.id, Complaint.status.in_(sla.OPEN_STATUSES),
                                   Complaint.paused_since.is_(None), due >= now, due <= horizon,
                                   ~sla.overdue_condition(now))
    page, rows = _shown(stmt, user, now)
    return _block("today_complaints_due", rows=rows, total=page.shown_total, more=page.has_next)
