"""Headers every response carries: a Content-Security-Policy allowing only this site and the pinned htmx URL,
no framing, no type sniffing, a same-origin referrer, nothing personal left in caches; HSTS when cookies are
Secure (behind HTTPS)."""
from urllib.parse import urlsplit

from flask import Flask, abort, request


def content_security_policy(htmx_url: str) -> str:
    parts = urlsplit(htmx_url)
    htmx = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else ""
    return "; ".join([
        "default-src 'self'", f"script-src 'self' {htmx}".strip(), "style-src 'self'", "img-src 'self' data: blob:",
        "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'self'", "object-src 'none'",
    ])


def has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def register(app: Flask) -> None:
    policy = content_security_policy(app.config["HTMX_URL"])

    @app.before_request
    def refuse_nul_bytes():
        """No person types a NUL; PostgreSQL refuses it in text. A clear 400, never a 500 deep in a query."""
        if has_nul(request.args.values()) or (request.form and has_nul(request.form.values())):
            abort(400)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Frame-Options", "DENY")
        headers["X-Content-Type-Options"] = "nosniff"
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static" and not response.cache_control.private:
            response.cache_control.no_store = True  # pages and exports hold personal data; private ones revalidate
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
