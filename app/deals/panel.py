"""The pipeline on the client page (its open deals, a "new deal" button) and the visit page's "make it a deal"."""
from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.core.plugins import client_panel, visit_action
from app.deals.access import can_create
from app.deals.queries import client_deals


@client_panel(order=30)
def deals_panel(client, user, **_others) -> Markup:
    return Markup(render_template("deals/_client_panel.html", client=client, deals=client_deals(client, user),
                                  may_create=can_create(user)))


@visit_action(order=20)
def deal_from_visit(visit, user) -> Markup:
    """A visit that found opportunities offers to make them a deal in one tap."""
    if not visit.opportunities or not can_create(user):
        return Markup()
    return Markup('<a class="button secondary" href="{}">{}</a>').format(
        url_for("deals.new", visit=visit.id), _("Make it a deal"))
