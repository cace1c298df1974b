"""Creating users: the one place the CLI and the admin pages both call; the users a record can be given to."""
from sqlalchemy import or_, select

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
