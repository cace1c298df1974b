"""Complaints (投诉) in a closed loop on China's working calendar: SLA clocks, the client's confirmation from a
phone, satisfaction surveys with NPS, churn risk and win-back."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.access import EVERYONE
from app.core.plugins import nav_entry, recyclable

bp = Blueprint("complaints", __name__, url_prefix="/complaints", template_folder="templates")

from app.complaints import (  # noqa: E402
    churn,
    demo,  # noqa: F401  (registers the complaints' part of seed-demo)
    models,
    routes_churn,  # noqa: F401  (churn pages, the client page's churn section)
)
from app.complaints.enums import ChurnReason, RiskSignal  # noqa: E402

BLUEPRINTS = (bp,)

recyclable(models.Complaint, models.Survey)
for _model in (models.Complaint, models.Survey):  # for {{ label(Complaint, "status") }} in list headers
    bp.add_app_template_global(_model, _model.__name__)

recyclable(churn.ChurnRecord)
for _global in (churn.ChurnRecord, ChurnReason, RiskSignal):  # churn pages: labels, filters, badges
    bp.add_app_template_global(_global, _global.__name__)
nav_entry("complaints.churn_risk", _l("Churn risk"), EVERYONE, order=45)
