"""A service engineer on a tablet (768x1024) receives a complaint and moves it round the loop with the htmx
buttons — 受理 → 分析 → 解决 → 反馈 — then closes it; each step swaps the complaint's card without a reload.
Screenshots of each step go to /tmp/shots/complaint-*.png."""
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.test_archive_flow import sign_in
from tests.factories import AssetFactory, ClientFactory, ContactFactory, make_user

SHOTS = Path("/tmp/shots")


def shot(page, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"complaint-{step}.png"), full_page=True)


def test_a_complaint_goes_round_the_loop_with_the_htmx_buttons(page, live_server, db):
    make_user("service", username="zhaogc", display_name="赵工程师")
    record = ClientFactory(name="重庆市永川区人民医院", owner_id=make_user("sales").id)
    ContactFactory(client_id=record.id, name="周科长")
    AssetFactory(client_id=record.id, kind="software", name="HIS 门诊收费")
    db.session.commit()
    sign_in(page, live_server, "zhaogc")

    page.goto(f"{live_server}/complaints/")
    page.get_by_role("link", name="登记投诉").click()
    page.get_by_label("客户", exact=True).fill("永川")
    page.get_by_text("重庆市永川区人民医院").click()  # the search offered it; picking it brings its contacts
    expect(page.locator("select[name='contact_id'] option", has_text="周科长")).to_have_count(1)
    page.locator("select[name='contact_id']").select_option(label="周科长")
    page.locator("select[name='asset_id']").select_option(label="HIS 门诊收费")
    page.locator("select[name='severity']").select_option("complex")
    page.get_by_label("标题").fill("门诊收费高峰期卡顿")
    page.get_by_label("说明").fill("每天上午九点到十点收费窗口出票要等二十秒以上。")
    shot(page, "1-new")
    page.get_by_role("button", name="受理投诉").click()

    expect(page.locator("h1")).to_contain_text("门诊收费高峰期卡顿")
    expect(page.locator(".complaint-facts .badge").first).to_have_text("受理")
    shot(page, "2-accepted")
    page.evaluate("window.notReloaded = true")  # gone if a button reloaded the page instead of swapping the card

    for button, status, step in (("分析", "分析", "3-analysing"), ("解决", "解决", "4-resolving"),
                                 ("反馈（待客户确认）", "反馈（待客户确认）", "5-feedback")):
        page.get_by_label("备注").first.fill(f"进入{status}")
        page.locator("#move").get_by_role("button", name=button, exact=True).click()
        expect(page.locator(".complaint-facts .badge").first).to_have_text(status)
        expect(page.locator(".timeline")).to_contain_text(f"进入{status}")
        shot(page, step)
    wait_until(page, "window.notReloaded === true")

    close = page.locator("#close")
    close.get_by_label("根本原因").fill("收费库缺少按日期的索引")
    close.get_by_label("解决方案").fill("加索引并清理历史票据表")
    close.get_by_role("button", name="关闭").click()  # satisfaction and who confirmed are still missing
    expect(close.locator(".error").first).to_be_visible()
    expect(close.get_by_label("根本原因")).to_have_value("收费库缺少按日期的索引")
    shot(page, "6-close-refused")

    close = page.locator("#close")
    close.get_by_text("满意", exact=True).click()
    close.get_by_label("确认人").fill("信息科周科长")
    close.get_by_role("button", name="关闭").click()
    expect(page.locator(".complaint-facts .badge").first).to_have_text("关闭")
    expect(page.locator(".complaint-facts")).to_contain_text("信息科周科长")
    wait_until(page, "window.notReloaded === true")
    shot(page, "7-closed")

    page.goto(f"{live_server}/complaints/?status=all")
    row = page.locator("tr", has_text="门诊收费高峰期卡顿")
    expect(row).to_contain_text("关闭")
    row.get_by_role("button", name="重新打开").click()  # a row's button swaps only its row
    expect(row).to_contain_text("解决")
    wait_until(page, "document.querySelectorAll('tbody tr').length === 1")
    shot(page, "8-list-reopened")
