from playwright.sync_api import expect

from tests.archive.test_attachments import PNG
from tests.browser.conftest import TABLET, screenshot, wait_until
from tests.factories import PASSWORD, ClientFactory, make_user


def test_sign_in_search_and_sign_out_on_a_tablet(page, live_server, db):
    rep = make_user("sales", username="lixy", display_name="李晓燕")
    ClientFactory(name="重庆市第一人民医院", owner_id=rep.id)
    ClientFactory(name="喆堃珺镕口腔医院", owner_id=rep.id)
    ClientFactory(name="成都市中医院", owner_id=make_user("sales").id)
    db.session.commit()

    page.goto(f"{live_server}/clients/")
    expect(page).to_have_url(f"{live_server}/auth/login?next=/clients/")
    expect(page.get_by_role("heading", name="登录客缘")).to_be_visible()
    screenshot(page, "login-768x1024")

    page.get_by_label("用户名").fill("lixy")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    expect(page.get_by_label("用户名")).to_have_value("lixy")

    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server}/clients/")
    expect(page.get_by_text("共 2 个客户")).to_be_visible()
    wait_until(page, "typeof window.htmx === 'object'")  # the SRI-checked script ran (once loaded)

    # search as you type: htmx swaps the list and keeps the URL bookmarkable
    page.get_by_role("searchbox").press_sequentially("喆堃")
    expect(page.get_by_text("共 1 个客户")).to_be_visible()
    expect(page.get_by_role("link", name="喆堃珺镕口腔医院")).to_be_visible()
    expect(page.get_by_role("link", name="重庆市第一人民医院")).to_have_count(0)
    expect(page).to_have_url(f"{live_server}/clients/?q=%E5%96%86%E5%A0%83")
    expect(page.get_by_role("link", name="成都市中医院")).to_have_count(0)
    screenshot(page, "clients-search-768x1024")

    for target in page.locator("a, button, input, select, summary").all():
        if target.is_visible():
            box = target.bounding_box()
            assert box["height"] >= 44, (target.evaluate("e => e.outerHTML"), box)

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: still usable, nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "clients-390")

    page.get_by_text("李晓燕 · 销售").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已退出登录。")).to_be_visible()


def test_htmx_form_swaps_in_place_and_failures_keep_the_input(page, live_server, db, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    rep = make_user("sales", username="zhangw")
    record = ClientFactory(name="绵阳市中心医院", owner_id=rep.id)
    db.session.commit()
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("用户名").fill("zhangw")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/clients/{record.id}")
    page.evaluate("window.__marker = 'same page'")

    # a required field left empty: the error shows by the field, the caption typed stays (422 is swapped)
    section = page.locator("#attachments")
    section.get_by_label("说明").fill("信息科机房")
    section.get_by_role("button", name="上传").click()
    expect(page.locator("#attachments .error")).to_have_text("该字段是必填字段。")
    expect(page.locator("#attachments").get_by_label("说明")).to_have_value("信息科机房")
    assert page.evaluate("window.__marker") == "same page"  # swapped in place, no reload

    # the network drops: an error says so and the typed text stays
    page.context.set_offline(True)
    section = page.locator("#attachments")
    section.locator("input[type=file]").set_input_files(
        files=[{"name": "机房.png", "mimeType": "image/png", "buffer": PNG}])
    section.get_by_label("说明").fill("三楼机房")
    section.get_by_role("button", name="上传").click()
    expect(page.locator("#request-error")).to_have_text("无法连接服务器。您输入的内容仍然保留，请稍后重试。")
    expect(section.get_by_label("说明")).to_have_value("三楼机房")
    screenshot(page, "client-offline-768x1024")

    page.context.set_offline(False)
    section.get_by_role("button", name="上传").click()
    expect(page.locator("#attachments img")).to_have_count(1)
    expect(page.locator("#request-error")).to_be_hidden()
    assert page.evaluate("window.__marker") == "same page"


def test_everything_works_without_javascript(browser, live_server, db):
    rep = make_user("sales", username="nojs")
    record = ClientFactory(name="泸州市人民医院", owner_id=rep.id)
    db.session.commit()
    context = browser.new_context(viewport=TABLET, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("用户名").fill("nojs")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(f"{live_server}/clients/")
    page.get_by_role("searchbox").fill("泸州")
    page.get_by_role("button", name="搜索").click()
    expect(page).to_have_url(f"{live_server}/clients/?q=%E6%B3%B8%E5%B7%9E")  # empty filters dropped
    page.get_by_role("link", name="泸州市人民医院").click()

    page.get_by_role("link", name="添加联系人").click()
    page.get_by_label("姓名").fill("钱文博")
    page.get_by_label("生日（月）").fill("8")
    page.get_by_label("生日（日）").fill("15")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(f"{live_server}/clients/{record.id}#contacts")
    expect(page.get_by_text("联系人 钱文博 已添加。")).to_be_visible()
    expect(page.locator("#contacts")).to_contain_text("钱文博")
    context.close()
