"""The service monthly report of a client (a PDF, and its month picker on the client page) and the month's
product updates the admin or a manager enters once for every client's report."""
from functools import partial

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from app.archive.models import Client
from app.core import dates
from app.core.access import MANAGERS
from app.core.clock import local_today
from app.core.forms import edit_page
from app.core.htmx import render, saved
from app.core.pdf import pdf_response
from app.core.plugins import client_panel, settings_page
from app.core.scoping import get_or_404, role_required
from app.extensions import db
from app.reports import bp, monthly, vip
from app.reports.forms import ProductUpdateForm
from app.reports.models import ProductUpdate

managers_only = role_required(*MANAGERS)
settings_page("reports.product_updates", _l("Product updates"), MANAGERS, order=57)
bp.add_app_template_global(ProductUpdate, "ProductUpdate")  # for {{ label(ProductUpdate, "title") }}


def _month_or_404(text: str | None):
    """A month up to the current one; anything else is no document."""
    month = dates.parse_month(text)
    if month is None or month > local_today().replace(day=1):
        abort(404)
    return month


@bp.get("/clients/<int:client_id>/service-report/<month>.pdf")
@login_required
def service_report(client_id: int, month: str):
    client = get_or_404(Client, client_id)
    start = _month_or_404(month)
    pdf = monthly.service_report_pdf(client, start, current_user)
    db.session.commit()  # the survey link printed on it, when a new one was issued
    return pdf_response(pdf, monthly.report_filename(client, start))


@bp.get("/clients/<int:client_id>/service-report")
@login_required
def service_report_pick(client_id: int):
    """The client page's month picker (a plain GET form) lands here and goes on to the month's PDF."""
    client = get_or_404(Client, client_id)
    month = request.args.get("month") or f"{dates.previous_month(local_today()):%Y-%m}"
    return redirect(url_for("reports.service_report", client_id=client.id, month=f"{_month_or_404(month):%Y-%m}"))


@client_panel(order=85)
def documents_panel(client: Client, user, **_others) -> Markup:
    today = local_today()
    return Markup(render_template("reports/_client_documents.html", client=client,
                                  last_month=dates.previous_month(today), this_month=today.replace(day=1),
                                  quarters=vip.recent_quarters(today), last_quarter=vip.last_finished_quarter(today)))


@bp.get("/product-updates")
@managers_only
def product_updates():
    month = dates.parse_month(request.args.get("month")) or dates.previous_month(local_today())
    updates = db.session.execute(monthly.product_updates(month)).scalars().all()
    return render("reports/product_updates.html", month=month, updates=updates,
                  previous=dates.previous_month(month), following=dates.next_month(month))


@bp.route("/product-updates/new", methods=["GET", "POST"], defaults={"product_update_id": None})
@bp.route("/product-updates/<int:product_update_id>", methods=["GET", "POST"])
@managers_only
def product_update_edit(product_update_id: int | None):
    month = dates.parse_month(request.args.get("month")) or dates.previous_month(local_today())
    form_cls = ProductUpdateForm if product_update_id else partial(ProductUpdateForm, data={"month": month})
    record = db.session.get(ProductUpdate, product_update_id) if product_update_id else None
    done = url_for("reports.product_updates", month=f"{record.month if record else month:%Y-%m}")
    return edit_page(ProductUpdate, product_update_id, form_cls, "reports/product_update.html", done, "update")


@bp.post("/product-updates/<int:product_update_id>/delete")
@managers_only
def product_update_delete(product_update_id: int):
    update = db.get_or_404(ProductUpdate, product_update_id)
    month = update.month
    db.session.delete(update)  # the audit trail keeps what it said
    return saved(url_for("reports.product_updates", month=f"{month:%Y-%m}"), _("Product update deleted."))
