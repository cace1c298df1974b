"""The one source of 'now': stored times are naive UTC; 'today' is the team's local date."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today in the team's time zone; KEYUAN_TODAY (a date) pins it for tests and training installs."""
    return current_app.config.get("KEYUAN_TODAY") or datetime.now(
        ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def local_now() -> datetime:
    """Now as naive local time, for comparing with planned times the team typed in; on the pinned day if any."""
    now = datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).replace(tzinfo=None)
    pinned = current_app.config.get("KEYUAN_TODAY")
    return datetime.combine(pinned, now.time()) if pinned else now
