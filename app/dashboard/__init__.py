"""Today (and, later, the dashboards): on top of the domains; nothing imports it."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.access import EVERYONE
from app.core.plugins import nav_entry

bp = Blueprint("dashboard", __name__, template_folder="templates")

from app.dashboard import routes  # noqa: E402,F401

nav_entry("dashboard.today", _l("Today"), EVERYONE, order=10)
