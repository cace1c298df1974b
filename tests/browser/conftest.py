"""A live server on loopback and Debian's Chromium driven by Playwright (never a downloaded browser).
The htmx CDN request is answered with the pinned file from its npm package, so the SRI check runs offline."""
import os
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TABLET = {"width": 768, "height": 1024}


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--lang=zh-CN"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app, request):
    htmx_file = os.environ["KEYUAN_HTMX_FILE"]
    context = browser.new_context(viewport=TABLET, has_touch=True, locale="zh-CN")
    context.route(app.config["HTMX_URL"], lambda route: route.fulfill(
        path=htmx_file, content_type="application/javascript; charset=utf-8",
        headers={"Access-Control-Allow-Origin": "*"}))
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until(page, expression: str, timeout: float = 5.0) -> None:
    """Poll a page expression until it is true. page.wait_for_function evaluates its predicate with eval, which
    the app's Content-Security-Policy (rightly) forbids; page.evaluate goes through the debugger instead."""
    deadline = time.monotonic() + timeout
    while page.evaluate(expression) is not True:
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)
