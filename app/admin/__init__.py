"""Users and the recycle bin. Other domains' settings pages live in their own packages."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.admin.access import BIN_KEEPERS, USER_ADMINS
from app.core.access import ADMINS
from app.core.plugins import settings_page
from app.core.workdays import WorkdayOverride

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from app.admin import routes, routes_company, routes_workdays  # noqa: E402,F401

settings_page("admin.recycle_bin", _l("Recycle bin"), BIN_KEEPERS, order=10)
settings_page("admin.users", _l("Users"), USER_ADMINS, order=20)
settings_page("admin.company", _l("Company letterhead"), ADMINS, order=15)
settings_page("admin.workdays", _l("Working calendar"), ADMINS, order=60)
bp.add_app_template_global(WorkdayOverride, "WorkdayOverride")  # for {{ label(WorkdayOverride, "day") }}
