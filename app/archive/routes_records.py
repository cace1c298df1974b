"""Contacts, their special dates and the installed base of a client: add, edit, move to the recycle bin."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.archive import bp
from app.archive.access import ASSET_EDITORS, EDITORS, can_edit_clients
from app.archive.forms import AssetForm, ContactForm, SpecialDateForm
from app.archive.models import Asset, Client, Contact, SpecialDate
from app.archive.overview import upcoming_dates
from app.archive.queries import contact_choices, product_choices
from app.archive.services import add_contact, save_asset
from app.core.audit import history_page
from app.core.clock import local_today
from app.core.forms import form_data, form_status, save_edit, submitted, whole_number
from app.core.htmx import render, saved
from app.core.records import save_record
from app.core.scoping import get_or_404, role_required

CONTACT_GROUPS = [
    (None, ("name", "gender", "title", "department", "mobile", "phone", "email", "wechat")),
    (_l("Role in the decision"), ("decision_role", "stance", "is_key_person", "is_inside_contact", "authority",
                                  "tenure", "still_at_client")),
    (_l("Birthday"), ("birthday_month", "birthday_day", "birthday_year", "birthday_lunar", "birthday_leap")),
    (_l("Knowing the person"), ("hometown", "hobbies", "personality", "family_notes", "notes")),
]
SPECIAL_DATE_GROUPS = [(None, ("contact_id", "kind", "whose", "label", "is_lunar", "month", "day", "is_leap_month",
                               "year", "remind_days"))]
ASSET_GROUPS = [(None, ("kind", "product_id", "name", "module_version", "quantity", "installed_on", "maintenance_until",
                        "status", "notes"))]
ALL = float("inf")


def _owned(model, client_id: int, record_id: int):
    record = get_or_404(model, record_id)
    if record.client_id != client_id:
        abort(404)
    return record


def _form_page(client, form, groups, title, delete_url=None):
    return render("archive/record_form.html", client=client, form=form, groups=groups, title=title,
                  conflict=getattr(form, "conflict", None), delete_url=delete_url, status=form_status(form),
                  cancel_url=url_for("archive.detail", client_id=client.id))


def _back_to(client, anchor: str) -> str:
    return url_for("archive.detail", client_id=client.id, _anchor=anchor)


def _edit(client, record, form, groups, title, anchor, save=save_record):
    """The edit flow every sub-record shares: validate, catch a stale save, save, commit."""
    if submitted(form, record) and save_edit(form, record, lambda data: save(record, data)):
        return saved(_back_to(client, anchor))
    endpoint = request.endpoint.removesuffix("_edit") + "_delete"
    return _form_page(client, form, groups, title, url_for(endpoint, **request.view_args))


def _delete(client, record, anchor):
    record.soft_delete(current_user)
    return saved(_back_to(client, anchor), _("%(name)s moved to the recycle bin.", name=str(record)))


@bp.route("/<int:client_id>/contacts/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def contact_new(client_id: int):
    client = get_or_404(Client, client_id)
    form = ContactForm()
    if submitted(form):
        contact = add_contact(client, form_data(form, ContactForm.new_fields))
        return saved(_back_to(client, "contacts"), _("Contact %(name)s added.", name=contact.name))
    return _form_page(client, form, CONTACT_GROUPS, _("New contact"))


@bp.get("/<int:client_id>/contacts/<int:contact_id>")
@login_required
def contact_detail(client_id: int, contact_id: int):
    contact = _owned(Contact, client_id, contact_id)
    # every date of the person, however far ahead or (a life event) long ago
    upcoming = upcoming_dates(contact.special_dates, local_today(), within=ALL, passed=ALL)
    return render("archive/contact.html", client=contact.client, contact=contact, upcoming=upcoming,
                  can_edit=can_edit_clients(current_user))


@bp.get("/<int:client_id>/contacts/<int:contact_id>/history")
@login_required
def contact_history(client_id: int, contact_id: int):
    contact = _owned(Contact, client_id, contact_id)
    return history_page(contact, contact.name, url_for("archive.contact_detail", client_id=client_id,
                                                       contact_id=contact.id))


@bp.route("/<int:client_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def contact_edit(client_id: int, contact_id: int):
    contact = _owned(Contact, client_id, contact_id)
    form = ContactForm(obj=contact)
    groups = [g for g in CONTACT_GROUPS if "birthday_month" not in g[1]]
    return _edit(contact.client, contact, form, groups, _("Edit contact"), "contacts")


@bp.post("/<int:client_id>/contacts/<int:contact_id>/delete")
@role_required(*EDITORS)
def contact_delete(client_id: int, contact_id: int):
    contact = _owned(Contact, client_id, contact_id)
    return _delete(contact.client, contact, "contacts")


def _special_date_form(client, **kwargs) -> SpecialDateForm:
    form = SpecialDateForm(**kwargs)
    form.contact_id.choices = [("", _("— the organisation itself —"))] + contact_choices(client.id)
    return form


@bp.route("/<int:client_id>/special-dates/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def special_date_new(client_id: int):
    client = get_or_404(Client, client_id)
    form = _special_date_form(client, contact_id=whole_number(request.args.get("contact_id")))
    if submitted(form):
        save_record(SpecialDate(client_id=client.id), form_data(form))
        return saved(_back_to(client, "upcoming"), _("Special date added."))
    return _form_page(client, form, SPECIAL_DATE_GROUPS, _("New special date"))


@bp.route("/<int:client_id>/special-dates/<int:special_date_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def special_date_edit(client_id: int, special_date_id: int):
    special = _owned(SpecialDate, client_id, special_date_id)
    form = _special_date_form(special.client, obj=special)
    return _edit(special.client, special, form, SPECIAL_DATE_GROUPS, _("Edit special date"), "upcoming")


@bp.post("/<int:client_id>/special-dates/<int:special_date_id>/delete")
@role_required(*EDITORS)
def special_date_delete(client_id: int, special_date_id: int):
    special = _owned(SpecialDate, client_id, special_date_id)
    return _delete(special.client, special, "upcoming")


def _asset_form(**kwargs) -> AssetForm:
    form = AssetForm(**kwargs)
    form.product_id.choices = [("", _("— not from our catalogue —"))] + product_choices()
    return form


@bp.route("/<int:client_id>/assets/new", methods=["GET", "POST"])
@role_required(*ASSET_EDITORS)
def asset_new(client_id: int):
    client = get_or_404(Client, client_id)
    form = _asset_form()
    if submitted(form):
        save_asset(Asset(client_id=client.id), form_data(form))
        return saved(_back_to(client, "assets"), _("Asset added."))
    return _form_page(client, form, ASSET_GROUPS, _("New asset"))


@bp.route("/<int:client_id>/assets/<int:asset_id>/edit", methods=["GET", "POST"])
@role_required(*ASSET_EDITORS)
def asset_edit(client_id: int, asset_id: int):
    asset = _owned(Asset, client_id, asset_id)
    return _edit(asset.client, asset, _asset_form(obj=asset), ASSET_GROUPS, _("Edit asset"), "assets",
                 save=save_asset)


@bp.post("/<int:client_id>/assets/<int:asset_id>/delete")
@role_required(*ASSET_EDITORS)
def asset_delete(client_id: int, asset_id: int):
    asset = _owned(Asset, client_id, asset_id)
    return _delete(asset.client, asset, "assets")
