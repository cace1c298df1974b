"""Visits and the return-visit regime (拜访/回访): touches, planning, cadence, 5-3-2, care days, calendar feed."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.access import EVERYONE
from app.core.plugins import nav_entry, recyclable, settings_page

bp = Blueprint("visits", __name__, url_prefix="/visits", template_folder="templates")

from app.visits import (  # noqa: E402
    access,
    cadence,  # noqa: F401  (keeps client_cadence current on every flush)
    demo,  # noqa: F401  (registers the visits' part of seed-demo)
    filters,  # noqa: F401  (adds the 5-3-2 band to the client list)
    handover,  # noqa: F401  (planned visits move with a client handed over)
    models,
    panel,  # noqa: F401  (adds the visits section to the client page)
    routes,  # noqa: F401
    routes_calendar,
    routes_care,  # noqa: F401
    routes_plan,  # noqa: F401
    routes_regime,  # noqa: F401
    today,  # noqa: F401  (adds the visits' sections to Today)
)

BLUEPRINTS = (bp, routes_calendar.calendar_bp)

nav_entry("visits.index", _l("Visits"), EVERYONE, order=30)
settings_page("visits.rules", _l("Return-visit regime"), access.RULE_EDITORS, order=50)
recyclable(models.Interaction)
for _model in (models.Interaction, models.CadenceRule):  # for {{ label(Interaction, "status") }} in list headers
    bp.add_app_template_global(_model, _model.__name__)
