"""Complaints (投诉) in a closed loop on China's working calendar: SLA clocks, the client's confirmation from a
phone, satisfaction surveys with NPS, churn risk and win-back."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.access import EVERYONE
from app.core.plugins import nav_entry, recyclable

bp = Blueprint("complaints", __name__, url_prefix="/complaints", template_folder="templates")

from app.complaints import (  # noqa: E402
    models,
    panel,  # noqa: F401  (adds the complaints section to the client page and a button to the visit page)
    routes,  # noqa: F401
    rules,
)

BLUEPRINTS = (bp,)

nav_entry("complaints.index", _l("Complaints"), EVERYONE, order=40)
recyclable(models.Complaint, models.Survey)
bp.add_app_template_filter(rules.next_due, "next_due")
bp.add_app_template_filter(rules.next_states, "next_states")
for _model in (models.Complaint, models.Survey):  # for {{ label(Complaint, "status") }} in list headers
    bp.add_app_template_global(_model, _model.__name__)
