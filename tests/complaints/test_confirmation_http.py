"""The client's confirmation link: made when a complaint awaits the client, shown on the complaint page, answered
on a phone page that shows nothing internal; used once; the answer lands on the timeline and moves the state."""
import re
from datetime import timedelta

import pytest

from app.complaints import confirmation, services
from app.complaints.enums import ComplaintStatus as S
from app.complaints.enums import EventKind
from app.complaints.models import Complaint
from app.core import links
from app.core.clock import utcnow
from app.visits.enums import Satisfaction
from tests.factories import ClientFactory, ContactFactory, make_user

MARKER = "INTERNAL-MARKER-7"
INTERNAL_CLIENT_FIELDS = ("business_situation", "after_sales_situation", "it_situation", "needs", "competitors",
                          "notes")
INTERNAL_CONTACT_FIELDS = ("hobbies", "personality", "family_notes", "notes", "authority", "hometown", "tenure")


def complaint_awaiting_client(db, *, owner=None, marked=False):
    """A complaint moved to 反馈 through the services, its link issued as the status change will; with
    ``marked`` a marker in every internal field of its client, contact and itself, and in a timeline note."""
    engineer = make_user("service")
    client = ClientFactory(owner_id=(owner or make_user("sales")).id)
    contact = ContactFactory(client_id=client.id, name="钱主任")
    if marked:
        for name in INTERNAL_CLIENT_FIELDS:
            setattr(client, name, f"{MARKER} {name}")
        for name in INTERNAL_CONTACT_FIELDS:
            setattr(contact, name, f"{MARKER} {name}")
    complaint = services.create_complaint(client, {
        "title": "门诊收费系统打印发票卡顿", "contact_id": contact.id,
        "description": f"{MARKER} description" if marked else "收费窗口排长队"}, engineer)
    for target in (S.ANALYSING, S.RESOLVING, S.FEEDBACK):
        services.change_status(complaint, target, engineer, note=f"{MARKER} note" if marked else "")
    if marked:
        complaint.root_cause, complaint.solution = f"{MARKER} root cause", f"{MARKER} solution"
        services.add_note(complaint, f"{MARKER} internal note", engineer)
    complaint.resolution_summary = "已升级打印驱动并调整发票模板，收费窗口恢复正常。"
    token = confirmation.on_feedback(complaint, engineer)  # a fresh one, whose token the test knows
    db.session.commit()
    return complaint, f"/p/c/{token}"


def test_the_page_shows_only_client_safe_facts(client, db):
    complaint, url = complaint_awaiting_client(db, marked=True)
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert complaint.number in html and "门诊收费系统打印发票卡顿" in html and "已升级打印驱动" in html
    assert MARKER not in html
    assert "mainnav" not in html and "<script" not in html and 'name="viewport"' in html
    assert "已解决" in html and "非常满意" in html and "非常不满意" in html


def test_fixed_stores_the_satisfaction_and_the_complaint_becomes_closable(client, db):
    complaint, url = complaint_awaiting_client(db)
    answered = client.post(url, data={"fixed": "yes", "satisfaction": "4", "comment": "打印很快了"})
    assert answered.status_code == 302 and answered.headers["Location"].endswith("/p/thanks")
    assert "感谢" in client.get(answered.headers["Location"]).get_data(as_text=True)

    db.session.expire_all()
    complaint = db.session.get(Complaint, complaint.id)
    assert complaint.status is S.FEEDBACK
    assert (complaint.satisfaction, complaint.confirmed_by) == (Satisfaction.SATISFIED, "钱主任（扫码确认）")
    answer = next(e for e in complaint.events if e.kind is EventKind.CLIENT_ANSWER)
    assert answer.user_id is None and "打印很快了" in answer.text and "满意" in answer.text

    services.change_status(complaint, S.CLOSED, make_user("service"),
                           data={"root_cause": "驱动版本过旧", "solution": "升级驱动"})
    db.session.commit()
    assert complaint.status is S.CLOSED
    assert client.get(url).status_code == 404
    assert client.post(url, data={"fixed": "yes", "satisfaction": "5"}).status_code == 404


def test_not_fixed_goes_back_to_resolving_with_the_comment(client, db):
    complaint, url = complaint_awaiting_client(db)
    assert client.post(url, data={"fixed": "no", "satisfaction": "2", "comment": "还是很慢"}).status_code == 302
    db.session.expire_all()
    complaint = db.session.get(Complaint, complaint.id)
    assert complaint.status is S.RESOLVING and complaint.satisfaction is None
    back = next(e for e in complaint.events if e.kind is EventKind.STATUS and e.to_status is S.RESOLVING
                and e.from_status is S.FEEDBACK)
    assert back.user_id is None and back.text == "还是很慢"
    assert client.get(url).status_code == 404


