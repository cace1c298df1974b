"""The visits section of the client page: quick log, follow-up count, timeline."""
from flask import render_template
from markupsafe import Markup

from app.core.plugins import client_panel
from app.extensions import db
from app.visits.forms import quick_log_form
from app.visits.queries import TIMELINE_LENGTH, client_timeline, follow_ups_since


def panel_context(client, user, quick_form=None) -> dict:
    return {"client": client, "quick_form": quick_form or quick_log_form(user, client, formdata=None),
            "timeline": db.session.execute(client_timeline(client, user)).unique().scalars().all(),
            "timeline_length": TIMELINE_LENGTH,
            "follow_ups": follow_ups_since(client, user)}


@client_panel(order=10)
def visits_panel(client, user, quick_form=None, **_others) -> Markup:
    return Markup(render_template("visits/_client_panel.html", **panel_context(client, user, quick_form)))
