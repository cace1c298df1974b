"""Client attachments: photos and scans kept under instance/attachments, typed by their first bytes."""
import os
import unicodedata
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select

from app.archive.models import Attachment
from app.core.errors import Refused
from app.core.scoping import visible
from app.core.storage import attachments_dir
from app.extensions import db

# What a file starts with decides what it is; the client's content type and file name are never trusted.
# Each key lists (offset, bytes) that must all match.
ALLOWED: dict[tuple[tuple[int, bytes], ...], tuple[str, str]] = {
    ((0, b"\xff\xd8\xff"),): ("image/jpeg", ".jpg"),
    ((0, b"\x89PNG\r\n\x1a\n"),): ("image/png", ".png"),
    ((0, b"GIF87a"),): ("image/gif", ".gif"),
    ((0, b"GIF89a"),): ("image/gif", ".gif"),
    ((0, b"RIFF"), (8, b"WEBP")): ("image/webp", ".webp"),
    ((4, b"ftypheic"),): ("image/heic", ".heic"),
    ((4, b"ftypheix"),): ("image/heic", ".heic"),
    ((4, b"ftypmif1"),): ("image/heif", ".heif"),
    ((0, b"%PDF-"),): ("application/pdf", ".pdf"),
}
HEAD_BYTES = 16
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 200


class UploadRefused(Refused):
    """An upload we will not keep; the message is for the person who sent it, beside the file field."""

    def __init__(self, message: str):
        super().__init__(message, "file")


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file from its first bytes, or None when it is no image or PDF."""
    for parts, kind in ALLOWED.items():
        if all(head[offset:offset + len(magic)] == magic for offset, magic in parts):
            return kind
    return None


def max_bytes() -> int:
    return current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


SAME_TYPE = {".jpeg": ".jpg", ".jpe": ".jpg", ".heif": ".heic"}


def clean_filename(name: str | None, extension: str) -> str:
    """The sent name for display: its last path part, no control or bidi characters, at most 200 characters,
    and the extension of what the file really is ("photo.html" that is a PNG shows as "photo.png").
    Unlike werkzeug's secure_filename it keeps Chinese; the file on disk never uses this name."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf")).strip(" .")
    stem, suffix = os.path.splitext(name)
    if SAME_TYPE.get(suffix.lower(), suffix.lower()) != SAME_TYPE.get(extension, extension):
        stem, suffix = name, extension
    stem = stem.strip(" .") or "attachment"
    return stem[:MAX_FILENAME - len(suffix)] + suffix


def storage_dir() -> Path:
    path = attachments_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(attachment: Attachment) -> Path:
    return storage_dir() / Path(attachment.stored_name).name


def save_upload(client, file_storage, caption: str, user) -> Attachment:
    """Keep an uploaded image or PDF of ``client``; flushes, the route commits.
    Raises UploadRefused when the file is empty, too large, or not an image or PDF."""
    limit = max_bytes()
    data = file_storage.stream.read(limit + 1)  # one byte more than allowed is enough to know
    if not data:
        raise UploadRefused(_("The file is empty."))
    if len(data) > limit:
        raise UploadRefused(_("The file is too large: at most %(limit)s.", limit=human_size(limit)))
    kind = sniff(data[:HEAD_BYTES])
    if kind is None:
        raise UploadRefused(_("Only photos (JPEG, PNG, GIF, WEBP, HEIC) and PDF files can be uploaded."))
    content_type, extension = kind
    attachment = Attachment(client_id=client.id, filename=clean_filename(file_storage.filename, extension),
                            stored_name=f"{uuid.uuid4().hex}{extension}", content_type=content_type,
                            size=len(data), caption=(caption or "").strip()[:200], created_by_id=user.id)
    db.session.add(attachment)
    db.session.flush()
    # Written after the flush: a failed insert leaves no file behind, a failed write rolls the row back.
    file_path(attachment).write_bytes(data)
    return attachment


def attachment_list(client, user) -> Select:
    stmt = select(Attachment).where(Attachment.client_id == client.id)
    return visible(stmt, Attachment, user).order_by(Attachment.created_at.desc(), Attachment.id.desc())


def is_previewable(attachment: Attachment) -> bool:
    """Types every browser draws in an <img>; HEIC and PDF get a file tile instead."""
    return attachment.content_type in ("image/jpeg", "image/png", "image/gif", "image/webp")
