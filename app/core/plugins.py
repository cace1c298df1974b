"""How a domain plugs into the shell without core or a lower domain naming it.

Each domain registers, from its own package, its navigation entries, sections of the client page and of Today,
buttons on a visit's page, its settings pages, the models it keeps in the recycle bin and its part of the demo
data. Core keeps only these lists; the order number decides where an entry shows (lower first)."""
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.core.access import EVERYONE, has_role


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object
    roles: tuple
    order: int


@dataclass(frozen=True)
class Section:
    """A part of a page another domain owns: a function (client or day, user, **overrides) -> HTML."""

    render: Callable[..., Markup]
    order: int


NAVIGATION: list[Entry] = []
SETTINGS_PAGES: list[Entry] = []
CLIENT_PANELS: list[Section] = []
TODAY_SECTIONS: list[Section] = []
VISIT_ACTIONS: list[Section] = []
RECYCLABLE: list[type] = []
DEMO_SEEDERS: list[tuple[int, Callable]] = []
PAGES: dict[str, Callable] = {}


def _add(registry: list, item) -> None:
    if item not in registry:  # a module imported twice registers once
        registry.append(item)
        registry.sort(key=lambda entry: entry[0] if isinstance(entry, tuple) else entry.order)


def nav_entry(endpoint: str, label, roles=EVERYONE, order: int = 50) -> None:
    _add(NAVIGATION, Entry(endpoint, label, tuple(roles), order))


def settings_page(endpoint: str, label, roles, order: int = 50) -> None:
    _add(SETTINGS_PAGES, Entry(endpoint, label, tuple(roles), order))


def client_panel(order: int = 50):
    def register(function: Callable[..., Markup]):
        _add(CLIENT_PANELS, Section(function, order))
        return function
    return register


def today_section(order: int = 50):
    def register(function: Callable[..., Markup]):
        _add(TODAY_SECTIONS, Section(function, order))
        return function
    return register


def visit_action(order: int = 50):
    """A button on a visit's page from a domain above visits: a function (visit, user) -> HTML."""
    def register(function: Callable[..., Markup]):
        _add(VISIT_ACTIONS, Section(function, order))
        return function
    return register


def recyclable(*models: type) -> None:
    for model in models:
        if model not in RECYCLABLE:
            RECYCLABLE.append(model)


def demo_seeder(order: int):
    """A domain's part of `seed-demo`, called in order with (rng, today, context) once the lower domains ran."""
    def register(function: Callable):
        _add(DEMO_SEEDERS, (order, function))
        return function
    return register


def page(name: str):
    """A page a lower domain may need to show whole (Today, with a form that failed in it): the owner registers
    how to render it, the lower domain calls render_page(name, **overrides) without importing the owner."""
    def register(function: Callable):
        PAGES[name] = function
        return function
    return register


def render_page(name: str, **overrides):
    return PAGES[name](**overrides)


def _allowed(entries: list[Entry]) -> list[tuple[str, object]]:
    return [(e.endpoint, e.label) for e in entries
            if e.endpoint in current_app.view_functions and has_role(current_user, e.roles)]


def main_nav() -> tuple[list[tuple[str, object, bool]], list[tuple[str, object, bool]]]:
    """The menu entries the user may open as (endpoint, label, current): the main ones, and the settings and
    administration pages (shown folded under 管理). One entry is current: the one whose address is the longest
    start of this page's (拜访回访 on /visits/care, 回访制度 on /visits/rules/5; 今日 only on /)."""
    main, admin = _allowed(NAVIGATION), _allowed(SETTINGS_PAGES)
    urls = {endpoint: url_for(endpoint) for endpoint, _label in main + admin}
    path = request.path
    matching = [url for url in urls.values()
                if path == url or (url != "/" and path.startswith(url if url.endswith("/") else url + "/"))]
    current = max(matching, key=len, default=None)
    return ([(endpoint, label, urls[endpoint] == current) for endpoint, label in main],
            [(endpoint, label, urls[endpoint] == current) for endpoint, label in admin])


def client_panels(client, user, **overrides) -> list[Markup]:
    return [section.render(client, user, **overrides) for section in CLIENT_PANELS]


def today_sections(day, user, **overrides) -> list[Markup]:
    return [section.render(day, user, **overrides) for section in TODAY_SECTIONS]


def visit_actions(visit, user) -> list[Markup]:
    return [action for action in (section.render(visit, user) for section in VISIT_ACTIONS) if action]
