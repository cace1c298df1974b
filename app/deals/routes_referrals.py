"""Referral pages: record one from the referring client's page (the referred client picked, or created on the spot
as a lead), the list, one referral, edit, delete; redeem points from the client page; the admin's reward rate."""
from types import SimpleNamespace

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.archive.models import Client
from app.archive.overview import client_page
from app.archive.queries import contact_choices
from app.core.access import ADMINS
from app.core.audit import history_page
from app.core.clock import local_today
from app.core.errors import Refused
from app.core.forms import (
    DecimalField,
    VersionedFormMixin,
    enum_field,
    form_data,
    form_status,
    save_edit,
    strip,
    submitted,
    whole_number,
)
from app.core.htmx import render, saved, wants_fragment
from app.core.paging import page_number, paginate
from app.core.plugins import client_panel
from app.core.scoping import get_or_404, role_required
from app.deals import bp, referrals
from app.deals.access import can_change, changeable
from app.deals.enums import ReferralStatus
from app.deals.models import Referral
from app.visits.forms import client_offers


class ReferralForm(VersionedFormMixin, FlaskForm):
    """A referral: who referred (a contact of the referring client) and whom — a client picked by search, or a
    new lead typed in (name, city, phone)."""

    referring_contact_id = SelectField(_l("Referring contact"), coerce=whole_number, validators=[Optional()])
    client_query = StringField(_l("Referred client"), validators=[Length(max=80)], filters=[strip],
                               description=_l("Part of the name or its pinyin, a contact or a phone number"))
    referred_client_id = RadioField(_l("Pick the referred client"), coerce=whole_number, validate_choice=False)
    find = SubmitField(_l("Search"))
    lead_name = StringField(_l("Or a new lead: name"), validators=[Length(max=200)], filters=[strip])
    lead_city = StringField(_l("City"), validators=[Length(max=40)], filters=[strip])
    lead_phone = StringField(_l("Phone"), validators=[Length(max=40)], filters=[strip])
    referred_on = DateField(_l("Referred on"), validators=[DataRequired()])
    status = enum_field(_l("Status"), ReferralStatus, required=True, default=ReferralStatus.NEW)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)], filters=[strip])

    data_fields = referrals.EDITABLE

    def validate_referred_client_id(self, field):
        if self.lead_name.data:
            return
        if field.data is None:
            raise ValidationError(_l("Pick the referred client, or type a new lead's name."))
        if field.data not in [value for value, _label in field.choices]:
            raise ValidationError(_l("Choose the client."))
        if field.data == self.referrer.id:
            raise ValidationError(_l("A client cannot refer itself."))


def referral_form(user, referrer: Client, **kwargs) -> ReferralForm:
    form = ReferralForm(**kwargs)
    form.referrer = referrer
    kept, found = client_offers(user, [form.referred_client_id.data], form.client_query.data)
    form.referred_client_id.choices = kept + [choice for choice in found if choice[0] != referrer.id]
    form.referring_contact_id.choices = [("", _l("— not set —")), *contact_choices(referrer.id)]
    return form


def _lead(form: ReferralForm) -> dict | None:
    if not form.lead_name.data:
        return None
    return {"name": form.lead_name.data, "city": form.lead_city.data, "phone": form.lead_phone.data}


class RedeemForm(FlaskForm):
    points = DecimalField(_l("Points to redeem"), places=2,
                          validators=[DataRequired(), NumberRange(min=0.01, max=10**9)])
    note = StringField(_l("What for"), validators=[Length(max=200)], filters=[strip])


class RateForm(FlaskForm):
    percent = DecimalField(_l("Reward rate (percent of the first contract)"), places=2,
                           validators=[DataRequired(), NumberRange(min=0.01, max=100)])


def _referrer(client_id) -> Client:
    """The referring client: one the user sees (else 404) and may change (else 403)."""
    client = get_or_404(Client, whole_number(client_id) or 0)
    changeable(SimpleNamespace(client=client), current_user)
    return client


def _detail_url(referral: Referral) -> str:
    return url_for("deals.referral_detail", referral_id=referral.id)


@bp.get("/referrals")
@login_required
def referrals_index():
    status = ReferralStatus._value2member_map_.get(request.args.get("status") or "")
    page = paginate(referrals.referral_list(current_user, status), page_number(), current_app.config["PAGE_SIZE"])
    return render("deals/referral_list.html", block="referral_list", page=page, status=status,
                  statuses=ReferralStatus.choices())


