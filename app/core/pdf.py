"""PDFs: HTML templates with print CSS, rendered by WeasyPrint in-process (no request needed, so a background job
renders the same documents). Chinese needs a real CJK font on the machine (fonts-noto-cjk) and `lang="zh-CN"`.

A missing glyph is drawn as a box and only WeasyPrint's log says so (the text layer still extracts as Chinese):
every render watches that log; with PDF_STRICT_GLYPHS (the tests) a box is an error, otherwise it is logged."""
import logging
import os
import pickle
import re
import shutil
import subprocess
import threading
from functools import cache
from urllib.parse import quote

from flask import Response, current_app, render_template
from flask_babel import gettext
from markupsafe import Markup

_render_lock = threading.Lock()  # WeasyPrint's font configuration is shared by the process, not thread-safe


class MissingGlyphs(RuntimeError):
    """The document drew characters no installed font has (they would print as boxes)."""


@cache
def cjk_font_available() -> bool:
    """True when fontconfig knows a font covering Chinese, the one WeasyPrint will pick for zh-CN text."""
    if not shutil.which("fc-list"):
        return False
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10)
    return bool(found.stdout.strip())


@cache
def _font_configuration():
    """One per process: building it scans the system's fonts."""
    from weasyprint.text.fonts import FontConfiguration
    return FontConfiguration()


class _GlyphWatch(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if ".notdef glyph" in message:
            self.missing.append(message)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document; relative URLs (images, fonts) resolve inside the static folder."""
    base_url = current_app.static_folder + "/"
    pdf, missing = _render_apart(html, base_url) if hasattr(os, "fork") else _render(html, base_url)
    if missing:
        if current_app.config.get("PDF_STRICT_GLYPHS"):
            raise MissingGlyphs("; ".join(missing[:5]))
        current_app.logger.warning("PDF drew boxes for characters no font has: %s", missing[:5])
    return pdf


def _render(html: str, base_url: str) -> tuple[bytes, list[str]]:
    """WeasyPrint's rendering, with the characters it drew as boxes."""
    from weasyprint import HTML
    watch = _GlyphWatch()
    logger = logging.getLogger("weasyprint")
    with _render_lock:
        logger.addHandler(watch)
        try:
            return HTML(string=html, base_url=base_url).write_pdf(font_config=_font_configuration()), watch.missing
        finally:
            logger.removeHandler(watch)


def _render_apart(html: str, base_url: str) -> tuple[bytes, list[str]]:
    """Render in a forked child that hands the PDF back and exits. WeasyPrint's layout and the CJK fonts take
    100-250 MB that a long-lived web worker would otherwise keep for good (measured: a worker went from 210 to
    450 MB after the documents); in a child the memory goes when it exits, at no cost in time (the same
    document: 0.41-0.45 s in a child, 0.42 s in-process; WeasyPrint is imported once, here, and shared)."""
    import weasyprint  # noqa: F401
    read, write = os.pipe()
    with _render_lock:  # no thread of this process is inside WeasyPrint when it forks
        pid = os.fork()
    if pid == 0:  # the child: render, write the result, leave without running the parent's clean-up
        os.close(read)
        try:
            payload = pickle.dumps(_render(html, base_url))
        except BaseException as error:  # noqa: BLE001  (handed to the parent, which raises it)
            payload = pickle.dumps(RuntimeError(f"PDF rendering failed: {error!r}"))
        with os.fdopen(write, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as incoming:
        payload = incoming.read()
    os.waitpid(pid, 0)
    if not payload:
        raise RuntimeError("PDF rendering failed: the rendering process ended without a result")
    result = pickle.loads(payload)  # from our own child
    if isinstance(result, Exception):
        raise result
    return result


COMPANY_SETTING = "company"


def print_company() -> dict:
    """The company printed in every document's header: name and logo (a data: URL), set by an admin."""
    from app.core.models import get_setting
    stored = get_setting(COMPANY_SETTING, {})
    return {"name": stored.get("name") or gettext("KeYuan"), "logo": stored.get("logo")}


def page_numbers_css() -> Markup:
    """The CSS `content` of the page-number footer in the user's language: 第 x 页 / 共 y 页."""
    words = gettext("Page %(page)s / %(pages)s", page="{P}", pages="{N}").replace('"', "")
    return Markup('"' + words.replace("{P}", '" counter(page) "').replace("{N}", '" counter(pages) "') + '"')


def render_pdf(template: str, **context) -> bytes:
    """A print template (extending print/base.html) rendered to PDF bytes."""
    return html_to_pdf(render_template(template, **context))


def content_disposition(name: str, inline: bool = False) -> str:
    """Content-Disposition for a file named in Chinese: the RFC 5987 UTF-8 name, and for old clients an ASCII
    fallback keeping the name's digits and Latin letters (拜访计划-2026-11-23至2026-11-29.pdf →
    2026-11-23_2026-11-29.pdf). Not pinyin: its dictionaries would cost every worker that serves a file 55 MB."""
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    fallback = re.sub(r"[^A-Za-z0-9.-]+", "_", stem).strip("_-.") or "document"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}{dot}{extension}\"; filename*=UTF-8''{quote(name)}"


def pdf_response(pdf: bytes, name: str) -> Response:
    """A PDF shown in the browser's viewer (which offers print and save) under a Chinese file name."""
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": content_disposition(name, inline=True)})
