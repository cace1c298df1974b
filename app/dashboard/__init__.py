"""Today, the dashboard, KPI targets and reviews (复盘): on top of the domains; nothing imports it."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.access import EVERYONE
from app.core.plugins import nav_entry

bp = Blueprint("dashboard", __name__, template_folder="templates")

from app.dashboard import demo, routes  # noqa: E402,F401

nav_entry("dashboard.today", _l("Today"), EVERYONE, order=10)
nav_entry("dashboard.overview", _l("Dashboard"), EVERYONE, order=15)

from app.dashboard import routes_targets  # noqa: E402,F401
from app.dashboard.targets import format_change, format_value  # noqa: E402

bp.add_app_template_filter(format_value, "kpi_value")
bp.add_app_template_filter(format_change, "kpi_change")
