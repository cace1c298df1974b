"""The complaints section of the client page, and the visit page's "raise as a complaint"."""
from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.complaints.queries import client_complaints
from app.core.plugins import client_panel, visit_action


@client_panel(order=20)
def complaints_panel(client, user, **_others) -> Markup:
    return Markup(render_template("complaints/_client_panel.html", client=client,
                                  complaints=client_complaints(client, user)))


@visit_action(order=10)
def raise_from_visit(visit, user) -> Markup:
    """A visit that left issues to follow up offers to raise them as a complaint in one tap."""
    if not visit.follow_up:
        return Markup()
    return Markup('<a class="button secondary" href="{}">{}</a>').format(
        url_for("complaints.new", visit=visit.id), _("Raise as a complaint"))
