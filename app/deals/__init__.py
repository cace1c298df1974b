"""Secondary development (二次开发): the deal pipeline with the seeds' stages and stakeholder map, contracts with
payment milestones and receipts, receivables, referrals and their reward points."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.access import EVERYONE
from app.core.plugins import nav_entry, recyclable

bp = Blueprint("deals", __name__, url_prefix="/deals", template_folder="templates")
contracts_bp = Blueprint("contracts", __name__, url_prefix="/contracts", template_folder="templates")

from app.deals import (  # noqa: E402
    access,
    models,
    panel,  # noqa: F401  (the client page's deals, the visit page's "make it a deal")
    routes,  # noqa: F401
    rules,
    today,  # noqa: F401  (deals with an overdue next step on Today)
)

BLUEPRINTS = (bp, contracts_bp)

recyclable(models.Deal, models.Contract, models.Receipt, models.Referral)
for _model in (models.Deal, models.Contract, models.Referral):  # for {{ label(Deal, "stage") }} in list headers
    bp.add_app_template_global(_model, _model.__name__)

nav_entry("deals.index", _l("Pipeline"), EVERYONE, order=50)
bp.add_app_template_global(rules.moves, "deal_moves")  # a board card's move buttons
bp.add_app_template_global(lambda deal: access.can_change(current_user, deal), "can_change_deal")
