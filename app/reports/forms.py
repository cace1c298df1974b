"""Forms of the reports' own records: the month's product updates."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MonthField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import IntegerField, VersionedFormMixin, strip


class ProductUpdateForm(VersionedFormMixin, FlaskForm):
    month = MonthField(_l("Report month"), validators=[DataRequired()])
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    body = TextAreaField(_l("What changed"), validators=[Length(max=4000)], filters=[strip])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=999)])

    data_fields = ("month", "title", "body", "position")
