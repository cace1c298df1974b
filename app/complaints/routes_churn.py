"""Churn pages: the churn-risk list, lost clients (流失记录) with why they left, and the win-back; the client page's
churn section."""
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.archive.queries import owner_choices
from app.complaints import bp
from app.complaints.churn import (
    ChurnRecord,
    can_record_churn,
    churn_list,
    client_churn_records,
    client_risk,
    reason_stats,
    record_churn,
    risk_page,
    update_churn,
)
from app.complaints.enums import ChurnOutcome, ChurnReason, RiskSignal
from app.core.clock import local_now, local_today
from app.core.forms import (
    VersionedFormMixin,
    enum_field,
    form_data,
    form_status,
    save_edit,
    strip,
    submitted,
    whole_number,
)
from app.core.htmx import render, saved
from app.core.paging import page_number, paginate
from app.core.plugins import client_panel
from app.core.scoping import get_or_404
from app.extensions import db

LABELS = ChurnRecord.field_labels


class ChurnForm(VersionedFormMixin, FlaskForm):
    lost_on = DateField(LABELS["lost_on"], validators=[DataRequired()])
    reason = enum_field(LABELS["reason"], ChurnReason, required=True)
    competitor = StringField(LABELS["competitor"], validators=[Length(max=120)], filters=[strip])
    details = TextAreaField(LABELS["details"], validators=[Length(max=4000)], filters=[strip])
    self_review = TextAreaField(LABELS["self_review"], validators=[Length(max=4000)], filters=[strip],
                                description=_l("What we could have done better"))
    win_back_plan = TextAreaField(LABELS["win_back_plan"], validators=[Length(max=4000)], filters=[strip])
    outcome = enum_field(LABELS["outcome"], ChurnOutcome, required=True, default=ChurnOutcome.PENDING)
    outcome_on = DateField(LABELS["outcome_on"], validators=[Optional()])

    data_fields = ("lost_on", "reason", "competitor", "details", "self_review", "win_back_plan", "outcome",
                   "outcome_on")

    def validate_outcome_on(self, field):
        if field.data and self.lost_on.data and field.data < self.lost_on.data:
            raise ValidationError(_l("The outcome cannot come before the client was lost."))


def _writable(client: Client) -> Client:
    return client if can_record_churn(current_user, client) else abort(403)


@bp.get("/churn-risk")
@login_required
def churn_risk():
    signal = RiskSignal._value2member_map_.get(request.args.get("signal", ""))
    owner_id = whole_number(request.args.get("owner")) if current_user.sees_all_clients else None
    page = risk_page(current_user, local_today(), local_now(), page_number(), current_app.config["PAGE_SIZE"],
                     signal=signal, owner_id=owner_id)
    owners = ([(u.id, u.display_name) for u in db.session.execute(owner_choices()).scalars()]
              if current_user.sees_all_clients else [])
    return render("complaints/churn_risk.html", block="churn_risk_list", page=page, risks=page.items,
                  signal=signal, owner_id=owner_id, owners=owners)


@bp.get("/churn")
@login_required
def churn_index():
    reason = ChurnReason._value2member_map_.get(request.args.get("reason", ""))
    page = paginate(churn_list(current_user, reason), page_number(), current_app.config["PAGE_SIZE"])
    return render("complaints/churn_list.html", page=page, reason=reason, stats=reason_stats(current_user))


@bp.route("/churn/new", methods=["GET", "POST"])
@login_required
def churn_new():
    client = _writable(get_or_404(Client, whole_number(request.args.get("client"))))
    form = ChurnForm(lost_on=local_today())
    if submitted(form):
        record = record_churn(client, form_data(form))
        return saved(url_for("complaints.churn_detail", churn_id=record.id),
                     _("%(name)s recorded as lost.", name=client.name))
    return render("complaints/churn_form.html", form=form, client=client, record=None, status=form_status(form))


@bp.get("/churn/<int:churn_id>")
@login_required
def churn_detail(churn_id: int):
    record = get_or_404(ChurnRecord, churn_id)
    return render("complaints/churn_detail.html", record=record,
                  may_change=can_record_churn(current_user, record.client))


@bp.route("/churn/<int:churn_id>/edit", methods=["GET", "POST"])
@login_required
def churn_edit(churn_id: int):
    record = get_or_404(ChurnRecord, churn_id)
    _writable(record.client)
    form = ChurnForm(obj=record)
    if submitted(form, record) and save_edit(form, record, lambda data: update_churn(record, data)):
        return saved(url_for("complaints.churn_detail", churn_id=record.id))
    return render("complaints/churn_form.html", form=form, client=record.client, record=record,
                  conflict=form.conflict, status=form_status(form))


@bp.post("/churn/<int:churn_id>/delete")
@login_required
def churn_delete(churn_id: int):
    record = get_or_404(ChurnRecord, churn_id)
    _writable(record.client)
    record.soft_delete(current_user)
    return saved(url_for("archive.detail", client_id=record.client_id, _anchor="churn"),
                 _("%(name)s moved to the recycle bin.", name=str(record)))


@client_panel(order=60)
def churn_panel(client, user, **_others) -> Markup:
    """The client's current risk signals and its churn records."""
    signals = [] if client.status == Lifecycle.LOST else client_risk(client, user, local_today(), local_now())
    return Markup(render_template("complaints/churn_panel.html", client=client, signals=signals,
                                  records=client_churn_records(client, user),
                                  may_record=can_record_churn(user, client)))
