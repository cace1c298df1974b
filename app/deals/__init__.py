"""Secondary development (二次开发): the deal pipeline with the seeds' stages and stakeholder map, contracts with
payment milestones and receipts, receivables, referrals and their reward points."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.access import ADMINS, EVERYONE
from app.core.plugins import nav_entry, recyclable, settings_page

bp = Blueprint("deals", __name__, url_prefix="/deals", template_folder="templates")
contracts_bp = Blueprint("contracts", __name__, url_prefix="/contracts", template_folder="templates")

from app.deals import (  # noqa: E402
    access,
    demo,  # noqa: F401  (registers the deals' part of seed-demo)
    models,
    panel,  # noqa: F401  (the client page's deals, the visit page's "make it a deal")
    panel_contracts,  # noqa: F401  (the contracts section of the client page)
    routes,  # noqa: F401
    routes_contracts,  # noqa: F401
    routes_crosssell,  # noqa: F401  (the cross-sell list and its one-tap deal)
    routes_referrals,  # noqa: F401  (referrals, points, the client page's referrals section, the reward rate)
    routes_stakeholders,  # noqa: F401  (a deal's stakeholder map and meeting plan)
    rules,
    today,  # noqa: F401  (deals with an overdue next step on Today)
    today_contracts,  # noqa: F401  (payments to collect on Today)
)

BLUEPRINTS = (bp, contracts_bp)

recyclable(models.Deal, models.Contract, models.Receipt, models.Referral)
for _model in (models.Deal, models.Contract, models.Referral):  # for {{ label(Deal, "stage") }} in list headers
    bp.add_app_template_global(_model, _model.__name__)
nav_entry("deals.index", _l("Pipeline"), EVERYONE, order=50)
bp.add_app_template_global(rules.moves, "deal_moves")  # a board card's move buttons
bp.add_app_template_global(lambda deal: access.can_change(current_user, deal), "can_change_deal")
nav_entry("contracts.index", _l("Contracts"), EVERYONE, order=55)
settings_page("deals.referral_rate", _l("Referral reward"), ADMINS, order=58)
