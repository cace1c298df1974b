"""The company printed in every document's header (core.pdf.print_company reads it): its name and its logo, kept
as a data: URL in the setting so a document renders anywhere (a background job, another app server) without files.
Saved through put_setting, so the audit trail records who changed it."""
import base64
from io import BytesIO

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from app.core.errors import Refused
from app.core.models import get_setting, put_setting
from app.core.pdf import COMPANY_SETTING

MAX_LOGO_BYTES = 500 * 1024
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def company_setting() -> dict:
    """What the admin set: {"name": …, "logo": data URL or absent}."""
    return get_setting(COMPANY_SETTING, {})


def logo_data_url(data: bytes) -> str:
    """A PNG or JPEG of at most MAX_LOGO_BYTES as a data: URL; anything else is refused with the reason."""
    if len(data) > MAX_LOGO_BYTES:
        raise Refused(_("The logo may be at most 500 KB; this file has %(size)s KB.", size=len(data) // 1024), "logo")
    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format
            image.verify()  # a truncated or damaged file fails here, not in the middle of a printed document
    except (UnidentifiedImageError, OSError, SyntaxError):
        kind = None
    if kind not in LOGO_TYPES:
        raise Refused(_("Choose a PNG or JPEG image."), "logo")
    return f"data:{LOGO_TYPES[kind]};base64,{base64.b64encode(data).decode()}"


def save_company(name: str, logo: bytes | None, remove_logo: bool) -> None:
    """The new name; the new logo when one is given, none when removed, otherwise the one kept."""
    value = {"name": name}
    if logo:
        value["logo"] = logo_data_url(logo)
    elif not remove_logo and (kept := company_setting().get("logo")):
        value["logo"] = kept
    put_setting(COMPANY_SETTING, value)
