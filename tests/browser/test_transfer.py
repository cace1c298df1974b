"""A manager hands clients over on a tablet (768x1024): choosing the new owner leaves the list and the ticks alone,
an empty selection is refused with a message, and the clients' planned visits go along to the new rep."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.archive.models import Client
from app.core.clock import utcnow
from app.visits.models import Interaction
from tests.browser.conftest import screenshot
from tests.browser.test_archive_flow import sign_in
from tests.factories import ClientFactory, InteractionFactory, make_user


def test_handing_clients_over_keeps_the_ticks_and_carries_planned_visits(page, live_server, db):
    make_user("manager", username="wangjg", display_name="王建国")
    leaving = make_user("sales", username="lixy", display_name="李晓燕")
    taking = make_user("sales", username="zhangw", display_name="张伟")
    first = ClientFactory(name="南充市中心医院", owner_id=leaving.id)
    ClientFactory(name="宜宾市第二人民医院", owner_id=leaving.id)
    ClientFactory(name="自贡市第一人民医院", owner_id=leaving.id)
    planned = InteractionFactory(client_id=first.id, user_id=leaving.id, planned=True,
                                 planned_at=utcnow() + timedelta(days=3))
    db.session.commit()
    sign_in(page, live_server, "wangjg")
    page.goto(f"{live_server}/clients/")

    owner = page.locator("#new_owner")
    owner.select_option(label="张伟")  # choosing the owner must not reload the list
    page.get_by_role("button", name="移交").click()
    expect(page.locator("#transfer-message")).to_contain_text("请先勾选要移交的客户")
    expect(owner).to_have_value(str(taking.id))

    page.get_by_role("checkbox", name="南充市中心医院").check()
    page.get_by_role("checkbox", name="宜宾市第二人民医院").check()
    owner.select_option(label="王建国")
    owner.select_option(label="张伟")
    page.wait_for_timeout(500)  # time for a stray filter request to have wiped the ticks, as it used to
    expect(page.get_by_role("checkbox", name="南充市中心医院")).to_be_checked()
    screenshot(page, "transfer-768x1024")
    page.get_by_role("button", name="移交").click()
    expect(page.locator(".flash-success")).to_contain_text("已移交 2 个客户")

    db.session.expire_all()
    owners = dict(db.session.execute(select(Client.name, Client.owner_id)).all())
    assert owners == {"南充市中心医院": taking.id, "宜宾市第二人民医院": taking.id, "自贡市第一人民医院": leaving.id}
    assert db.session.get(Interaction, planned.id).user_id == taking.id  # the planned visit went along
