"""Creating users: the one place the CLI and the admin pages both call."""
from app.core.models import User
from app.extensions import db


def create_user(username: str, display_name: str, role, password: str, locale: str = "zh_CN") -> User:
    user = User(username=username, display_name=display_name, role=role, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
