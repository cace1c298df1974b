"""Where am I, and how do I get there: one main-menu entry is current on every page, the visits section's pages
reach each other, and filters look like tabs, not like the buttons that act."""
import re

import pytest

CURRENT = re.compile(r'<header class="topbar">(.*?)</header>', re.S)  # the main menu and the folded 管理 one


def current_entries(html: str) -> list[str]:
    menu = CURRENT.search(html).group(1)
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', menu)


@pytest.mark.parametrize("url, expected", [
    ("/", ["今日"]), ("/clients/", ["客户"]), ("/visits/care", ["拜访回访"]), ("/visits/recency", ["拜访回访"]),
    ("/visits/rules", ["回访制度"]), ("/admin/users", ["用户管理"]), ("/admin/users/1/edit", ["用户管理"]),
    ("/admin/recycle-bin", ["回收站"]),
    ("/admin/settings", ["系统设置"]), ("/auth/password", []),
])
def test_exactly_one_menu_entry_is_current(client, login_as, url, expected):
    login_as("admin")
    assert current_entries(client.get(url).get_data(as_text=True)) == expected, url


def test_every_visits_page_reaches_the_others_and_filters_are_tabs(client, login_as):
    login_as("sales")
    for url in ("/visits/", "/visits/plan", "/visits/overdue", "/visits/care", "/visits/recency", "/visits/calendar"):
        page = client.get(url).get_data(as_text=True)
        subnav = page[page.index('<nav class="subnav"'):]
        for target in ("/visits/overdue", "/visits/care", "/visits/recency", "/visits/calendar", "/visits/plan"):
            assert f'href="{target}"' in subnav, (url, target)
        assert subnav.count('aria-current="page"') == 1, url
    listing = client.get("/visits/?status=done").get_data(as_text=True)
    assert re.search(r'<a class="tab" href="[^"]*status=done[^"]*" aria-current="true">', listing)
    start = listing.index('<nav class="tabs"')
    assert 'class="button' not in listing[start:listing.index("</nav>", start)]


def test_settings_and_administration_fold_under_one_menu(client, login_as):
    """The main menu keeps the daily pages; the settings and administration pages sit under 管理, marked when
    one of them is open. A sales rep, with none of them, gets no 管理 menu."""
    login_as("admin")
    html = client.get("/admin/users").get_data(as_text=True)
    main = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    folded = re.search(r'<details class="usermenu adminmenu">(.*?)</details>', html, re.S).group(1)
    assert "今日" in main and "用户管理" not in main and "回收站" not in main
    assert '<summary class="current">管理</summary>' in folded and "回收站" in folded and "工作日历" in folded
    assert '<summary>管理</summary>' in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    login_as("sales")
    assert "adminmenu" not in client.get("/").get_data(as_text=True)
