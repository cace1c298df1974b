"""The visit list, one visit, and the one quick log (client page and Today)."""
from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.attachments import UploadRefused
from app.archive.forms import AttachmentForm
from app.archive.models import Client
from app.archive.overview import client_page
from app.core.audit import history_page
from app.core.errors import Refused
from app.core.forms import form_data, form_status
from app.core.htmx import render, saved, wants_fragment
from app.core.paging import page_number, paginate
from app.core.plugins import render_page
from app.core.scoping import get_or_404
from app.visits import bp
from app.visits.access import can_change_visit, changeable
from app.visits.forms import quick_log_form
from app.visits.models import Interaction
from app.visits.panel import panel_context
from app.visits.queries import VisitFilters, visit_list
from app.visits.services import attach_to_visit
from app.visits.services import quick_log as log_touch


@bp.get("/")
@login_required
def index():
    filters = VisitFilters.from_args(request.args)
    page = paginate(visit_list(current_user, filters), page_number(), current_app.config["PAGE_SIZE"])
    return render("visits/index.html", block="visit_list", page=page, filters=filters)


@bp.get("/<int:visit_id>")
@login_required
def detail(visit_id: int):
    visit = get_or_404(Interaction, visit_id)
    return render("visits/detail.html", visit=visit, attachment_form=AttachmentForm(),
                  may_change=can_change_visit(current_user, visit))


@bp.get("/<int:visit_id>/history")
@login_required
def history(visit_id: int):
    visit = get_or_404(Interaction, visit_id)
    return history_page(visit, f"{visit.client.name} · {visit.method.label}",
                        url_for("visits.detail", visit_id=visit.id))


@bp.get("/client-picker")
@login_required
def client_picker():
    """The clients matching what the rep typed into the quick log's search, as choices (an htmx swap)."""
    form = quick_log_form(current_user, formdata=request.args, meta={"csrf": False})
    return render("visits/_client_picks.html", quick_form=form)


@bp.post("/clients/<int:client_id>/quick-log")
@bp.post("/quick-log", defaults={"client_id": None})
@login_required
def quick_log(client_id: int | None):
    """A touch logged on the spot: from the client page (client in the URL) or from Today (client chosen)."""
    client = get_or_404(Client, client_id) if client_id else None
    form = quick_log_form(current_user, client)
    if form.validate_on_submit():
        client = client or get_or_404(Client, form.client_id.data)
        try:
            visit = log_touch(client, form_data(form), current_user)
        except Refused as refused:  # the draft was saved for another client: 409, nothing saved
            refused.show_on(form)
            return _on_client_page(client, form, 409) if client_id else _on_today(form, status=409)
        if client_id:
            return saved(url_for("archive.detail", client_id=client.id, _anchor="visits"), _("Logged."),
                         fragment=lambda: _on_client_page(client, None, logged=True))
        return saved(url_for("dashboard.today"), _("Logged for %(name)s.", name=client.name),
                     fragment=lambda: _on_today(quick_log_form(current_user, formdata=None), visit))
    return _on_client_page(client, form) if client_id else _on_today(form)


def _on_client_page(client, form, status=None, logged=False):
    """The visits panel for htmx (saying so when a touch was just logged); without JavaScript the whole client
    page, the typed values by their fields."""
    status = status or (form_status(form) if form else 200)
    if not wants_fragment():
        return render("archive/detail.html", status=status, **client_page(client, current_user, quick_form=form))
    return render("visits/_client_panel.html", block="visits_panel", status=status, logged=logged,
                  **panel_context(client, current_user, form))


def _on_today(form, logged=None, status=None):
    status = status or form_status(form)
    if not wants_fragment():
        return render_page("today", status=status, quick_form=form)
    return render("visits/_today.html", block="today_quick_log", quick_form=form, logged=logged, status=status)


@bp.post("/<int:visit_id>/attachments")
@login_required
def attachment_add(visit_id: int):
    """A photo taken during the visit: kept with the client's files and linked to this visit."""
    visit = changeable(get_or_404(Interaction, visit_id), current_user)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            attach_to_visit(visit, form.file.data, form.caption.data, current_user)
        except UploadRefused as refused:
            refused.show_on(form)
        else:
            return saved(url_for("visits.detail", visit_id=visit.id),
                         _("%(name)s uploaded.", name=form.file.data.filename))
    return render("visits/detail.html", visit=visit, attachment_form=form, status=form_status(form), may_change=True)
