"""The SLA policy per severity (admin): first response in working hours, plan and resolution in working days."""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, ValidationError
from wtforms.validators import DataRequired, NumberRange, Optional

from app.complaints import bp, sla
from app.complaints.enums import Severity
from app.core.access import ADMINS
from app.core.forms import IntegerField, form_status
from app.core.htmx import render, saved
from app.core.models import put_setting
from app.core.scoping import role_required

admin_only = role_required(*ADMINS)


class SeverityPolicyForm(Form):
    response_hours = IntegerField(_l("First response within (working hours)"),
                                  validators=[DataRequired(), NumberRange(min=1, max=720)])
    plan_days = IntegerField(_l("Plan within (working days)"), validators=[Optional(), NumberRange(min=1, max=60)])
    resolution_days = IntegerField(_l("Resolution within (working days)"),
                                   validators=[Optional(), NumberRange(min=1, max=250)])

    def validate_plan_days(self, field):
        if field.data and self.resolution_days.data and field.data > self.resolution_days.data:
            raise ValidationError(_l("The plan cannot be due after the resolution."))


class SlaPolicyForm(FlaskForm):
    ordinary = FormField(SeverityPolicyForm, Severity.ORDINARY._label)
    complex = FormField(SeverityPolicyForm, Severity.COMPLEX._label)
    urgent = FormField(SeverityPolicyForm, Severity.URGENT._label)


@bp.route("/sla-policy", methods=["GET", "POST"])
@admin_only
def sla_policy():
    form = SlaPolicyForm(data=sla.policy())
    if form.validate_on_submit():
        put_setting(sla.POLICY_SETTING, {severity.value: form[severity.value].data for severity in Severity})
        sla.refresh_open()
        return saved(url_for("complaints.sla_policy"),
                     _("Saved. Open complaints' due times follow the new policy; steps already met keep theirs."))
    return render("complaints/sla_policy.html", form=form, severities=list(Severity), status=form_status(form))
