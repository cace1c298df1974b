from flask import Blueprint

bp = Blueprint("archive", __name__, url_prefix="/clients", template_folder="templates")

from app.archive import routes  # noqa: E402,F401
