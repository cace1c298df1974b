"""Complaints (投诉) in a closed loop on China's working calendar: SLA clocks, the client's confirmation from a
phone, satisfaction surveys with NPS, churn risk and win-back."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.access import ADMINS
from app.core.plugins import recyclable, settings_page

bp = Blueprint("complaints", __name__, url_prefix="/complaints", template_folder="templates")

from app.complaints import (  # noqa: E402
    models,
    routes_sla,  # noqa: F401
    today,  # noqa: F401  (adds the overdue and due-soon complaints to Today)
)

BLUEPRINTS = (bp,)

settings_page("complaints.sla_policy", _l("Complaint SLA"), ADMINS, order=55)
recyclable(models.Complaint, models.Survey)
for _model in (models.Complaint, models.Survey):  # for {{ label(Complaint, "status") }} in list headers
    bp.add_app_template_global(_model, _model.__name__)
