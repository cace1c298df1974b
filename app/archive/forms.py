from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.locking import VersionedFormMixin


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ClientForm(VersionedFormMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    short_name = StringField(_l("Short name"), validators=[Length(max=80)], filters=[strip])
    owner_id = SelectField(_l("Owner"), coerce=int)
    notes = TextAreaField(_l("Notes"), filters=[strip])

    fields_compared = ("name", "short_name", "owner_id", "notes")


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)], filters=[strip])
    title = StringField(_l("Title"), validators=[Length(max=80)], filters=[strip])
    phone = StringField(_l("Phone"), validators=[Length(max=40)], filters=[strip])
