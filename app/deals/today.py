"""The pipeline's section of Today: open deals whose next step is past due (managers: everyone's, others their
own)."""
from flask import url_for
from jinja2_fragments.flask import render_block
from markupsafe import Markup

from app.core.access import MANAGERS, has_role
from app.core.paging import paginate
from app.core.plugins import today_section
from app.deals.queries import overdue_deals

SHOWN = 10  # Today is a summary: the full list is one link away


@today_section(order=38)
def overdue_next_steps(day, user, **_overrides) -> Markup:
    mine = not has_role(user, MANAGERS)
    page = paginate(overdue_deals(user, day, mine), 1, SHOWN)
    if not page.items:
        return Markup()
    return Markup(render_block("deals/today_sections.html", "today_deals_overdue", deals=page.items,
                               total=page.shown_total, more=page.has_next,
                               list_url=url_for("deals.index", view="list", overdue=1,
                                                owner=None if not mine else user.id)))
