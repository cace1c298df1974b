"""Forms of the client's link and of surveys: what the client answers on the phone, what a rep records."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.archive.queries import contact_choices
from app.complaints.models import Survey
from app.core.forms import enum_radio, strip
from app.visits.enums import Satisfaction

COMMENT_MAX = 2000


def _score(label, low: int, high: int, required: bool = False) -> RadioField:
    # InputRequired, not DataRequired: 0 is an answer.
    return RadioField(label, choices=[(n, str(n)) for n in range(low, high + 1)], coerce=int,
                      validators=[InputRequired()] if required else [Optional()])


class ConfirmationForm(FlaskForm):
    """The client's answer on the confirmation page."""

    fixed = RadioField(_l("Is the problem solved?"), choices=[("yes", _l("Solved")), ("no", _l("Not solved"))],
                       validators=[DataRequired()])
    satisfaction = enum_radio(_l("How satisfied are you with our service?"), Satisfaction)
    comment = TextAreaField(_l("Anything you want to tell us (optional)"), filters=[strip],
                            validators=[Length(max=COMMENT_MAX)])


class PublicSurveyForm(FlaskForm):
    """The survey as the client answers it: NPS required, the four scores and a comment optional."""

    score_fields = ("product_quality", "service_response", "value_for_money", "cooperation")

    nps = _score(_l("How likely are you to recommend us to a colleague? (0–10)"), 0, 10, required=True)
    product_quality = _score(Survey.field_labels["product_quality"], 1, 5)
    service_response = _score(Survey.field_labels["service_response"], 1, 5)
    value_for_money = _score(Survey.field_labels["value_for_money"], 1, 5)
    cooperation = _score(Survey.field_labels["cooperation"], 1, 5)
    comment = TextAreaField(Survey.field_labels["comment"], filters=[strip], validators=[Length(max=COMMENT_MAX)])


class SurveyForm(PublicSurveyForm):
    """The survey as a rep records it: who answered and when, too."""

    data_fields = ("contact_id", "answered_at", "nps", *PublicSurveyForm.score_fields, "comment")

    contact_id = SelectField(Survey.field_labels["contact_id"], coerce=lambda v: int(v) if v else None,
                             validators=[Optional()])
    answered_at = DateTimeLocalField(Survey.field_labels["answered_at"], validators=[Optional()])


def survey_form(client, **kwargs) -> SurveyForm:
    form = SurveyForm(**kwargs)
    form.contact_id.choices = [("", _l("— not set —")), *contact_choices(client.id)]
    return form
