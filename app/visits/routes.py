"""The visit list, one visit, and quick logging from the client page or Today."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.attachments import UploadRefused
from app.archive.forms import AttachmentForm
from app.archive.models import Client
from app.archive.overview import client_page
from app.core.htmx import render, wants_fragment
from app.core.scoping import get_or_404
from app.extensions import db
from app.visits import bp
from app.visits.forms import QuickLogForm
from app.visits.models import Interaction
from app.visits.panel import panel_context
from app.visits.queries import VisitFilters, visit_list
from app.visits.services import attach_to_visit, contact_choices_for, extra_services_text, quick_log


@bp.get("/")
@login_required
def index():
    filters = VisitFilters.from_args(request.args)
    page = db.paginate(visit_list(current_user, filters), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render("visits/index.html", block="visit_list", page=page, filters=filters)


@bp.get("/<int:visit_id>")
@login_required
def detail(visit_id: int):
    visit = get_or_404(Interaction, visit_id)
    return render("visits/detail.html", visit=visit, extra_services=extra_services_text,
                  attachment_form=AttachmentForm())


@bp.post("/clients/<int:client_id>/quick-log")
@login_required
def quick_log_post(client_id: int):
    client = get_or_404(Client, client_id)
    form = QuickLogForm()
    form.contact_ids.choices = contact_choices_for(client)
    if form.validate_on_submit():
        quick_log(client, form, current_user)
        db.session.commit()
        if not wants_fragment():
            flash(_("Logged."), "success")
            return redirect(url_for("archive.detail", client_id=client.id, _anchor="visits"))
        form = None  # a fresh form for the next entry
    status = 422 if form and form.errors else 200
    if not wants_fragment():  # no JavaScript: the whole client page, the typed values by their fields
        return render("archive/detail.html", status=status, **client_page(client, current_user, quick_form=form))
    return render("visits/_client_panel.html", block="visits_panel", status=status,
                  **panel_context(client, current_user, form))


@bp.post("/<int:visit_id>/attachments")
@login_required
def attachment_add(visit_id: int):
    """A photo taken during the visit: kept with the client's files and linked to this visit."""
    visit = get_or_404(Interaction, visit_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            attach_to_visit(visit, form, current_user)
        except UploadRefused as refused:
            form.file.errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("%(name)s uploaded.", name=form.file.data.filename), "success")
            return redirect(url_for("visits.detail", visit_id=visit.id))
    return render("visits/detail.html", visit=visit, extra_services=extra_services_text, attachment_form=form,
                  status=422)
