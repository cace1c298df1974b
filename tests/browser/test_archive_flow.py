"""The archive as a rep uses it on a tablet (768x1024): search, open a client, add a contact with a lunar
birthday, take a photo."""
from playwright.sync_api import expect
from sqlalchemy import select

from app.archive.models import Attachment, SpecialDate
from tests.archive.test_attachments import PNG
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, ClientFactory, ContactFactory, make_user


def sign_in(page, live_server, username):
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_search_open_add_a_lunar_birthday_contact_and_a_photo(page, live_server, db, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    rep = make_user("sales", username="lixy", display_name="李晓燕")
    record = ClientFactory(name="南充市中心医院", owner_id=rep.id, region="四川", city="南充")
    ContactFactory(client_id=record.id, name="何志明", mobile="13990001234")
    ClientFactory(name="宜宾市第二人民医院", owner_id=rep.id)
    db.session.commit()
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/clients/")

    # a contact's mobile finds the client, as the rep types
    page.get_by_role("searchbox").press_sequentially("1399000")
    expect(page.locator("#result-count")).to_have_text("共 1 个客户")
    page.get_by_role("link", name="南充市中心医院").click()
    expect(page.get_by_role("heading", name="南充市中心医院")).to_be_visible()

    page.get_by_role("link", name="添加联系人").click()
    page.get_by_label("姓名").fill("黎红霞")
    page.get_by_label("职务").fill("护理部主任")
    page.get_by_label("决策角色").select_option(label="决策者")
    page.get_by_label("对我方态度").select_option(label="支持我方")
    page.get_by_label("关键人物").check()
    page.get_by_label("生日（月）").fill("12")
    page.get_by_label("生日（日）").fill("30")
    page.get_by_label("农历生日").check()
    screenshot(page, "contact-new-768x1024")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("联系人 黎红霞 已添加。")).to_be_visible()
    expect(page.locator("#contacts")).to_contain_text("黎红霞")
    expect(page.locator("#contacts")).to_contain_text("决策者")
    special = db.session.execute(select(SpecialDate)).scalar_one()
    assert (special.month, special.day, special.is_lunar) == (12, 30, True)

    # a photo from the tablet: the file input takes the camera picture
    page.locator("#attachments input[type=file]").set_input_files(
        files=[{"name": "机房.png", "mimeType": "image/png", "buffer": PNG}])
    page.locator("#attachments").get_by_label("说明").fill("信息科机房")
    page.locator("#attachments").get_by_role("button", name="上传").click()
    expect(page.locator("#attachments img")).to_have_count(1)
    expect(page.locator("#attachments")).to_contain_text("机房.png")
    assert db.session.execute(select(Attachment.caption)).scalar_one() == "信息科机房"
    screenshot(page, "client-768x1024")
