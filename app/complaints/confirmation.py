"""The client confirms a fix from a phone: a signed link (and its QR code) made when a complaint enters 反馈, a
page showing only client-safe facts, and the answer landing on the timeline."""
from dataclasses import dataclass
from datetime import datetime

import segno
from flask_babel import gettext as _
from markupsafe import Markup

from app.complaints.enums import ComplaintStatus as S
from app.complaints.models import Complaint
from app.core import links
from app.core.access import Role
from app.core.errors import Refused
from app.extensions import db

PURPOSE = "complaint"
ISSUERS = (Role.ADMIN, Role.MANAGER, Role.SERVICE)  # who moves complaints may give the client a new link


@dataclass(frozen=True)
class ShownLink:
    url: str
    qr_svg: Markup
    expires_at: datetime  # naive UTC


def on_feedback(complaint: Complaint, user) -> str:
    """Call when the complaint enters 反馈 (and to replace a lost or expired link): a new link for the client,
    the earlier ones retired. Returns the token."""
    return links.issue(PURPOSE, complaint.id, complaint.client_id, user)


def renew(complaint: Complaint, user) -> str:
    """A new link replacing a lost, printed-wrong or expired one; only while the complaint awaits the client."""
    if complaint.status is not S.FEEDBACK:
        raise Refused(_("Only a complaint awaiting the client's confirmation has a confirmation link."))
    return on_feedback(complaint, user)


def may_issue(user) -> bool:
    return user.is_authenticated and user.role in ISSUERS


def on_leave_feedback(complaint: Complaint) -> None:
    """Call when the complaint leaves 反馈 by a staff move (closed, or back to 解决): its link stops working."""
    links.retire(PURPOSE, complaint.id, complaint.client_id)


def qr_svg(url: str) -> Markup:
    """The URL as an inline SVG QR code, medium error correction so a printed one survives a smudge."""
    return Markup(segno.make(url, error="m").svg_inline(scale=4, border=2, title=url))


def shown_link(complaint: Complaint) -> ShownLink | None:
    """The complaint's open link as the staff page shows it (URL, QR code, expiry), or None."""
    link = links.current(PURPOSE, complaint.id, complaint.client_id)
    if link is None:
        return None
    url = links.public_url("public.confirm", token=links.token_for(link))
    return ShownLink(url, qr_svg(url), link.expires_at)


def resolve(token: str, now: datetime | None = None) -> tuple[links.ClientLink, Complaint] | None:
    """The open link and its complaint, still awaiting confirmation and not deleted; None otherwise."""
    link = links.resolve(token, PURPOSE, now)
    if link is None:
        return None
    complaint = db.session.get(Complaint, link.record_id)
    if complaint is None or complaint.is_deleted or complaint.status is not S.FEEDBACK:
        return None
    return link, complaint


def confirmed_by(complaint: Complaint) -> str:
    if complaint.contact is not None:
        return _("%(name)s (scanned the code)", name=complaint.contact.name)[:80]
    return _("Client confirmed by scanning the code")
