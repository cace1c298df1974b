from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits", template_folder="templates")

from app.visits import filters, panel, routes, routes_care, routes_plan, routes_regime  # noqa: E402,F401
