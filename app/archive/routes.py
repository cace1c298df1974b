"""The client list, one client, new/edit/delete, history and handover to another rep."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive import bp
from app.archive.access import ASSIGNERS, EDITORS, can_transfer, chooses_owner
from app.archive.forms import ClientForm
from app.archive.models import Client
from app.archive.overview import client_page
from app.archive.queries import (
    SORT_LABELS,
    ClientFilters,
    client_list,
    client_order,
    duplicates_of,
    filter_choices,
    owner_choices,
    unit_level_choices,
)
from app.archive.services import save_client, transfer_clients
from app.core.audit import history_page
from app.core.errors import Refused
from app.core.forms import form_data, form_status, save_edit, submitted, whole_number
from app.core.htmx import is_htmx, render, saved, wants_fragment
from app.core.navigation import safe_next
from app.core.paging import page_number, paginate, paginate_either_end
from app.core.scoping import get_or_404, role_required
from app.extensions import db


def _client_form(**kwargs) -> ClientForm:
    form = ClientForm(**kwargs)
    form.unit_level_id.choices = [("", _("— not set —"))] + unit_level_choices()
    if chooses_owner(current_user):
        form.owner_id.choices = [(u.id, u.display_name) for u in db.session.execute(owner_choices()).scalars()]
    else:
        del form.owner_id
    return form


def _duplicates_block(form, client=None):
    """Clients whose normalised name matches, unless the user confirmed this is a different one."""
    if form.confirm_duplicate.data:
        return []
    return duplicates_of(form.name.data, exclude_id=client.id if client else None)


@bp.get("/")
@login_required
def index():
    filters = ClientFilters.from_args(request.args)
    canonical = url_for("archive.index", **filters.to_args(**_page_arg()))
    if not wants_fragment() and "" in (value for _key, value in request.args.items(multi=True)):
        return redirect(canonical)  # a plain filter form sends its empty selects too; keep URLs short
    clients, size = client_list(current_user, filters), current_app.config["PAGE_SIZE"]
    # A search is counted up to the cap (its rows are found by reading the names); the whole list exactly.
    page = (paginate(clients, page_number(), size) if filters.q
            else paginate_either_end(clients, client_order(filters), page_number(), size))
    owners = db.session.execute(owner_choices()).scalars().all() if current_user.sees_all_clients else []
    response = render("archive/index.html", block="client_list", page=page, filters=filters,
                      selected=filters.selected(), filter_choices=filter_choices(current_user, owners),
                      sort_choices=list(SORT_LABELS.items()), can_transfer=can_transfer(current_user),
                      owners=owners)
    response.headers["HX-Push-Url"] = canonical  # the address bar gets the short, bookmarkable URL
    return response


def _page_arg() -> dict:
    page = page_number()
    return {"page": page} if page > 1 else {}


@bp.route("/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    form = _client_form(owner_id=current_user.id)
    duplicates = []
    if submitted(form) and not (duplicates := _duplicates_block(form)):
        client = save_client(Client(), form_data(form), current_user)
        return saved(url_for("archive.detail", client_id=client.id),
                     _("Client %(name)s created.", name=client.name))
    return render("archive/form.html", form=form, client=None, duplicates=duplicates,
                  status=form_status(form, duplicates))


@bp.get("/<int:client_id>")
@login_required
def detail(client_id: int):
    client = get_or_404(Client, client_id)
    return render("archive/detail.html", **client_page(client, current_user))


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(client_id: int):
    client = get_or_404(Client, client_id)
    form = _client_form(obj=client)
    duplicates = []
    if (submitted(form, client) and not (duplicates := _duplicates_block(form, client))
            and save_edit(form, client, lambda data: save_client(client, data, current_user))):
        return saved(url_for("archive.detail", client_id=client.id))
    return render("archive/form.html", form=form, client=client, conflict=form.conflict, duplicates=duplicates,
                  status=form_status(form, duplicates))


@bp.post("/<int:client_id>/delete")
@role_required(*EDITORS)
def delete(client_id: int):
    client = get_or_404(Client, client_id)
    client.soft_delete(current_user)
    return saved(url_for("archive.index"), _("%(name)s moved to the recycle bin.", name=client.name))


@bp.get("/<int:client_id>/history")
@login_required
def history(client_id: int):
    client = get_or_404(Client, client_id)
    return history_page(client, client.name, url_for("archive.detail", client_id=client.id))


@bp.post("/transfer")
@role_required(*ASSIGNERS)
def transfer():
    ids = [whole_number(i) for i in request.form.getlist("client_ids") if whole_number(i)]
    back = safe_next(request.form.get("next"), url_for("archive.index"))
    try:
        moved = transfer_clients(ids, whole_number(request.form.get("owner_id")), current_user,
                                 request.form.get("note", "").strip()[:500])
    except Refused as refused:
        db.session.rollback()
        if is_htmx():  # the ticks and the chosen owner stay as they are; the reason shows by the button
            return render("archive/_transfer_message.html", status=422, message=refused.message, error=True)
        flash(refused.message, "error")
        return redirect(back)
    message = _("%(count)s clients handed over.", count=moved)
    if is_htmx():
        db.session.commit()
        response = render("archive/_transfer_message.html", message=message)
        response.headers["HX-Refresh"] = "true"  # the list shows the new owners
        flash(message, "success")
        return response
    return saved(back, message)
