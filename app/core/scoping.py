"""Who may see what, in one place. Every list, detail, fragment, PDF, export and feed goes through here.

A model opts in by defining ``scope(user)``: a SQL condition limiting rows to the user's, or None when the
user sees all. Soft-deleted rows are hidden unless asked for.
"""
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from app.core.access import has_role
from app.extensions import db, login_manager


def visible(stmt: Select, model, user, *, deleted: bool = False) -> Select:
    if hasattr(model, "deleted_at"):
        stmt = stmt.where(model.deleted_at.is_not(None) if deleted else model.deleted_at.is_(None))
    condition = model.scope(user)
    return stmt if condition is None else stmt.where(condition)


def get_or_404(model, record_id, user=None, *, deleted: bool = False):
    stmt = visible(select(model).where(model.id == record_id), model, user or current_user, deleted=deleted)
    return db.session.execute(stmt).unique().scalar_one_or_none() or abort(404)


def role_required(*roles):
    """Refuse users outside ``roles``: a login redirect when signed out, 403 otherwise (also for htmx)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(current_user, roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
