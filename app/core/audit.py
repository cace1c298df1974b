"""The audit trail, written by session events so no service can forget it.

before_flush stamps who/when on records; after_flush writes one AuditEvent per inserted, updated or
deleted Audited record with each changed field's old and new value.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import g, has_request_context
from flask_babel import gettext
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ColumnProperty, Session

from app.core import cache
from app.core.clock import utcnow
from app.core.htmx import render
from app.core.models import Audited, AuditEvent, RecordMixin, Setting, User
from app.extensions import db

_acting_as: ContextVar[int | None] = ContextVar("acting_as", default=None)
MASKED = "******"


@contextmanager
def acting_as(user):
    """Attribute changes made outside a request (CLI, jobs) to a user."""
    token = _acting_as.set(user.id if user else None)
    try:
        yield
    finally:
        _acting_as.reset(token)


def current_actor_id() -> int | None:
    # Flask-Login caches the loaded user on g; reading current_user here could query inside a flush.
    if has_request_context():
        user = getattr(g, "_login_user", None)
        if user is not None and user.is_authenticated:
            return user.id
    return _acting_as.get()


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj):
    return [p.key for p in inspect(obj).mapper.iterate_properties
            if isinstance(p, ColumnProperty) and p.key not in obj.__audit_exclude__ and p.key != "id"]


def _shown(obj, key, value):
    return MASKED if key in obj.__audit_mask__ and value is not None else _plain(value)


def _changes(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = [_shown(obj, key, old), _shown(obj, key, new)]
    return changes


def _action(changes: dict) -> str:
    if "deleted_at" in changes:
        return "restore" if changes["deleted_at"][1] is None else "delete"
    return "update"


@event.listens_for(Session, "before_flush")
def _stamp(session, flush_context, instances):
    actor = current_actor_id()
    for obj in session.new:
        if isinstance(obj, RecordMixin) and obj.created_by_id is None:
            obj.created_by_id = actor
    for obj in session.dirty:
        if isinstance(obj, RecordMixin) and session.is_modified(obj, include_collections=False):
            obj.updated_at = utcnow()
            obj.updated_by_id = actor


@event.listens_for(Session, "after_flush")
def _write_events(session, flush_context):
    actor, at, rows = current_actor_id(), utcnow(), []

    def add(obj, action, changes):
        rows.append({"at": at, "actor_id": actor, "entity": obj.__tablename__, "record_id": obj.id,
                     "action": action, "changes": changes})

    for obj in session.new:
        if isinstance(obj, Audited):
            values = {k: _shown(obj, k, getattr(obj, k)) for k in _columns(obj)}
            add(obj, "create", {k: [None, v] for k, v in values.items() if v not in (None, "")})
    for obj in session.dirty:
        if isinstance(obj, Audited) and (changes := _changes(obj)):
            add(obj, _action(changes), changes)
    for obj in session.deleted:
        if isinstance(obj, Audited):
            add(obj, "purge", {k: [_shown(obj, k, getattr(obj, k)), None] for k in _columns(obj)})
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, Setting) and (history := inspect(obj).attrs.value.history).has_changes():
            # Settings are keyed by name, not id: one "settings" record whose changes name the setting.
            old = history.deleted[0] if history.deleted else None
            if old != obj.value:
                rows.append({"at": at, "actor_id": actor, "entity": Setting.__tablename__,
                             "record_id": SETTINGS_RECORD, "action": "update", "changes": {obj.key: [old, obj.value]}})
    if rows:
        session.connection().execute(AuditEvent.__table__.insert(), rows)
        cache.wrote(session)


USER_COLUMNS = frozenset({"owner_id", "assigned_to_id", "user_id"})
SETTINGS_RECORD = 0  # the record id of every settings change in the trail


def shown_value(model, key: str, raw, names: dict | None = None):
    """A stored audit value as a person reads it: enum labels, the names records point at, a model's own labels
    for coded values (``audit_choices``), 是/否, a dash for nothing."""
    if raw is None or raw == "" or raw == []:
        return "—"
    if isinstance(raw, list):  # a JSON list of values (extra services…)
        return "、".join(str(shown_value(model, key, value, names)) for value in raw)
    if names and (key, raw) in names:
        return names[(key, raw)]
    choices = getattr(model, "audit_choices", {}).get(key)
    if choices and raw in choices:
        return choices[raw]
    column = model.__table__.c.get(key)
    enum_class = getattr(column.type, "enum_class", None) if column is not None else None
    if enum_class is not None and raw in enum_class._value2member_map_:
        return enum_class(raw).label
    if isinstance(raw, bool):
        return gettext("Yes") if raw else gettext("No")
    return raw


def referenced_names(model, events) -> dict[tuple[str, int], str]:
    """The names of what events' changes point at by id (a user, a unit level…: the model's
    ``audit_references``), for a history page: one query per kind of reference."""
    references = dict.fromkeys(USER_COLUMNS, (User, User.display_name)) | getattr(model, "audit_references", {})
    wanted: dict[str, set[int]] = {}
    for event_ in events:
        for key, pair in event_.changes.items():
            if key in references:
                wanted.setdefault(key, set()).update(v for v in pair if isinstance(v, int))
    names = {}
    for key, ids in wanted.items():
        target, column = references[key]
        for record_id, name in db.session.execute(select(target.id, column).where(target.id.in_(ids))):
            names[(key, record_id)] = name
    return names


def history_page(record, record_name: str, record_url: str, limit: int = 200):
    """The history page of any audited record: its events, newest first, with the names they point at."""
    events = db.session.execute(AuditEvent.for_record(record).limit(limit)).scalars().all()
    model = type(record)
    return render("history_page.html", events=events, model=model, names=referenced_names(model, events),
                  record_name=record_name, record_url=record_url)
