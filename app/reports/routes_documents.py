"""The visit plan, the contract-tracking sheet and the mailing labels as PDFs: the same scoping as the pages (a record
the user may not see answers 404), Chinese file names with an ASCII fallback."""
from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.archive.models import Client
from app.archive.queries import ClientFilters, client_list
from app.core.clock import local_today
from app.core.forms import whole_number
from app.core.htmx import render
from app.core.models import User
from app.core.pdf import pdf_response, render_pdf
from app.core.scoping import get_or_404
from app.extensions import db
from app.reports import bp
from app.reports.contract_sheet import contract_sheet
from app.reports.labels import DEFAULT_LAYOUT, LAYOUTS, mailing_labels, sheets
from app.reports.visit_plan import (
    BadPeriod,
    may_print_plan_of,
    read_period,
    shown_contacts,
    visit_plan,
    weekday,
)


def _bad_request(message: str):
    return render("reports/bad_request.html", status=400, message=message)


@bp.get("/visit-plan.pdf")
@login_required
def visit_plan_pdf():
    """A rep's plan for a period (default: this week); a rep may print only their own, managers anyone's."""
    user_id = whole_number(request.args["user"]) if request.args.get("user") else current_user.id
    person = db.session.get(User, user_id) if user_id else None
    if person is None or not may_print_plan_of(current_user, person):
        abort(404)
    try:
        start, end = read_period(request.args.get("start"), request.args.get("end"), local_today())
    except BadPeriod as bad:
        return _bad_request(str(bad))
    plan = visit_plan(current_user, person, start, end)
    pdf = render_pdf("reports/visit_plan.html", plan=plan, briefing=request.args.get("briefing") == "1",
                     shown_contacts=shown_contacts, weekday=weekday, today=local_today())
    period = _("%(start)s to %(end)s", start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}")
    return pdf_response(pdf, f"{_('Visit plan')}-{person.display_name}-{period}.pdf")


@bp.get("/clients/<int:client_id>/contracts.pdf")
@login_required
def contract_sheet_pdf(client_id: int):
    client = get_or_404(Client, client_id)
    today = local_today()
    pdf = render_pdf("reports/contract_sheet.html", sheet=contract_sheet(client, current_user, today))
    return pdf_response(pdf, f"{_('Contract tracking sheet')}-{client.name}-{today:%Y-%m-%d}.pdf")


@bp.get("/labels.pdf")
@login_required
def labels_pdf():
    """Labels for the client list as filtered (the same filters and scope as the list page)."""
    layout = LAYOUTS.get(request.args.get("layout") or DEFAULT_LAYOUT)
    if layout is None:
        return _bad_request(_("Choose one of the label layouts offered."))
    clients = client_list(current_user, ClientFilters.from_args(request.args))
    count = db.session.scalar(select(func.count()).select_from(clients.order_by(None).subquery()))
    if count > current_app.config["LABELS_MAX"]:  # a sheet run of the whole archive would outlast the request
        return _bad_request(_("%(count)s clients are on this list; labels print at most %(max)s at a time. Narrow "
                              "the list first (by city, grade, lifecycle…).", count=f"{count:,}",
                              max=f"{current_app.config['LABELS_MAX']:,}"))
    labels, skipped = mailing_labels(clients)
    pdf = render_pdf("reports/labels.html", layout=layout, sheets=sheets(labels, layout), skipped=skipped,
                     printed=len(labels))
    return pdf_response(pdf, f"{_('Mailing labels')}-{local_today():%Y-%m-%d}.pdf")


@bp.app_template_global("label_layouts")
def label_layouts() -> list[tuple[str, object]]:
    """(value, label) of the label sheets, for the client list's print form."""
    return [(name, layout.label) for name, layout in LAYOUTS.items()]
