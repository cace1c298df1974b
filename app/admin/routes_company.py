"""The company letterhead (admin): the name and logo every printed document carries in its header."""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from app.admin import bp
from app.admin.company import company_setting, save_company
from app.core.access import ADMINS
from app.core.errors import Refused
from app.core.forms import form_status
from app.core.htmx import render, saved
from app.core.scoping import role_required


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=80)],
                       filters=[lambda value: value.strip() if value else value])
    logo = FileField(_l("Logo (PNG or JPEG, at most 500 KB)"))
    remove_logo = BooleanField(_l("Remove the logo"))


@bp.route("/company", methods=["GET", "POST"])
@role_required(*ADMINS)
def company():
    stored = company_setting()
    form = CompanyForm(data={"name": stored.get("name", "")})
    if form.validate_on_submit():
        try:
            save_company(form.name.data, form.logo.data.read() if form.logo.data else None, form.remove_logo.data)
        except Refused as refused:
            refused.show_on(form)
        else:
            return saved(url_for("admin.company"), _("Saved. Documents printed from now on carry it."))
    return render("admin/company.html", form=form, logo=stored.get("logo"), status=form_status(form))
