"""Printed documents (WeasyPrint, through core.pdf): weekly visit plans, per-client service monthly reports and
their monthly batch, contract-tracking sheets, mailing labels. Same visibility as the pages: 404 outside scope."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

from app.reports import (  # noqa: E402, F401
    routes_batch,  # the month's service reports as one ZIP, in the background
    routes_documents,  # the visit plan, the contract-tracking sheet, mailing labels
    routes_monthly,  # the service monthly report and the product updates it prints
    routes_vip,  # the quarterly VIP summary of a client, its page and its PDF
)
