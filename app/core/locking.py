"""Optimistic locking for edit forms: a stale save shows who changed what, and keeps both values."""
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from flask_babel import gettext as _


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
