"""User administration and the recycle bin."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.errors import Refused
from app.core.models import User
from app.core.plugins import RECYCLABLE
from app.core.records import apply
from app.core.scoping import visible
from app.extensions import db


def update_user(user: User, data: dict, acting: User) -> None:
    """Apply an edit; refused when an admin would lock themselves out."""
    if user.id == acting.id and (not data["active"] or data["role"] != user.role):
        raise Refused(_("You cannot deactivate yourself or change your own role."))
    apply(user, data)
    db.session.flush()


def recyclable_model(entity: str):
    return next((model for model in RECYCLABLE if model.__tablename__ == entity), None)


def deleted_records(user, limit: int = 100) -> list[tuple[type, list]]:
    """Deleted records per kind (as each domain registered them), newest first: one query per kind, never per row."""
    bins = []
    for model in RECYCLABLE:
        stmt = (visible(select(model), model, user, deleted=True).options(selectinload(model.deleted_by))
                .order_by(model.deleted_at.desc()).limit(limit))
        bins.append((model, db.session.execute(stmt).unique().scalars().all()))
    return bins
