"""A value assessment on a tablet: the 信息不足 chips, the grade left open, the breakdown unfolded."""
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_archive_flow import sign_in
from tests.factories import ClientFactory, make_user

KNOWN = {"回款风险": "4", "我方交付能力": "3", "认识度": "2", "需求度": "5", "承受度": "3"}
UNKNOWN = ("赢单后的份额", "所需时间、精力和成本", "成交风险", "对我方的战略价值")


def test_a_rep_leaves_what_they_do_not_know_as_not_enough_information(page, live_server, db):
    rep = make_user("sales", username="lixy", display_name="李晓燕")
    record = ClientFactory(name="南充市中心医院", owner_id=rep.id)
    db.session.commit()
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/clients/{record.id}/assess")
    for legend, score in KNOWN.items():
        page.locator("fieldset", has_text=legend).locator("label", has_text=score).click()
    for legend in UNKNOWN:
        page.locator("fieldset", has_text=legend).get_by_text("信息不足").click()
    screenshot(page, "assessment-form")
    page.get_by_role("button", name="保存评估").click()

    section = page.locator("#assessment")
    expect(section.get_by_text("信息不足（继续收集）")).to_be_visible()
    expect(section).to_contain_text("待收集：赢单后的份额、所需时间、精力和成本、成交风险、对我方的战略价值")
    history = section.locator("ol.history details")
    expect(history.locator("table")).to_be_hidden()
    history.locator("summary").click()
    expect(history.locator("tr", has_text="需求度")).to_contain_text("5")
    screenshot(page, "assessment-breakdown")
