"""Complaints (投诉) in a closed loop on China's working calendar: SLA clocks, the client's confirmation from a
phone, satisfaction surveys with NPS, churn risk and win-back."""
from flask import Blueprint

from app.core.plugins import recyclable

bp = Blueprint("complaints", __name__, url_prefix="/complaints", template_folder="templates")

from app.complaints import models  # noqa: E402

BLUEPRINTS = (bp,)

recyclable(models.Complaint, models.Survey)
for _model in (models.Complaint, models.Survey):  # for {{ label(Complaint, "status") }} in list headers
    bp.add_app_template_global(_model, _model.__name__)
