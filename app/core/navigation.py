"""Where a link may send the user after a form: only same-site paths."""
import unicodedata
from urllib.parse import urlsplit

from flask import request


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: an open redirect would turn a form into a phishing aid. Control characters
    are taken out first, since browsers drop tabs and newlines and would read "/\\t/evil.example" as "//evil…"."""
    target = "".join(ch for ch in target or "" if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")).strip()
    parts = urlsplit(target)
    if (target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target
            and not parts.scheme and not parts.netloc):
        return target
    return fallback


def page_before(fallback: str) -> str:
    """The page a form was posted from (htmx names it; browsers send the referrer), when it is on this site:
    where to return after an interruption such as signing in again."""
    source = request.headers.get("HX-Current-URL") or request.referrer or ""
    parts = urlsplit(source)
    if parts.netloc and parts.netloc != request.host:
        return fallback
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""), fallback)
