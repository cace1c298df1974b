from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive import bp
from app.archive.forms import ClientForm, ContactForm
from app.archive.models import Client, Contact
from app.archive.queries import ClientFilters, client_list, owner_choices
from app.archive.services import add_contact, save_client
from app.core.htmx import render
from app.core.locking import detect_conflict
from app.core.models import AuditEvent, Role
from app.core.scoping import get_or_404, role_required
from app.extensions import db

EDITORS = (Role.ADMIN, Role.MANAGER, Role.SALES)


def _client_form(**kwargs) -> ClientForm:
    form = ClientForm(**kwargs)
    if current_user.sees_all_clients:
        form.owner_id.choices = [(u.id, u.display_name) for u in db.session.execute(owner_choices()).scalars()]
    else:
        del form.owner_id  # a sales rep owns what they create and edit
    return form


@bp.get("/")
@login_required
def index():
    filters = ClientFilters.from_args(request.args)
    page = db.paginate(client_list(current_user, filters), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render("archive/index.html", block="client_list", page=page, q=filters.q)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    form = _client_form(owner_id=current_user.id)
    if form.validate_on_submit():
        client = save_client(Client(), form, current_user)
        db.session.commit()
        flash(_("Client %(name)s created.", name=client.name), "success")
        return redirect(url_for("archive.detail", client_id=client.id))
    return render("archive/form.html", form=form, client=None, status=422 if form.errors else 200)


@bp.get("/<int:client_id>")
@login_required
def detail(client_id: int):
    client = get_or_404(Client, client_id)
    return render("archive/detail.html", client=client, contact_form=ContactForm())


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(client_id: int):
    client = get_or_404(Client, client_id)
    form = _client_form(obj=client)
    conflict = None
    if form.validate_on_submit():
        conflict = detect_conflict(client, form, ClientForm.fields_compared)
        if not conflict:
            save_client(client, form, current_user)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("archive.detail", client_id=client.id))
    status = 409 if conflict else 422 if form.errors else 200
    return render("archive/form.html", form=form, client=client, conflict=conflict, status=status)


@bp.post("/<int:client_id>/delete")
@role_required(*EDITORS)
def delete(client_id: int):
    client = get_or_404(Client, client_id)
    client.soft_delete(current_user)
    db.session.commit()
    flash(_("%(name)s moved to the recycle bin.", name=client.name), "success")
    return redirect(url_for("archive.index"))


@bp.get("/<int:client_id>/history")
@login_required
def history(client_id: int):
    client = get_or_404(Client, client_id)
    events = db.session.execute(AuditEvent.for_record(client)).scalars().all()
    return render("archive/history.html", client=client, events=events, model=Client)


@bp.post("/<int:client_id>/contacts")
@role_required(*EDITORS)
def contact_add(client_id: int):
    client = get_or_404(Client, client_id)
    form = ContactForm()
    if form.validate_on_submit():
        add_contact(client, form)
        db.session.commit()
        db.session.refresh(client)
        if request.headers.get("HX-Request") != "true":
            flash(_("Contact added."), "success")
            return redirect(url_for("archive.detail", client_id=client.id))
        form = ContactForm(formdata=None)
    return render("archive/detail.html", block="contacts", client=client, contact_form=form,
                  status=422 if form.errors else 200)


@bp.post("/<int:client_id>/contacts/<int:contact_id>/delete")
@role_required(*EDITORS)
def contact_delete(client_id: int, contact_id: int):
    contact = get_or_404(Contact, contact_id)
    if contact.client_id != client_id:
        abort(404)
    contact.soft_delete(current_user)
    db.session.commit()
    flash(_("%(name)s moved to the recycle bin.", name=contact.name), "success")
    return redirect(url_for("archive.detail", client_id=client_id))
