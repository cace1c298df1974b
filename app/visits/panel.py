"""The visits section of the client page: quick log, return-visit clocks, follow-up count, timeline."""
from flask import render_template
from markupsafe import Markup

from app.archive.overview import client_panel
from app.extensions import db
from app.visits.forms import QuickLogForm
from app.visits.queries import TIMELINE_LENGTH, client_timeline, follow_ups_since
from app.visits.services import contact_choices_for


def panel_context(client, user, quick_form=None) -> dict:
    if quick_form is None:
        quick_form = QuickLogForm(formdata=None)
        quick_form.contact_ids.choices = contact_choices_for(client)
    return {"client": client, "quick_form": quick_form,
            "timeline": db.session.execute(client_timeline(client, user)).unique().scalars().all(),
            "timeline_length": TIMELINE_LENGTH,
            "follow_ups": follow_ups_since(client, user)}


@client_panel
def visits_panel(client, user, quick_form=None, **_others) -> Markup:
    return Markup(render_template("visits/_client_panel.html", **panel_context(client, user, quick_form)))
