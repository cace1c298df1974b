"""A sales rep on a tablet (768x1024) creates a deal from the client page and moves it across the board to
signed with the htmx buttons, each move swapping the board without a reload; then makes the won deal's contract
with two payment milestones and registers a partial payment. Screenshots of each step go to
/tmp/shots/deal-*.png."""
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.test_archive_flow import sign_in
from tests.factories import ClientFactory, ProductFactory, make_user

SHOTS = Path("/tmp/shots")


def shot(page, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"deal-{step}.png"), full_page=True)


def test_a_deal_moves_across_the_board_to_won(page, live_server, db):
    rep = make_user("sales", username="liqiang", display_name="李强")
    record = ClientFactory(name="重庆市永川区人民医院", owner_id=rep.id)
    ProductFactory(name="移动护理", list_price=None)
    db.session.commit()
    sign_in(page, live_server, "liqiang")

    page.goto(f"{live_server}/clients/{record.id}")
    page.locator("#deals").get_by_role("link", name="新建商机").click()
    page.get_by_label("标题").fill("移动护理系统升级")
    page.locator("select[name='lines-0-product_id']").select_option(label="移动护理")
    page.locator("input[name='lines-0-quantity']").fill("2")
    page.locator("input[name='lines-0-unit_price']").fill("45000")
    page.locator("input[name='next_action']").fill("约信息科主任谈需求")
    page.locator("input[name='next_date']").fill("2030-01-15")
    shot(page, "1-new")
    page.get_by_role("button", name="创建商机").click()
    expect(page.locator("h1")).to_have_text("移动护理系统升级")
    expect(page.locator(".deal-facts")).to_contain_text("90,000.00 元")
    shot(page, "2-created")

    page.goto(f"{live_server}/deals/")
    card = page.locator(".deal-card", has_text="移动护理系统升级")
    expect(page.locator("#column-target .count")).to_have_text("1")
    page.evaluate("window.notReloaded = true")  # gone if a button reloaded the page instead of swapping the board
    stages = ["needs", "approach", "contact", "meeting_plan", "meeting", "draft", "won"]
    for step, stage in enumerate(stages, start=3):
        card.locator(f"button[value='{stage}']").click()
        expect(page.locator(f"#column-{stage} .deal-card", has_text="移动护理系统升级")).to_have_count(1)
        if stage in ("contact", "won"):
            page.locator(f"#column-{stage}").scroll_into_view_if_needed()  # the board scrolls sideways
            shot(page, f"{step}-{stage}")
    wait_until(page, "window.notReloaded === true")
    expect(page.locator("#column-won .amount")).to_have_text("90,000.00 元")
    expect(page.locator("#column-target .count")).to_have_text("0")

    page.goto(f"{live_server}/deals/")
    page.locator("#column-won .deal-card a", has_text="移动护理系统升级").first.click()
    page.get_by_role("link", name="新建合同").click()  # the won deal's contract, its title and lines carried over
    expect(page.locator("input[name='title']")).to_have_value("移动护理系统升级")
    for row, (kind, due, amount) in enumerate((("down_payment", "2030-02-01", "45000.00"),
                                               ("acceptance", "2030-06-30", "45000.00"))):
        page.locator(f"select[name='milestones-{row}-kind']").select_option(kind)
        page.locator(f"input[name='milestones-{row}-due_on']").fill(due)
        page.locator(f"input[name='milestones-{row}-amount']").fill(amount)
    shot(page, "10-contract-form")
    page.get_by_role("button", name="保存合同").click()
    expect(page.locator("h1")).to_contain_text("HT-")
    payment = page.locator(".receipt-form")
    payment.locator("select[name='milestone_id']").select_option(index=0)
    payment.locator("input[name='amount']").fill("20000.00")
    payment.get_by_role("button", name="登记回款").click()
    expect(page.locator("#milestones tbody tr").first).to_contain_text("25,000.00 元")  # 45,000 − 20,000 owed
    shot(page, "11-partial-payment")
