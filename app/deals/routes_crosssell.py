"""The cross-sell list and its one-tap "create the deal"."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.models import Client
from app.core.clock import local_today
from app.core.forms import whole_number
from app.core.htmx import render, saved
from app.core.navigation import safe_next
from app.core.paging import page_number
from app.core.scoping import get_or_404
from app.deals import bp, crosssell
from app.deals.access import can_change, changeable
from app.deals.enums import DealSource

SOURCES = (DealSource.MAINTENANCE, DealSource.CATALOGUE_GAP)


def _source(raw) -> DealSource | None:
    return next((source for source in SOURCES if source.value == raw), None)


@bp.get("/cross-sell")
@login_required
def cross_sell():
    source, product_id = _source(request.args.get("kind")), whole_number(request.args.get("product"))
    page = crosssell.suggestions(current_user, local_today(), page_number(), current_app.config["PAGE_SIZE"],
                                 source, product_id)
    return render("deals/crosssell.html", block="crosssell_list", page=page, kind=source, product_id=product_id,
                  sources=SOURCES, products=crosssell.product_choices(),
                  may_change=lambda suggestion: can_change(current_user, suggestion))


@bp.post("/cross-sell/deal")
@login_required
def cross_sell_deal():
    """建商机: another rep's client is 404, service 403; a suggestion already taken up says so."""
    back = safe_next(request.form.get("next"), url_for("deals.cross_sell"))
    client = get_or_404(Client, whole_number(request.form.get("client_id")))
    source = _source(request.form.get("kind")) or DealSource.CATALOGUE_GAP
    today = local_today()
    suggestion = crosssell.find(current_user, today, source, client.id, whole_number(request.form.get("product_id")),
                                whole_number(request.form.get("asset_id")))
    if suggestion is None:
        flash(_("This suggestion is no longer open: a deal is under way or the client has the module."), "error")
        return redirect(back)
    changeable(suggestion, current_user)
    deal = crosssell.create_deal(suggestion, current_user, today)
    message = _("Deal created: %(title)s.", title=deal.title)
    return saved(back, message, fragment=lambda: render("deals/crosssell.html", block="crosssell_done", deal=deal,
                                                         message=message))


