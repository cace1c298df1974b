"""The quick log as a rep uses it on a tablet (768x1024) during a visit: tap the method, tick a contact, type,
tap a satisfaction, log it — without a page reload; and on flaky hospital Wi-Fi the draft survives."""
import json
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.archive.enums import ValueGrade
from app.core.clock import local_today, utcnow
from app.visits.enums import Channel, InteractionStatus, Method
from app.visits.models import Interaction
from app.visits.queries import last_touches
from tests.browser.conftest import screenshot, wait_until
from tests.browser.test_archive_flow import sign_in
from tests.factories import CadenceRuleFactory, ClientFactory, ContactFactory, make_user

OFFLINE = "无法连接服务器。您输入的内容仍然保留，请稍后重试。"
TAP = 44  # px, the smallest touch target (app.css --tap)


def a_rep_and_an_overdue_a_client(db):
    """A grade-A client (phone every 14 days) entered 60 days ago and never called: overdue on the phone."""
    rep = make_user("sales", username="lixy", display_name="李晓燕")
    CadenceRuleFactory(value="A", channel=Channel.PHONE, interval_days=14)
    record = ClientFactory(name="南充市中心医院", owner_id=rep.id, value_grade=ValueGrade.A,
                           created_at=utcnow() - timedelta(days=60))
    contact = ContactFactory(client_id=record.id, name="何志明")
    db.session.commit()
    return rep, record, contact


def choice(form, name, value):
    """The big tappable label around one radio or checkbox."""
    return form.locator("label.choice").filter(has=form.page.locator(f"input[name='{name}'][value='{value}']"))


def draft(page, record):
    stored = page.evaluate(f"localStorage.getItem('quick-log-{record.id}')")
    return json.loads(stored) if stored else None


def rows(db, **where):
    db.session.expire_all()
    return db.session.execute(select(Interaction).filter_by(**where)).unique().scalars().all()


def phone_overdue_names(page, live_server):
    page.goto(f"{live_server}/visits/overdue?channel=phone")
    return page.locator("main table a").all_inner_texts()


def test_a_phone_call_logged_on_the_client_page_resets_the_phone_clock(page, live_server, db, app):
    rep, record, contact = a_rep_and_an_overdue_a_client(db)
    sign_in(page, live_server, "lixy")
    assert "南充市中心医院" in phone_overdue_names(page, live_server)
    assert (record.id, "phone") not in last_touches(rep)

    page.goto(f"{live_server}/clients/{record.id}")
    page.evaluate("window.__marker = 'no reload'")
    form = page.locator("form.quick-log")
    for target in form.locator("label.choice").all():
        box = target.bounding_box()
        assert box["height"] >= TAP and box["width"] >= TAP, target.inner_text()

    choice(form, "method", "phone").tap()
    choice(form, "contact_ids", contact.id).tap()
    form.locator("textarea[name='summary']").fill("电话回访：系统运行稳定，下月升级")
    choice(form, "satisfaction", "5").tap()
    expect(form.locator(".draft-note")).to_be_visible()
    first_key = form.locator("input[name='client_key']").input_value()
    assert len(first_key) >= 32
    screenshot(page, "quick-log-768x1024")
    form.locator("button[type='submit']").tap()

    expect(page.locator("#visits .timeline")).to_contain_text("电话回访：系统运行稳定，下月升级")
    assert page.evaluate("window.__marker") == "no reload"
    form = page.locator("form.quick-log")
    expect(form.locator("textarea[name='summary']")).to_have_value("")
    expect(form.locator(".draft-note")).to_be_hidden()
    assert draft(page, record) is None
    new_key = form.locator("input[name='client_key']").input_value()
    assert new_key and new_key != first_key  # the next entry is a new one, never taken for this one
    screenshot(page, "quick-log-logged-768x1024")

    [visit] = rows(db, client_id=record.id)
    assert (visit.method, visit.status, visit.client_key) == (Method.PHONE, InteractionStatus.DONE, first_key)
    assert [c.id for c in visit.contacts] == [contact.id]
    assert last_touches(rep)[(record.id, "phone")].date() == local_today()
    assert "南充市中心医院" not in phone_overdue_names(page, live_server)


def test_offline_the_typed_text_survives_a_reload_and_is_saved_once(page, live_server, db, app):
    _rep, record, _contact = a_rep_and_an_overdue_a_client(db)
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/clients/{record.id}")
    form = page.locator("form.quick-log")
    choice(form, "method", "phone").tap()
    form.locator("textarea[name='summary']").fill("断网时写下的记录")
    key = form.locator("input[name='client_key']").input_value()

    page.context.set_offline(True)
    form.locator("button[type='submit']").tap()
    expect(page.locator("#request-error")).to_have_text(OFFLINE)
    expect(page.locator("#request-error")).to_be_visible()
    expect(form.locator("textarea[name='summary']")).to_have_value("断网时写下的记录")
    assert draft(page, record)["fields"]["client_key"] == [key]
    screenshot(page, "quick-log-offline-768x1024")

    page.context.set_offline(False)
    page.reload()
    form = page.locator("form.quick-log")
    expect(form.locator("textarea[name='summary']")).to_have_value("断网时写下的记录")
    expect(form.locator("input[name='method'][value='phone']")).to_be_checked()
    expect(form.locator(".draft-note")).to_be_visible()
    assert form.locator("input[name='client_key']").input_value() == key  # the same draft, the same key
    other_tab = page.context.new_page()  # no form state a browser restores itself: only the draft
    other_tab.goto(f"{live_server}/clients/{record.id}")
    expect(other_tab.locator("form.quick-log textarea[name='summary']")).to_have_value("断网时写下的记录")
    other_tab.close()

    form.locator("button[type='submit']").tap()
    expect(page.locator("#visits .timeline")).to_contain_text("断网时写下的记录")
    form = page.locator("form.quick-log")
    expect(form.locator("textarea[name='summary']")).to_have_value("")  # nothing left to send twice
    assert draft(page, record) is None
    page.reload()
    expect(page.locator("form.quick-log textarea[name='summary']")).to_have_value("")

    [visit] = rows(db, summary="断网时写下的记录")
    assert visit.client_key == key and visit.method == Method.PHONE


