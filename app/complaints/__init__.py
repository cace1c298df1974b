"""Complaints (投诉) in a closed loop on China's working calendar: SLA clocks, the client's confirmation from a
phone, satisfaction surveys with NPS, churn risk and win-back."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.access import ADMINS, EVERYONE
from app.core.plugins import nav_entry, recyclable, settings_page

bp = Blueprint("complaints", __name__, url_prefix="/complaints", template_folder="templates")

from app.complaints import (  # noqa: E402
    churn,
    confirmation,
    demo,  # noqa: F401  (registers the complaints' part of seed-demo)
    models,
    panel,  # noqa: F401  (adds the complaints section to the client page and a button to the visit page)
    routes,  # noqa: F401
    routes_churn,  # noqa: F401  (churn pages, the client page's churn section)
    routes_sla,  # noqa: F401
    routes_surveys,  # noqa: F401
    rules,
    surveys,  # noqa: F401
    today,  # noqa: F401  (adds the overdue and due-soon complaints to Today)
)
from app.complaints.enums import ChurnReason, RiskSignal  # noqa: E402
from app.complaints.routes_public import public_bp  # noqa: E402

BLUEPRINTS = (bp, public_bp)

nav_entry("complaints.index", _l("Complaints"), EVERYONE, order=40)
settings_page("complaints.sla_policy", _l("Complaint SLA"), ADMINS, order=55)
recyclable(models.Complaint, models.Survey)
bp.add_app_template_filter(rules.next_due, "next_due")
bp.add_app_template_filter(rules.next_states, "next_states")
for _model in (models.Complaint, models.Survey):  # for {{ label(Complaint, "status") }} in list headers
    bp.add_app_template_global(_model, _model.__name__)
# The complaint page includes complaints/_confirmation.html while the complaint awaits the client.
bp.add_app_template_global(confirmation.shown_link, "confirmation_link")
bp.add_app_template_global(confirmation.may_issue, "may_issue_confirmation_link")

recyclable(churn.ChurnRecord)
for _global in (churn.ChurnRecord, ChurnReason, RiskSignal):  # churn pages: labels, filters, badges
    bp.add_app_template_global(_global, _global.__name__)