@bp.route("/referrals/new", methods=["GET", "POST"])
@login_required
def referral_new():
    referrer = _referrer(request.args.get("client"))
    form = referral_form(current_user, referrer, referred_on=local_today())
    if not form.find.data and form.validate_on_submit():
        referral = referrals.create_referral(referrer, form_data(form), current_user, new_lead=_lead(form))
        return saved(_detail_url(referral), _("Referral recorded."))
    return render("deals/referral_form.html", block="referral_client" if form.find.data else None, form=form,
                  referrer=referrer, referral=None, status=form_status(form))


@bp.get("/referrals/<int:referral_id>")
@login_required
def referral_detail(referral_id: int):
    referral = get_or_404(Referral, referral_id)
    return render("deals/referral_detail.html", referral=referral, may_change=can_change(current_user, referral))


@bp.get("/referrals/<int:referral_id>/history")
@login_required
def referral_history(referral_id: int):
    referral = get_or_404(Referral, referral_id)
    return history_page(referral, f"{referral.client.name} → {referral.referred_client.name}", _detail_url(referral))


@bp.route("/referrals/<int:referral_id>/edit", methods=["GET", "POST"])
@login_required
def referral_edit(referral_id: int):
    referral = changeable(get_or_404(Referral, referral_id), current_user)
    form = referral_form(current_user, referral.client, obj=referral)
    if not form.find.data and submitted(form, referral) and save_edit(
            form, referral, lambda data: _update(referral, data, _lead(form))):
        return saved(_detail_url(referral))
    return render("deals/referral_form.html", block="referral_client" if form.find.data else None, form=form,
                  referrer=referral.client, referral=referral, conflict=form.conflict, status=form_status(form))


def _update(referral: Referral, data: dict, lead: dict | None) -> None:
    if lead:
        data["referred_client_id"] = referrals.create_lead(referral.client, lead, current_user).id
    referrals.update_referral(referral, data)


@bp.post("/referrals/<int:referral_id>/delete")
@login_required
def referral_delete(referral_id: int):
    referral = changeable(get_or_404(Referral, referral_id), current_user)
    referral.soft_delete(current_user)
    return saved(url_for("deals.referrals_index"), _("%(name)s moved to the recycle bin.", name=_("Referral")))


@bp.post("/referrals/points/<int:client_id>")
@login_required
def points_redeem(client_id: int):
    client = _referrer(client_id)
    form = RedeemForm()
    if form.validate_on_submit():
        try:
            referrals.redeem_points(client, form.points.data, form.note.data, current_user)
        except Refused as refused:
            refused.show_on(form)
        else:
            return saved(url_for("archive.detail", client_id=client.id, _anchor="referrals"), _("Points redeemed."),
                         fragment=lambda: _panel_page(client, done=_("Points redeemed.")))
    return _panel_page(client, form, status=form_status(form))


def _panel_page(client: Client, form: RedeemForm | None = None, status: int = 200, done: str | None = None):
    """The referrals panel for htmx; without JavaScript the whole client page, the typed values by their field."""
    if not wants_fragment():
        return render("archive/detail.html", status=status, **client_page(client, current_user, redeem_form=form))
    return render("deals/referral_panel.html", block="referral_panel", status=status,
                  **_panel_context(client, current_user, form, done))


def _panel_context(client: Client, user, form: RedeemForm | None = None, done: str | None = None) -> dict:
    return {"client": client, "referrals": referrals.client_referrals(client, user),
            "balance": referrals.points_balance(client.id), "entries": referrals.points_entries(client.id),
            "redeem_form": form or RedeemForm(formdata=None), "done": done,
            "may_change": can_change(user, SimpleNamespace(client=client))}


@client_panel(order=60)
def referral_panel(client, user, redeem_form=None, **_others) -> Markup:
    return Markup(render_template("deals/referral_panel.html", **_panel_context(client, user, redeem_form)))


@bp.route("/referral-rate", methods=["GET", "POST"])
@role_required(*ADMINS)
def referral_rate():
    form = RateForm(data={"percent": referrals.referral_rate()})
    if form.validate_on_submit():
        referrals.set_referral_rate(form.percent.data)
        return saved(url_for("deals.referral_rate"), _("Saved. The new rate applies to points granted from now on."))
    return render("deals/referral_rate.html", form=form, status=form_status(form))