def test_a_missing_answer_is_asked_for_and_nothing_is_saved(client, db):
    complaint, url = complaint_awaiting_client(db)
    response = client.post(url, data={"comment": "先写了意见"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "先写了意见" in html
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).satisfaction is None
    assert links.resolve(url.rsplit("/", 1)[1], confirmation.PURPOSE) is not None  # still open


@pytest.mark.parametrize("mangle", [lambda t: t[:-1], lambda t: t.split(".")[0], lambda t: "A" + t[1:],
                                    lambda t: t + "x"])
def test_a_bad_token_is_a_plain_404(client, db, mangle):
    _complaint, url = complaint_awaiting_client(db)
    token = url.rsplit("/", 1)[1]
    response = client.get(f"/p/c/{mangle(token)}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "该链接已失效" in html
    assert "mainnav" not in html and "/auth/login" not in html


def test_an_expired_link_is_a_404(client, db):
    complaint, url = complaint_awaiting_client(db)
    link = links.current(confirmation.PURPOSE, complaint.id, complaint.client_id)
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(url).status_code == 404


def test_a_confirmation_token_does_not_open_a_survey(client, db):
    _complaint, url = complaint_awaiting_client(db)
    assert client.get(url.replace("/p/c/", "/p/s/")).status_code == 404


def test_a_form_left_open_too_long_asks_to_open_the_link_again(app, client, db):
    _complaint, url = complaint_awaiting_client(db)
    response = client.post(url, data={"fixed": "yes", "satisfaction": "5"}, csrf=False)
    assert response.status_code == 400 and "请重新打开链接" in response.get_data(as_text=True)


def _staff_page(complaint):
    """What the complaint page shows from the partial (the page itself is another part's)."""
    from flask import render_template
    return render_template("complaints/_confirmation.html", complaint=complaint)


def test_the_staff_partial_shows_the_qr_code_url_and_expiry(app, db):
    complaint, url = complaint_awaiting_client(db)
    user = make_user("service")
    with app.test_request_context():
        from flask_login import login_user
        login_user(user)
        html = _staff_page(complaint)
    assert "<svg" in html and f"http://localhost{url}" in html
    assert "有效期至" in html and f"/complaints/{complaint.id}/confirmation-link" in html


@pytest.mark.parametrize("role, status", [("service", 302), ("manager", 302), ("admin", 302), ("sales", 403)])
def test_who_may_make_a_new_link(client, login_as, db, role, status):
    user = login_as(role)
    complaint, url = complaint_awaiting_client(db, owner=user if role == "sales" else None)
    response = client.post(f"/complaints/{complaint.id}/confirmation-link")
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].endswith(f"/complaints/{complaint.id}#confirmation")
        assert client.get(url).status_code == 404  # the old code stopped working
        assert links.current(confirmation.PURPOSE, complaint.id, complaint.client_id) is not None


def test_no_new_link_once_the_complaint_left_feedback(client, login_as, db):
    login_as("service")
    complaint, url = complaint_awaiting_client(db)
    services.change_status(complaint, S.RESOLVING, None)  # leaving 反馈 retires the link
    db.session.commit()
    issued = len(db.session.execute(db.select(links.ClientLink)).all())
    assert client.get(url).status_code == 404
    assert client.post(f"/complaints/{complaint.id}/confirmation-link").status_code == 302
    assert links.current(confirmation.PURPOSE, complaint.id, complaint.client_id) is None
    assert len(db.session.execute(db.select(links.ClientLink)).all()) == issued


def test_the_link_of_another_reps_complaint_is_404_for_sales(client, login_as, db):
    login_as("service")  # a service engineer may; then a rep who does not own the client may not even see it
    complaint, _url = complaint_awaiting_client(db)
    client.post("/auth/logout")
    login_as("sales")
    assert client.post(f"/complaints/{complaint.id}/confirmation-link").status_code in (403, 404)


def test_token_in_html_is_the_shown_url(app, db):
    complaint, url = complaint_awaiting_client(db)
    with app.test_request_context():
        shown = confirmation.shown_link(complaint)
    assert re.search(r"/p/c/[\w.-]+$", shown.url) and shown.url.endswith(url)
