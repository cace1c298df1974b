"""The main navigation: a domain's entry shows once its blueprint is registered and the role may use it."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.models import Role

ALL = tuple(Role)
ENTRIES = (
    ("dashboard.today", _l("Today"), ALL),
    ("archive.index", _l("Clients"), ALL),
    ("visits.index", _l("Visits"), ALL),
    ("complaints.index", _l("Complaints"), ALL),
    ("deals.index", _l("Deals"), ALL),
    ("reports.index", _l("Reports"), ALL),
    ("admin.recycle_bin", _l("Recycle bin"), (Role.ADMIN, Role.MANAGER)),
    ("admin.users", _l("Users"), (Role.ADMIN,)),
    ("admin.catalogue", _l("Catalogue"), (Role.ADMIN,)),
    ("admin.settings", _l("Settings"), (Role.ADMIN,)),
    ("visits.rules", _l("Return-visit regime"), (Role.ADMIN,)),
)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: an open redirect would turn a form into a phishing aid."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def main_nav() -> list[tuple[str, str]]:
    return [(endpoint, label) for endpoint, label, roles in ENTRIES
            if endpoint in current_app.view_functions and current_user.role in roles]
