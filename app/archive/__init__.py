from flask import Blueprint

bp = Blueprint("archive", __name__, url_prefix="/clients", template_folder="templates")

from app.archive import (  # noqa: E402,F401
    routes,  # noqa: E402,F401
    routes_assessment,
    routes_attachments,  # noqa: E402,F401
    routes_records,
    routes_transfer,
)
