"""Completing a planned visit's record on a tablet (768x1024): the contacts and extra services are tappable chips
with the box by its name, and ticking "the visit took place" shows the done time as now."""
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_archive_flow import sign_in
from tests.factories import ClientFactory, ContactFactory, InteractionFactory, make_user


def test_the_record_form_has_its_boxes_by_their_names_and_fills_the_done_time(page, live_server, db):
    rep = make_user("sales", username="lixy", display_name="李晓燕")
    record = ClientFactory(name="南充市中心医院", owner_id=rep.id)
    ContactFactory(client_id=record.id, name="何志明")
    visit = InteractionFactory(client_id=record.id, user_id=rep.id, planned=True,
                               planned_at=datetime.now() - timedelta(hours=2))
    db.session.commit()
    sign_in(page, live_server, "lixy")
    page.goto(f"{live_server}/visits/{visit.id}/edit")

    for name, value in (("contact_ids", None), ("extra_services", "dust")):
        box = page.locator(f"input[name='{name}']" + (f"[value='{value}']" if value else "")).first
        label = page.locator("label.choice").filter(has=box)
        expect(label).to_be_visible()
        box_at, label_at = box.bounding_box(), label.bounding_box()
        assert label_at["width"] < 400 and box_at["x"] - label_at["x"] < 40, (name, box_at, label_at)
    page.get_by_text("何志明").click()  # a tap on the name ticks the box
    expect(page.locator("input[name='contact_ids']").first).to_be_checked()

    done_at = page.locator("input[name='done_at']")

    def shows_now():
        shown = datetime.fromisoformat(done_at.input_value())
        return abs(shown - datetime.now()) < timedelta(minutes=2)

    assert shows_now()  # ticked as the form comes: the time is filled in
    done_at.fill("")
    page.locator("input[name='mark_done']").uncheck()
    assert done_at.input_value() == ""
    page.locator("input[name='mark_done']").check()
    assert shows_now()
    screenshot(page, "visit-record-768x1024")
