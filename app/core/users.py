"""Creating users: the one place the CLI and the admin pages both call; the users a record can be given to; the rep
whose book a page shows."""
from flask import abort
from sqlalchemy import or_, select

from app.core.access import Role
from app.core.forms import whole_number
from app.core.models import User
from app.extensions import db


def create_user(username: str, display_name: str, role, password: str, locale: str = "zh_CN") -> User:
    user = User(username=username, display_name=display_name, role=role, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def user_choices(keep: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active users a record (a complaint, a deal) can be given to, and the present owner
    ``keep`` even if inactive now, so editing the record does not silently change it."""
    condition = User.active.is_(True) if keep is None else or_(User.active.is_(True), User.id == keep)
    rows = db.session.execute(select(User.id, User.display_name).where(condition).order_by(User.display_name))
    return [(row.id, row.display_name) for row in rows]


def asked_rep(user, raw) -> User | None:
    """The sales rep whose book a page is asked to show (``?rep=<id>``), read as that rep sees it: a rep always
    their own; anyone who sees every client the rep named, or None for the whole archive. A rep naming someone
    else, or an id that is no rep, answers 404."""
    if user.role == Role.SALES:
        if raw not in (None, "", str(user.id)):
            abort(404)
        return user
    rep_id = whole_number(raw)
    if not rep_id:
        return None
    return db.session.scalar(select(User).where(User.id == rep_id, User.role == Role.SALES)) or abort(404)
