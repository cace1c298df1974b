"""Page or fragment from one template: an htmx request gets the named block, anything else the page."""
from collections.abc import Callable

from flask import flash, make_response, redirect, render_template, request
from flask_babel import gettext as _
from jinja2_fragments.flask import render_block

from app.extensions import db


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    # A history restore needs the whole page, or Back shows a bare fragment.
    return is_htmx() and not request.headers.get("HX-History-Restore-Request")


def render(template: str, block: str | None = None, status: int = 200, **context):
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def saved(url: str, message: str | None = None, fragment: Callable[[], object] | None = None):
    """The end of a successful write: commit once; htmx gets a fresh fragment when the route gives one, any
    other request a flash message and a redirect (so a reload does not post again)."""
    db.session.commit()
    if fragment is not None and wants_fragment():
        return fragment()
    flash(message or _("Saved."), "success")
    return redirect(url)


def field_attributes(attributes: dict) -> dict:
    """Keyword arguments for a WTForms field as HTML attributes: hx_get → hx-get, hx_push_url → hx-push-url.
    WTForms turns only data_ and aria_ names into dashed ones; htmx ignores an hx_get attribute."""
    return {key.replace("_", "-") if key.startswith("hx_") else key: value for key, value in attributes.items()}
