"""Reads of the complaints domain, always through the scoping helper."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from werkzeug.datastructures import MultiDict

from app.archive.enums import AssetKind
from app.archive.models import Asset, Client
from app.complaints import sla
from app.complaints.enums import OPEN_STATUSES, ComplaintCategory, ComplaintStatus, Severity
from app.complaints.models import Complaint
from app.core.forms import whole_number
from app.core.scoping import visible
from app.extensions import db

STATUS_CHOICES = ("open", "all", *(s.value for s in ComplaintStatus))


def _member(enum_cls, raw):
    return enum_cls._value2member_map_.get(raw or "")


@dataclass
class ComplaintFilters:
    status: str = "open"
    severity: Severity | None = None
    category: ComplaintCategory | None = None
    owner_id: int | None = None
    mine: bool = False
    overdue: bool = False
    q: str = ""
    rep: int | None = None  # the client's owner (a rep's book), where owner_id is who handles the complaint

    @classmethod
    def from_args(cls, args: MultiDict) -> "ComplaintFilters":
        status = args.get("status", "open")
        return cls(status=status if status in STATUS_CHOICES else "open",
                   severity=_member(Severity, args.get("severity")),
                   category=_member(ComplaintCategory, args.get("category")),
                   owner_id=whole_number(args.get("owner")), mine=args.get("mine") == "1",
                   overdue=args.get("overdue") == "1", q=(args.get("q") or "").strip()[:80],
                   rep=whole_number(args.get("rep")))

    def to_args(self, **changes) -> dict:
        args = {"status": self.status, "severity": self.severity.value if self.severity else None,
                "category": self.category.value if self.category else None, "owner": self.owner_id,
                "mine": "1" if self.mine else None, "overdue": "1" if self.overdue else None, "q": self.q or None,
                "rep": self.rep, **changes}
        return {key: value for key, value in args.items() if value is not None}


def complaint_list(user, filters: ComplaintFilters, now: datetime) -> Select:
    """The complaints the user may see, newest received first; a row's client and owner come joined."""
    stmt = visible(select(Complaint), Complaint, user)
    if filters.status == "open":
        stmt = stmt.where(Complaint.status.in_(OPEN_STATUSES))
    elif filters.status != "all":
        stmt = stmt.where(Complaint.status == ComplaintStatus(filters.status))
    if filters.severity:
        stmt = stmt.where(Complaint.severity == filters.severity)
    if filters.category:
        stmt = stmt.where(Complaint.category == filters.category)
    if filters.mine:
        stmt = stmt.where(Complaint.owner_id == user.id)
    elif filters.owner_id:
        stmt = stmt.where(Complaint.owner_id == filters.owner_id)
    if filters.overdue:
        stmt = stmt.where(sla.overdue_condition(now))
    if filters.q:
        stmt = stmt.where(Complaint.client_id.in_(select(Client.id).where(Client.name.contains(filters.q))))
    if filters.rep:
        stmt = stmt.where(Complaint.client_id.in_(select(Client.id).where(Client.owner_id == filters.rep)))
    return stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc())


CLOSED_ON_CLIENT_PAGE = 3


def client_complaints(client: Client, user) -> list[Complaint]:
    """The client's open complaints, newest first, then its last few closed ones."""
    stmt = visible(select(Complaint).where(Complaint.client_id == client.id), Complaint, user)
    opened = db.session.execute(stmt.where(Complaint.status.in_(OPEN_STATUSES))
                                .order_by(Complaint.received_at.desc())).scalars().all()
    closed = db.session.execute(stmt.where(Complaint.status == ComplaintStatus.CLOSED)
                                .order_by(Complaint.closed_at.desc(), Complaint.id.desc()).limit(CLOSED_ON_CLIENT_PAGE))
    return [*opened, *closed.scalars()]


def module_choices(client_id: int) -> list[tuple[int, str]]:
    """(id, name) of the software modules installed at the client; the caller has checked the client."""
    rows = db.session.execute(select(Asset.id, Asset.name, Asset.module_version).where(
        Asset.client_id == client_id, Asset.kind == AssetKind.SOFTWARE, Asset.deleted_at.is_(None))
        .order_by(Asset.name))
    return [(row.id, f"{row.name} {row.module_version}".strip()) for row in rows]
