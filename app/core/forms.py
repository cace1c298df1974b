"""What every domain's forms share: fields, the version field, the data a service takes, and one edit flow.

A route's edit flow is: ``if submitted(form, record): service(record, form_data(form)); return saved(url)``,
otherwise render the form with ``status=form_status(form)`` and ``conflict=form.conflict``.
"""
import re

import wtforms
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app.core.htmx import render, saved
from app.core.locking import detect_conflict, snapshot
from app.core.records import save_record
from app.extensions import db

INT_MAX = 2**31 - 1  # what every database's INTEGER column holds
_WHOLE = re.compile(r"[+-]?[0-9]+")


def whole_number(raw, maximum: int = INT_MAX) -> int | None:
    """A whole number typed in ASCII digits ("٣" and "²" are digits to Python, not to us) that a database
    column holds; None for anything else. For ids and numbers in query strings."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):
        value = int(raw)
    else:
        return None
    return value if -maximum <= value <= maximum else None


class IntegerField(wtforms.IntegerField):
    """A whole number in ASCII digits within a database integer; anything else is an error by the field."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            return super().process_formdata(valuelist)
        self.data = whole_number(valuelist[0])
        if self.data is None:
            raise ValueError(self.gettext("Not a valid integer value."))


class DecimalField(wtforms.DecimalField):
    """An amount: a finite number below a trillion (NaN, Infinity and 1e308 are refused by the field)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and (not self.data.is_finite() or abs(self.data) >= 10**12):
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


def enum_field(label, enum_cls, required=False, members=None, **kwargs):
    """A select over an enum (or some of its members); optional ones start with an empty 'not set' choice and
    give None."""
    options = [(m.value, m._label) for m in members] if members else enum_cls.choices()
    choices = ([] if required else [("", _l("— not set —"))]) + options
    return SelectField(label, choices=choices, coerce=lambda v: enum_cls(v) if v else None,
                       validators=[DataRequired()] if required else [Optional()], **kwargs)


def enum_radio(label, enum_cls, members=None, required=True, **kwargs):
    """Radio chips over an enum (or some of its members): big targets for a thumb on a tablet."""
    return RadioField(label, choices=[(m.value, m._label) for m in (members or enum_cls)],
                      coerce=lambda v: enum_cls(v) if v else None,
                      validators=[DataRequired()] if required else [Optional()], **kwargs)


class CheckboxesField(SelectMultipleField):
    """Big tickable boxes instead of a multi-select nobody can use on a tablet."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VersionedFormMixin:
    """Carries the record version the user started editing from, and the values they saw (optimistic locking)."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])  # empty on a new record
    original = wtforms.HiddenField()


def form_data(form, fields=None) -> dict:
    """The plain data a service takes: the form's data fields (those it has) by name."""
    return {name: form[name].data for name in (fields or form.data_fields) if name in form}


def submitted(form, record=None) -> bool:
    """True when the form was posted, is valid and, for a stored record, was started from its current version.
    A stale save sets ``form.conflict`` (who changed what; see locking.detect_conflict). On the way in, the form
    notes the values the user starts from."""
    form.conflict = None
    stored = record is not None and record.id is not None and "version" in form
    if stored and not form.is_submitted():
        form.original.data = snapshot(record, form.data_fields)
    if not form.validate_on_submit():
        return False
    if stored:
        form.conflict = detect_conflict(record, form, form.data_fields)
    return form.conflict is None


def save_edit(form, record, save) -> bool:
    """Run ``save(data)`` for a submitted, current form. Should another save of the same record commit between
    the check and this write, the database refuses the stale version: the user gets the conflict view with
    what they typed, never an error page."""
    try:
        save(form_data(form))
    except StaleDataError:
        db.session.rollback()  # the record reloads at its current version
        form.conflict = detect_conflict(record, form, form.data_fields)
        return False
    return True


def form_status(form, *problems) -> int:
    """409 for a stale save, 422 for errors (the form's, or other problems the page shows), else 200."""
    if getattr(form, "conflict", None):
        return 409
    return 422 if form.errors or any(problems) else 200


def edit_page(model, record_id: int | None, form_cls, template: str, done_url: str, name: str, save=None):
    """The whole new-or-edit page of a simple record (catalogue product, cadence rule): load or start it,
    validate, catch a stale save, save, commit once and go back; else the form with 422/409 and the typed values."""
    record = db.get_or_404(model, record_id) if record_id else model()
    form = form_cls(obj=record if record_id else None)
    form.record = record  # for checks against the other records (a name already taken)
    if submitted(form, record) and save_edit(form, record, lambda data: (save or save_record)(record, data)):
        return saved(done_url)
    return render(template, form=form, conflict=form.conflict, status=form_status(form), **{name: record})
