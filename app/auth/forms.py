from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.config import Config


def normalise_username(value):
    return value.strip().lower() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)], filters=[normalise_username])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))


class NewPasswordMixin:
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=8, message=_l("At least 8 characters."))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))])


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=list(Config.LANGUAGES.items()))
