"""Printed documents (WeasyPrint, through core.pdf): weekly visit plans, per-client service monthly reports and
their monthly batch, contract-tracking sheets, mailing labels. Same visibility as the pages: 404 outside scope."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

from app.reports import routes_batch  # noqa: E402, F401  (the month's service reports as one ZIP, in the background)
