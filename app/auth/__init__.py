"""Signing in and out, password and language of one's own account."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")

from app.auth import models, routes  # noqa: E402,F401