def test_a_missing_summary_shows_the_error_by_the_field_and_keeps_the_choices(page, live_server, db, app):
    _rep, record, _contact = a_rep_and_an_overdue_a_client(db)
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/clients/{record.id}")
    page.evaluate("window.__marker = 'no reload'")
    form = page.locator("form.quick-log")
    choice(form, "method", "wechat").tap()
    form.locator("input[name='next_action']").fill("寄送升级方案")
    key = form.locator("input[name='client_key']").input_value()
    form.locator("button[type='submit']").tap()

    expect(form.locator("#summary-error")).to_have_text("该字段是必填字段。")
    expect(form.locator("textarea[name='summary']")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name='method'][value='wechat']")).to_be_checked()
    expect(form.locator("input[name='next_action']")).to_have_value("寄送升级方案")
    assert page.evaluate("window.__marker") == "no reload"
    assert draft(page, record) is not None  # the server answered with errors: nothing is saved yet
    screenshot(page, "quick-log-error-768x1024")

    form.locator("textarea[name='summary']").fill("微信沟通升级事宜")
    form.locator("button[type='submit']").tap()
    expect(page.locator("#visits .timeline")).to_contain_text("微信沟通升级事宜")
    [visit] = rows(db, client_id=record.id)
    assert (visit.method, visit.client_key, visit.next_action) == (Method.WECHAT, key, "寄送升级方案")
    assert draft(page, record) is None


def test_without_storage_the_quick_log_still_works(page, live_server, db, app):
    """Private mode or a locked-down tablet: localStorage throws; the form posts as before, no draft is promised."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script("Object.defineProperty(window, 'localStorage', {get() { throw new DOMException("
                         "'denied', 'SecurityError'); }})")
    _rep, record, _contact = a_rep_and_an_overdue_a_client(db)
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/clients/{record.id}")
    form = page.locator("form.quick-log")
    choice(form, "method", "phone").tap()
    form.locator("textarea[name='summary']").fill("无痕模式下的记录")
    expect(form.locator(".draft-note")).to_be_hidden()
    assert form.locator("input[name='client_key']").input_value()
    form.locator("button[type='submit']").tap()
    expect(page.locator("#visits .timeline")).to_contain_text("无痕模式下的记录")
    assert len(rows(db, summary="无痕模式下的记录")) == 1
    assert errors == []


def test_when_htmx_did_not_load_the_plain_post_saves_and_the_draft_is_done(page, live_server, db, app):
    """The CDN unreachable: the form posts as a plain page; the fresh form after the redirect drops the draft,
    a plain post answered with errors keeps it."""
    page.route(app.config["HTMX_URL"], lambda route: route.abort())
    _rep, record, _contact = a_rep_and_an_overdue_a_client(db)
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/clients/{record.id}")
    assert page.evaluate("typeof window.htmx") == "undefined"
    form = page.locator("form.quick-log")
    form.locator("input[name='next_action']").fill("下周再打")
    form.locator("button[type='submit']").tap()
    expect(form.locator("#summary-error")).to_be_visible()  # the whole page again, 422
    expect(form.locator("input[name='next_action']")).to_have_value("下周再打")
    assert draft(page, record) is not None

    form.locator("textarea[name='summary']").fill("没有 htmx 也能记录")
    form.locator("button[type='submit']").tap()
    expect(page.locator("#visits .timeline")).to_contain_text("没有 htmx 也能记录")
    expect(page.locator("form.quick-log textarea[name='summary']")).to_have_value("")
    # the page script drops the draft once the fresh form has loaded: wait for it rather than race it
    wait_until(page, f"localStorage.getItem('quick-log-{record.id}') === null")
    assert draft(page, record) is None
    assert len(rows(db, summary="没有 htmx 也能记录")) == 1


def test_a_session_lost_mid_quick_log_brings_the_rep_back_to_the_client_with_the_draft(page, live_server, db, app):
    from tests.factories import PASSWORD

    _rep, record, _contact = a_rep_and_an_overdue_a_client(db)
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/clients/{record.id}")
    form = page.locator("form.quick-log")
    choice(form, "method", "phone").tap()
    form.locator("textarea[name='summary']").fill("会话过期前写下的记录")
    page.context.clear_cookies()  # the session ends while the rep types (a timeout, a sign-out elsewhere)
    form.locator("button[type='submit']").tap()

    expect(page).to_have_url(f"{live_server}/auth/login?next=/clients/{record.id}")
    expect(page.locator(".flash-info")).to_contain_text("登录已过期")
    page.get_by_label("用户名").fill("lixy")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server}/clients/{record.id}")  # back on the page, not a 405
    summary = page.locator("form.quick-log textarea[name='summary']")
    expect(summary).to_have_value("会话过期前写下的记录")  # the draft waited on the device
    page.locator("form.quick-log button[type='submit']").tap()
    expect(page.locator("#visits .timeline")).to_contain_text("会话过期前写下的记录")
    assert len(rows(db, summary="会话过期前写下的记录")) == 1
