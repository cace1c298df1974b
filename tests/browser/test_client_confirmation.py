"""Acceptance 5: the client scans the QR code with a phone (390x844), confirms the fix with a rating, and the
complaint becomes closable; the link then answers 404, as an expired one does; no internal field shows."""
import re
from datetime import timedelta
from pathlib import Path

from app.complaints import confirmation, services
from app.complaints.enums import ComplaintStatus as S
from app.complaints.enums import EventKind
from app.complaints.models import Complaint
from app.core import links
from app.core.clock import utcnow
from app.visits.enums import Satisfaction
from tests.complaints.test_confirmation_http import MARKER, complaint_awaiting_client
from tests.factories import make_user

PHONE = {"width": 390, "height": 844}
WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Mobile/15E148 MicroMessenger/8.0.50")  # WeChat's in-app browser
SHOTS = Path("/tmp/shots")


def _phone(browser):
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", user_agent=WECHAT)


def _choose(page, text):
    page.locator("label.choice span", has_text=re.compile(f"^{text}$")).click()


def test_the_client_confirms_from_a_phone(live_server, browser, db):
    complaint, path = complaint_awaiting_client(db, marked=True)
    SHOTS.mkdir(exist_ok=True)
    context = _phone(browser)
    page = context.new_page()
    try:
        response = page.goto(live_server + path)
        assert response.status == 200
        assert MARKER not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
        page.screenshot(path=str(SHOTS / "public-confirm.png"), full_page=True)

        _choose(page, "已解决")
        _choose(page, "满意")
        page.fill("textarea[name=comment]", "打印速度恢复了，谢谢！")
        page.screenshot(path=str(SHOTS / "public-confirm-filled.png"), full_page=True)
        page.get_by_role("button", name="提交").click()
        page.wait_for_url(re.compile(r"/p/thanks$"))
        assert "感谢" in page.content()
        page.screenshot(path=str(SHOTS / "public-thanks.png"), full_page=True)

        assert page.goto(live_server + path).status == 404
        assert "该链接已失效" in page.content()
        page.screenshot(path=str(SHOTS / "public-404.png"), full_page=True)
    finally:
        context.close()

    db.session.expire_all()
    complaint = db.session.get(Complaint, complaint.id)
    assert complaint.satisfaction is Satisfaction.SATISFIED and complaint.confirmed_by
    assert any(e.kind is EventKind.CLIENT_ANSWER and "打印速度恢复了" in e.text for e in complaint.events)
    # Closable: root cause and solution are enough now, satisfaction and confirmed_by came from the client.
    services.change_status(complaint, S.CLOSED, make_user("service"),
                           data={"root_cause": "驱动版本过旧", "solution": "升级打印驱动"})
    db.session.commit()
    assert complaint.status is S.CLOSED


def test_an_expired_link_answers_404_on_the_phone(live_server, browser, db):
    complaint, path = complaint_awaiting_client(db)
    link = links.current(confirmation.PURPOSE, complaint.id, complaint.client_id)
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    context = _phone(browser)
    try:
        page = context.new_page()
        assert page.goto(live_server + path).status == 404
        assert "该链接已失效" in page.content() and "登录" not in page.content()
    finally:
        context.close()
