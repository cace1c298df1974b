"""Sign-in bookkeeping: attempts recorded, locks looked up."""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import LoginAttempt
from app.auth.rules import locked_until
from app.core.clock import utcnow
from app.core.models import User
from app.extensions import db

UNKNOWN_USER_HASH = generate_password_hash("no such user")


def lock_for(username: str, ip: str, now: datetime | None = None) -> datetime | None:
    """The later of the username's and the address's lock, or None."""
    now = now or utcnow()
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    rows = db.session.execute(
        select(LoginAttempt.username, LoginAttempt.ip, LoginAttempt.at, LoginAttempt.success)
        .where(LoginAttempt.at > now - window, or_(LoginAttempt.username == username, LoginAttempt.ip == ip))
    ).all()
    locks = [
        locked_until([(r.at, r.success) for r in rows if r.username == username], now,
                     current_app.config["LOGIN_MAX_FAILURES"], window),
        # Behind a proxy a whole office shares one address: it locks only at a much higher count.
        locked_until([(r.at, r.success) for r in rows if r.ip == ip and not r.success], now,
                     current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"], window),
    ]
    return max((lock for lock in locks if lock), default=None)


def authenticate(username: str, password: str, ip: str) -> User | None:
    """The active user with these credentials, recording the attempt either way."""
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    # An unknown name costs a hash too, so the answer's timing does not tell which usernames exist.
    known = check_password_hash(user.password_hash if user else UNKNOWN_USER_HASH, password)
    ok = user is not None and user.active and known
    db.session.add(LoginAttempt(username=username, ip=ip, success=ok))
    return user if ok else None
