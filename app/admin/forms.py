from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Regexp

from app.auth.forms import NewPasswordMixin, normalise_username
from app.config import Config
from app.core.forms import VersionedFormMixin
from app.core.models import Role, User
from app.extensions import db


class UserFieldsMixin:
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), choices=Role.choices(), coerce=Role)
    locale = SelectField(_l("Language"), choices=list(Config.LANGUAGES.items()))


class UserCreateForm(UserFieldsMixin, NewPasswordMixin, FlaskForm):
    username = StringField(_l("Username"), filters=[normalise_username], validators=[
        DataRequired(), Length(max=80),
        Regexp(r"^[a-z0-9._-]+$", message=_l("Use lower-case letters, digits, dot, dash or underscore."))])

    def validate_username(self, field):
        if db.session.scalar(select(User.id).where(User.username == field.data)):
            raise ValidationError(_l("This username is taken."))


class UserEditForm(VersionedFormMixin, UserFieldsMixin, FlaskForm):
    active = BooleanField(_l("Active (may sign in)"))

    data_fields = ("display_name", "role", "locale", "active")


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass
