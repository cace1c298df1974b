"""User administration and the recycle bin."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.models import SoftDeleteMixin, User
from app.core.scoping import visible
from app.extensions import db


def create_user(username: str, display_name: str, role, password: str, locale: str = "zh_CN") -> User:
    user = User(username=username, display_name=display_name, role=role, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, form, acting: User) -> str | None:
    """Apply the edit form; an error message instead when an admin would lock themselves out."""
    if user.id == acting.id and (not form.active.data or form.role.data != user.role):
        return _("You cannot deactivate yourself or change your own role.")
    user.display_name, user.role, user.locale, user.active = (
        form.display_name.data, form.role.data, form.locale.data, form.active.data)
    db.session.flush()
    return None


def recyclable_models() -> list[type]:
    return sorted((m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, SoftDeleteMixin)),
                  key=lambda cls: cls.__tablename__)


def recyclable_model(entity: str):
    return next((cls for cls in recyclable_models() if cls.__tablename__ == entity), None)


def deleted_records(user, limit: int = 100) -> list[tuple[type, list]]:
    """Deleted records per kind, newest first: one query per kind of record, never per row."""
    bins = []
    for model in recyclable_models():
        stmt = (visible(select(model), model, user, deleted=True).options(selectinload(model.deleted_by))
                .order_by(model.deleted_at.desc()).limit(limit))
        bins.append((model, db.session.execute(stmt).unique().scalars().all()))
    return bins
