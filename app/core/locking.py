"""Optimistic locking for edit forms: a stale save shows who changed what, and keeps both values."""
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from flask import flash, redirect
from flask_babel import gettext as _
from wtforms import IntegerField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from app.core.htmx import render
from app.extensions import db


class VersionedFormMixin:
    """Carries the record version the user started editing from."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])  # empty on a new record


@dataclass
class FieldDiff:
    label: str
    saved: str
    yours: str


@dataclass
class Conflict:
    by: object
    at: datetime
    fields: list[FieldDiff] = field(default_factory=list)


def shown(value) -> str:
    if isinstance(value, Enum) and hasattr(value, "label"):
        return value.label
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


def detect_conflict(obj, form, fields) -> Conflict | None:
    """None when the form was started from the current version; else the conflict, with the form's version
    moved to the current one so that saving again overwrites knowingly."""
    if form.version.data == obj.version:
        return None
    diffs = [FieldDiff(str(form[name].label.text), shown(getattr(obj, name)), shown(form[name].data))
             for name in fields if name in form and shown(getattr(obj, name)) != shown(form[name].data)]
    form.version.data = obj.version
    form.version.raw_data = [str(obj.version)]
    return Conflict(obj.updated_by, obj.updated_at, diffs)


def edit_page(model, record_id: int | None, form_cls, save, template: str, done_url: str, name: str):
    """The whole new-or-edit flow of a simple admin record: load (or start) it, validate, catch a stale save,
    save, commit once, and go back to the list; otherwise the form with 422/409 and the typed values."""
    record = db.get_or_404(model, record_id) if record_id else model()
    form = form_cls(obj=record if record_id else None)
    conflict = None
    if form.validate_on_submit():
        conflict = record_id and detect_conflict(record, form, form.data_fields)
        if not conflict:
            save(record, form)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(done_url)
    status = 409 if conflict else 422 if form.errors else 200
    return render(template, form=form, conflict=conflict, status=status, **{name: record})
