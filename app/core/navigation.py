"""Where a link may send the user after a form: only same-site paths."""
import unicodedata
from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: an open redirect would turn a form into a phishing aid. Control characters
    are taken out first, since browsers drop tabs and newlines and would read "/\\t/evil.example" as "//evil…"."""
    target = "".join(ch for ch in target or "" if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")).strip()
    parts = urlsplit(target)
    if (target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target
            and not parts.scheme and not parts.netloc):
        return target
    return fallback
