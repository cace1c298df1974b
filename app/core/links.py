"""Links for clients, who have no account: signed, expiring, single-use, opened from a QR code on a phone (the
client confirming a fixed complaint, a satisfaction survey, later the monthly report's survey).

A token is ``<key>.<signature>``: the key is random and stored, the signature is an HMAC of it under the app's
SECRET_KEY and the link's purpose. A tampered or guessed token fails the signature before any query, a token of
one purpose never opens another's page, and a copy of the database alone opens nothing. The key is stored, not a
hash of the token, so a staff page can show the same QR code again until the link is used or replaced.

Public pages are rate-limited per address in the database, so the limit holds across gunicorn workers and app
servers without another service."""
import secrets
from datetime import datetime, timedelta

from flask import current_app, request, url_for
from itsdangerous import BadSignature, Signer
from sqlalchemy import ForeignKey, Index, String, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.extensions import db

DEFAULT_DAYS = 30
RATE_LIMIT = (30, 600)  # requests per address per seconds on public pages; config PUBLIC_RATE_LIMIT overrides


class ClientLink(db.Model):
    """One link given to a client for one record; times are naive UTC like every stored stamp."""

    __tablename__ = "client_links"
    __table_args__ = (Index("ix_client_links_purpose_record", "purpose", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "complaint", "survey"…
    record_id: Mapped[int | None]  # the complaint; None when the link stands for the client (a survey)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)  # the unsigned half of the token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    def is_open(self, now: datetime | None = None) -> bool:
        return self.used_at is None and (now or utcnow()) < self.expires_at


class PublicHit(db.Model):
    """One request to a public page, kept for the length of the rate-limit window."""

    __tablename__ = "public_hits"
    __table_args__ = (Index("ix_public_hits_ip_at", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(index=True)


def _signer(purpose: str) -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=f"keyuan.client-link.{purpose}")


def token_for(link: ClientLink) -> str:
    return _signer(link.purpose).sign(link.key).decode()


def issue(purpose: str, record_id: int | None, client_id: int, user, days: int = DEFAULT_DAYS,
          now: datetime | None = None) -> str:
    """A new link for the record, replacing the record's earlier open ones (the QR code last shown is the only
    one that works); returns the token."""
    now = now or utcnow()
    retire(purpose, record_id, client_id, now)
    link = ClientLink(purpose=purpose, record_id=record_id, client_id=client_id, key=secrets.token_urlsafe(16),
                      created_at=now, created_by_id=user.id if user else None, expires_at=now + timedelta(days=days))
    db.session.add(link)
    db.session.flush()
    return token_for(link)


def retire(purpose: str, record_id: int | None, client_id: int, now: datetime | None = None) -> None:
    """Expire the record's open links now (a new one replaces them, or the record left the state needing one)."""
    now = now or utcnow()
    same_record = ClientLink.record_id.is_(None) if record_id is None else ClientLink.record_id == record_id
    db.session.execute(update(ClientLink).where(
        ClientLink.purpose == purpose, same_record, ClientLink.client_id == client_id, ClientLink.used_at.is_(None),
        ClientLink.expires_at > now).values(expires_at=now).execution_options(synchronize_session="fetch"))


def resolve(token: str, purpose: str, now: datetime | None = None) -> ClientLink | None:
    """The open link the token stands for; None when the signature is wrong (checked before any query), the
    link unknown, used or expired."""
    try:
        key = _signer(purpose).unsign(token.encode()).decode()
    except (BadSignature, UnicodeError):
        return None
    link = db.session.execute(select(ClientLink).where(ClientLink.key == key, ClientLink.purpose == purpose)).scalar()
    return link if link is not None and link.is_open(now) else None


def current(purpose: str, record_id: int | None, client_id: int, now: datetime | None = None) -> ClientLink | None:
    """The record's open link (the newest), for a staff page to show again."""
    now = now or utcnow()
    same_record = ClientLink.record_id.is_(None) if record_id is None else ClientLink.record_id == record_id
    return db.session.execute(select(ClientLink).where(
        ClientLink.purpose == purpose, same_record, ClientLink.client_id == client_id, ClientLink.used_at.is_(None),
        ClientLink.expires_at > now).order_by(ClientLink.id.desc()).limit(1)).scalar()


def use(link: ClientLink, now: datetime | None = None) -> bool:
    """Use the link up. One conditional UPDATE: of two submissions at the same moment only one finds it unused
    (the other waits for the row and then finds it used), so only one answer is ever saved."""
    now = now or utcnow()
    result = db.session.execute(update(ClientLink).where(ClientLink.id == link.id, ClientLink.used_at.is_(None),
                                                         ClientLink.expires_at > now)
                                .values(used_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    link.used_at = now
    return True


def over_limit(ip: str, now: datetime | None = None) -> bool:
    """Count this request against its address: True when the address already made the allowed number of requests
    in the window (RATE_LIMIT). Written in its own transaction, so a request that
    ends in an error still counts; refused requests are not stored, so an address stores at most `requests`
    rows per window."""
    now = now or utcnow()
    limit, seconds = current_app.config.get("PUBLIC_RATE_LIMIT", RATE_LIMIT)
    since = now - timedelta(seconds=seconds)
    with db.engine.begin() as connection:
        connection.execute(delete(PublicHit).where(PublicHit.at <= since))
        made = connection.scalar(select(func.count()).where(PublicHit.ip == ip, PublicHit.at > since))
        if made >= limit:
            return True
        connection.execute(insert(PublicHit).values(ip=ip, at=now))
    return False


def client_address() -> str:
    """The requester's address (behind a proxy, what ProxyFix took from X-Forwarded-For when KEYUAN_PROXIES says)."""
    return (request.remote_addr or "unknown")[:45]


def public_base() -> str:
    """PUBLIC_URL: the address clients reach the app at (their phones are outside the intranet staff use)."""
    return current_app.config.get("PUBLIC_URL") or ""


def public_url(endpoint: str, **values) -> str:
    """The full URL a client opens (a QR code, a printed link): under PUBLIC_URL when set, else the request's."""
    if base := public_base():
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
