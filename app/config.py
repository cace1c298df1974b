"""Configuration from the environment, with instance/ for what a deployment keeps to itself."""
import os
import secrets
from pathlib import Path

HTMX_VERSION = "2.0.11"
HTMX_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


def load_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else from instance/secret_key, generated on first start."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # Heroku-style URLs name no driver
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{Path(instance_path) / 'keyuan.db'}"


class Config:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("KEYUAN_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = {"zh_CN": "中文", "en": "English"}
    HTMX_URL = os.environ.get("HTMX_URL", HTMX_CDN_URL)
    # An intranet copy served from elsewhere has its own bytes: leave the hash out unless given.
    HTMX_INTEGRITY = os.environ.get("HTMX_INTEGRITY", HTMX_INTEGRITY if "HTMX_URL" not in os.environ else "")
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    # Behind HTTPS set KEYUAN_SECURE_COOKIES=1: cookies then travel only over HTTPS, and HSTS is sent.
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = os.environ.get("KEYUAN_SECURE_COOKIES", "") in ("1", "true")
    SESSION_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: a tablet left open all day still saves
    LOGIN_MAX_FAILURES = 5  # per username
    LOGIN_MAX_FAILURES_PER_ADDRESS = 50  # per address: behind a proxy one address is the whole office
    # Behind nginx (or another proxy) set KEYUAN_PROXIES to how many proxies add X-Forwarded-For; only then is
    # that header trusted for the client's address.
    PROXIES = int(os.environ.get("KEYUAN_PROXIES", "0") or 0)
    LOGIN_WINDOW_MINUTES = 15
    PAGE_SIZE = 25
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # a backstop for the whole request; files have their own limit
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    # A PDF that draws a character as a box (no installed font has it) fails instead of being served: the tests.
    PDF_STRICT_GLYPHS = False
    # Where clients reach the app from their phones (survey and confirmation QR codes, printed reports), when that
    # is not the address staff use, e.g. https://keyuan.example.com/. Unset: the address of the request.
    PUBLIC_URL = os.environ.get("KEYUAN_PUBLIC_URL", "")
    LABELS_MAX = 1000  # mailing labels per PDF (48 sheets of 21): about ten seconds of rendering


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    PDF_STRICT_GLYPHS = True
