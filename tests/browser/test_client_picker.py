"""The client picker narrows as the rep types (pinyin initials too), on Today's quick log and in the route
planner, at 768x1024: the search goes out as htmx attributes the browser really sends."""
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_archive_flow import sign_in
from tests.factories import ClientFactory, make_user


def two_clients(db):
    rep = make_user("sales", username="lixy", display_name="李晓燕")
    ClientFactory(name="重庆市中医院", owner_id=rep.id)
    ClientFactory(name="宜宾市中医院", owner_id=rep.id)
    db.session.commit()


def test_todays_quick_log_picker_narrows_as_the_rep_types(page, live_server, db):
    two_clients(db)
    sign_in(page, live_server, "lixy")
    picks = page.locator("#client-picks")
    expect(picks).to_contain_text("请在上方搜索客户")  # nobody touched yet: nothing to offer before a search
    page.locator("input[name='client_query']").press_sequentially("cqs", delay=50)
    expect(picks).not_to_contain_text("宜宾市中医院")
    expect(picks).to_contain_text("重庆市中医院")
    screenshot(page, "quick-log-picker")

    picks.get_by_text("重庆市中医院").click()
    page.locator("textarea[name='summary']").fill("电话回访：新院区布线正常")
    page.locator("form.quick-log button[type='submit']").click()  # below the fold: the page scrolls to it
    saved = page.locator("#today-quick-log [role='status']")
    expect(saved).to_have_text("已为 重庆市中医院 记录。")
    expect(saved).to_be_in_viewport()  # the confirmation is brought into view, not left above the fold


def test_the_route_planners_search_finds_as_the_rep_types(page, live_server, db):
    two_clients(db)
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/visits/plan")
    page.locator("input[name='client_query']").press_sequentially("ybs", delay=50)
    stops = page.locator("#route-stops")
    expect(stops).to_contain_text("宜宾市中医院")
    expect(stops).not_to_contain_text("重庆市中医院")
