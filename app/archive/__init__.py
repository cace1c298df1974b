"""The client archive (客户档案): clients, contacts, special dates, installed base, grading, files."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.access import ADMINS, EVERYONE
from app.core.plugins import nav_entry, recyclable, settings_page

bp = Blueprint("archive", __name__, url_prefix="/clients", template_folder="templates")

from app.archive import (  # noqa: E402
    access,
    demo,  # noqa: F401  (registers the archive's part of seed-demo)
    models,
    occurrences,  # noqa: F401  (keeps each special date's next occurrence current)
    routes,  # noqa: F401
    routes_assessment,  # noqa: F401
    routes_attachments,  # noqa: F401
    routes_import_export,  # noqa: F401
    routes_records,  # noqa: F401
    routes_settings,
)

BLUEPRINTS = (bp, routes_settings.settings_bp)

nav_entry("archive.index", _l("Clients"), EVERYONE, order=20)
settings_page("archive_settings.catalogue", _l("Catalogue"), ADMINS, order=30)
settings_page("archive_settings.grading", _l("Settings"), ADMINS, order=40)
recyclable(models.Client, models.Contact, models.SpecialDate, models.Asset, models.Attachment)
for _global in (access.can_edit_clients, access.can_edit_assets, access.can_transfer,
                models.Client, models.Asset, models.Product):  # the classes for {{ label(Client, "owner_id") }}
    bp.add_app_template_global(_global, _global.__name__)
