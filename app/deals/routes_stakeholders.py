"""A deal's stakeholder map and meeting plan: add a contact, change their stance (its history kept), remove
them; edit the meeting plan and its fallback. Sales change their own clients' maps, service only reads."""
from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.archive.enums import DecisionRole, Stance
from app.core.errors import Refused
from app.core.forms import enum_field, form_data, form_status, strip, whole_number
from app.core.htmx import render, saved
from app.core.scoping import get_or_404
from app.deals import bp, stakeholders
from app.deals.access import can_change, changeable
from app.deals.enums import RelationshipStage
from app.deals.models import Deal, Stakeholder
from app.extensions import db


class StakeholderForm(FlaskForm):
    decision_role = enum_field(_l("Decision role"), DecisionRole)
    stance = enum_field(_l("Stance"), Stance)
    relationship_stage = enum_field(_l("Relationship stage"), RelationshipStage,
                                    description=_l("For the inside contact: 认识 → 约会 → 认同 → 信赖 → 同盟"))
    notes = TextAreaField(_l("How to strengthen support"), default="", validators=[Length(max=4000)],
                          filters=[strip])

    data_fields = stakeholders.EDITABLE


class NewStakeholderForm(StakeholderForm):
    contact_id = SelectField(_l("Contact"), coerce=whole_number, validators=[DataRequired()])

    data_fields = ("contact_id", *stakeholders.EDITABLE)


class PlanForm(FlaskForm):
    # A field left out of the post is empty text, not NULL (the columns hold text).
    meeting_plan = TextAreaField(_l("Meeting plan"), default="", validators=[Length(max=8000)], filters=[strip])
    fallback_plan = TextAreaField(_l("Fallback plan if the talk fails"), default="", validators=[Length(max=8000)],
                                  filters=[strip])

    data_fields = ("meeting_plan", "fallback_plan")


def _new_form(deal: Deal, **kwargs) -> NewStakeholderForm:
    form = NewStakeholderForm(prefix="new", **kwargs)
    form.contact_id.choices = [(c.id, f"{c.name} · {c.title}" if c.title else c.name)
                               for c in stakeholders.candidates(deal)]
    return form


def _page(deal: Deal, status: int = 200, done: str | None = None, failed: dict | None = None, **forms):
    """The map's page, or for htmx its main block; ``failed`` holds a stakeholder's form that was refused."""
    rows = list(deal.stakeholders)
    edit_forms = {s.id: StakeholderForm(formdata=None, obj=s, prefix=f"s{s.id}") for s in rows}
    edit_forms.update(failed or {})
    return render("deals/stakeholders.html", block="stakeholder_main", status=status, deal=deal,
                  stakeholders=rows, on_map_page=True,
                  history=stakeholders.stance_history(rows), may_change=can_change(current_user, deal),
                  done=done, edit_forms=edit_forms,
                  new_form=forms.get("new_form") or _new_form(deal, formdata=None),
                  plan_form=forms.get("plan_form") or PlanForm(formdata=None, obj=deal))


def _url(deal: Deal) -> str:
    return url_for("deals.stakeholders", deal_id=deal.id)


def _stakeholder(deal: Deal, stakeholder_id: int) -> Stakeholder:
    """One row of the deal's map (the deal is loaded through scoping first)."""
    stakeholder = db.session.get(Stakeholder, stakeholder_id)
    return stakeholder if stakeholder is not None and stakeholder.deal_id == deal.id else abort(404)


@bp.get("/<int:deal_id>/stakeholders", endpoint="stakeholders")
@login_required
def stakeholders_page(deal_id: int):
    return _page(get_or_404(Deal, deal_id))


@bp.post("/<int:deal_id>/stakeholders")
@login_required
def stakeholder_add(deal_id: int):
    deal = changeable(get_or_404(Deal, deal_id), current_user)
    form = _new_form(deal)
    if form.validate_on_submit():
        try:
            stakeholder = stakeholders.add_stakeholder(deal, form_data(form))
        except Refused as refused:
            refused.show_on(form)
        else:
            message = _("%(name)s added to the map.", name=stakeholder.contact.name)
            return saved(_url(deal), message, fragment=lambda: _page(deal, done=message))
    return _page(deal, form_status(form), new_form=form)


@bp.post("/<int:deal_id>/stakeholders/<int:stakeholder_id>")
@login_required
def stakeholder_edit(deal_id: int, stakeholder_id: int):
    deal = changeable(get_or_404(Deal, deal_id), current_user)
    stakeholder = _stakeholder(deal, stakeholder_id)
    form = StakeholderForm(prefix=f"s{stakeholder.id}")
    if form.validate_on_submit():
        stakeholders.update_stakeholder(stakeholder, form_data(form))
        message = _("%(name)s saved.", name=stakeholder.contact.name)
        return saved(_url(deal), message, fragment=lambda: _page(deal, done=message))
    return _page(deal, form_status(form), failed={stakeholder.id: form})


@bp.post("/<int:deal_id>/stakeholders/<int:stakeholder_id>/delete")
@login_required
def stakeholder_delete(deal_id: int, stakeholder_id: int):
    deal = changeable(get_or_404(Deal, deal_id), current_user)
    stakeholder = _stakeholder(deal, stakeholder_id)
    name = stakeholder.contact.name
    stakeholders.remove_stakeholder(stakeholder)
    message = _("%(name)s removed from the map.", name=name)
    return saved(_url(deal), message, fragment=lambda: _page(deal, done=message))


@bp.post("/<int:deal_id>/plan")
@login_required
def meeting_plan(deal_id: int):
    deal = changeable(get_or_404(Deal, deal_id), current_user)
    form = PlanForm()
    if form.validate_on_submit():
        stakeholders.update_plans(deal, form_data(form))
        return saved(_url(deal), _("Meeting plan saved."), fragment=lambda: _page(deal, done=_("Meeting plan saved.")))
    return _page(deal, form_status(form), plan_form=form)


bp.add_app_template_global(stakeholders.summarise, "stakeholder_summary")  # the deal page's map (_stakeholders)
bp.add_app_template_global(Stakeholder, "Stakeholder")
