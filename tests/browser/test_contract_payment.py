"""A sales rep on a tablet (768x1024) signs a contract from the client's page with two payment milestones (the
first try does not add up and is refused with what was typed kept), then registers a partial payment with htmx.
Screenshots go to /tmp/shots/contract-*.png."""
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.test_archive_flow import sign_in
from tests.factories import ClientFactory, ProductFactory, make_user

SHOTS = Path("/tmp/shots")


def shot(page, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"contract-{step}.png"), full_page=True)


def test_sign_a_contract_and_register_a_partial_payment(page, live_server, db):
    rep = make_user("sales", username="wangxs", display_name="王销售")
    record = ClientFactory(name="重庆市永川区人民医院", owner_id=rep.id)
    ProductFactory(name="HIS 住院管理")
    db.session.commit()
    sign_in(page, live_server, "wangxs")

    page.goto(f"{live_server}/clients/{record.id}")
    page.locator("#contracts").get_by_role("link", name="新建合同").click()
    page.locator("input[name='title']").fill("住院管理系统升级")
    page.locator("input[name='amount']").fill("286500.00")
    page.locator("select[name='lines-0-product_id']").select_option(label="HIS 住院管理")
    page.locator("input[name='lines-0-unit_price']").fill("286500.00")
    for row, (kind, due, amount) in enumerate((("down_payment", "2026-12-15", "85950.00"),
                                               ("acceptance", "2027-06-30", "200000.00"))):
        page.locator(f"select[name='milestones-{row}-kind']").select_option(kind)
        page.locator(f"input[name='milestones-{row}-due_on']").fill(due)
        page.locator(f"input[name='milestones-{row}-amount']").fill(amount)
    page.get_by_role("button", name="保存合同").click()
    expect(page.locator(".field.has-error .error")).to_contain_text("285,950.00")
    expect(page.locator("input[name='milestones-1-amount']")).to_have_value("200000.00")
    shot(page, "1-refused")

    page.locator("input[name='milestones-1-amount']").fill("200550.00")
    shot(page, "2-form")
    page.get_by_role("button", name="保存合同").click()
    expect(page.locator("h1")).to_contain_text("HT-")
    expect(page.locator("#milestones")).to_contain_text("200,550.00 元")
    shot(page, "3-signed")
    page.evaluate("window.notReloaded = true")

    payment = page.locator(".receipt-form")
    payment.locator("select[name='milestone_id']").select_option(index=0)
    payment.locator("input[name='amount']").fill("50000.00")
    payment.get_by_role("button", name="登记回款").click()
    expect(page.locator("#milestones tbody tr").first).to_contain_text("35,950.00 元")  # 85,950 − 50,000 owed
    expect(page.locator(".receipt-row")).to_contain_text("50,000.00 元")
    wait_until(page, "window.notReloaded === true")
    shot(page, "4-partial-payment")

    payment = page.locator(".receipt-form")
    payment.locator("input[name='amount']").fill("35950.01")
    payment.get_by_role("button", name="登记回款").click()
    expect(page.locator(".receipt-form .error").first).to_contain_text("35,950.00")
    shot(page, "5-too-much")

    page.goto(f"{live_server}/contracts/")
    expect(page.locator("table.contracts")).to_contain_text("236,500.00 元")  # 286,500 − 50,000 outstanding
    shot(page, "6-list")
    page.goto(f"{live_server}/contracts/receivables")
    expect(page.locator("table.receivables")).to_contain_text("236,500.00 元")
    shot(page, "7-receivables")
