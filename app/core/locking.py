"""Optimistic locking for edit forms: a stale save shows who changed what, and keeps both values."""
import json
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


def snapshot(obj, fields) -> str:
    """The values the user starts editing from, as shown, carried in the form (hidden) to tell later which
    fields they changed."""
    return json.dumps({name: shown(getattr(obj, name)) for name in fields}, ensure_ascii=False)


def _started_from(form) -> dict | None:
    try:
        started = json.loads(form.original.data) if "original" in form and form.original.data else None
    except ValueError:
        return None
    return started if isinstance(started, dict) else None


def detect_conflict(obj, form, fields) -> Conflict | None:
    """None when the form was started from the current version. Otherwise the conflict: every field the user
    left as they found it takes the value saved meanwhile (so saving again never reverts the other change);
    the fields they changed keep what they typed, and those that now differ are listed. The form moves to the
    current version, so saving again overwrites knowingly only what the user changed."""
    if form.version.data == obj.version:
        return None
    started = _started_from(form)
    diffs = []
    for name in fields:
        if name not in form:
            continue
        saved, yours = shown(getattr(obj, name)), shown(form[name].data)
        if started is not None and started.get(name) == yours:
            form[name].data, form[name].raw_data = getattr(obj, name), []
        elif saved != yours:
            diffs.append(FieldDiff(str(form[name].label.text), saved, yours))
    form.version.data = obj.version
    form.version.raw_data = [str(obj.version)]
    if "original" in form:
        form.original.data, form.original.raw_data = snapshot(obj, fields), []
    return Conflict(obj.updated_by, obj.updated_at, diffs)
