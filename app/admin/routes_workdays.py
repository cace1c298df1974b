"""The working calendar (admin): a year's statutory holidays and 调休 make-up workdays from the package, and the
overrides that win over it when the package lags the State Council notice."""
from datetime import date

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, RadioField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

from app.admin import bp
from app.core.access import ADMINS
from app.core.clock import local_today
from app.core.forms import form_status, whole_number
from app.core.htmx import render, saved
from app.core.scoping import role_required
from app.core.workdays import WorkdayOverride, changed, make_up_workdays, statutory
from app.extensions import db

admin_only = role_required(*ADMINS)
YEARS = range(2000, 2100)  # what the package knows about China


class WorkdayOverrideForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    kind = RadioField(_l("The date is"), choices=[("holiday", _l("A holiday (no work)")),
                                                  ("workday", _l("A working day"))],
                      validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Length(max=200)])

    def validate_day(self, field):
        if field.data.year not in YEARS:
            raise ValidationError(_l("Choose a date between 2000 and 2099."))
        if db.session.scalar(select(WorkdayOverride.id).where(WorkdayOverride.day == field.data)):
            raise ValidationError(_l("This date already has an override: remove it first."))


def _year() -> int:
    year = whole_number(request.args.get("year"))
    return year if year in YEARS else local_today().year


@bp.route("/workdays", methods=["GET", "POST"])
@admin_only
def workdays():
    form = WorkdayOverrideForm()
    if form.validate_on_submit():
        db.session.add(WorkdayOverride(day=form.day.data, is_workday=form.kind.data == "workday",
                                       note=form.note.data.strip()))
        db.session.flush()
        changed()
        return saved(url_for("admin.workdays", year=form.day.data.year),
                     _("Saved: %(day)s follows your calendar now.", day=form.day.data.isoformat()))
    return _page(form, form.day.data.year if form.day.data and form.day.data.year in YEARS else _year())


@bp.post("/workdays/<int:override_id>/delete")
@admin_only
def workday_delete(override_id: int):
    override = db.get_or_404(WorkdayOverride, override_id)
    db.session.delete(override)
    db.session.flush()
    changed()
    return saved(url_for("admin.workdays", year=override.day.year),
                 _("Override removed: %(day)s follows the statutory calendar again.", day=override.day.isoformat()))


def _page(form, year: int):
    language = "en_US" if str(get_locale()).startswith("en") else "zh_CN"
    overrides = db.session.execute(select(WorkdayOverride).where(
        WorkdayOverride.day.between(date(year, 1, 1), date(year, 12, 31))).order_by(WorkdayOverride.day)).scalars()
    return render("admin/workdays.html", form=form, year=year, overrides=overrides.all(), status=form_status(form),
                  holidays=sorted(item for item in statutory(year, language).items() if item[0].year == year),
                  make_up=make_up_workdays(year))
