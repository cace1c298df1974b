"""The month's product updates: entered once by an admin or a manager, audited, printed in every client's report."""
from datetime import date

import pytest
from sqlalchemy import select

from app.core.models import AuditEvent
from app.reports.models import ProductUpdate

PAGE = "/reports/product-updates"


@pytest.fixture
def november(app, monkeypatch):
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", date(2026, 11, 10))


def test_a_manager_adds_edits_and_deletes_an_update_with_an_audit_trail(client, db, login_as, november):
    login_as("manager")
    form = client.get(f"{PAGE}/new").get_data(as_text=True)
    assert 'value="2026-10"' in form  # last month: the reports about to go out

    added = client.post(f"{PAGE}/new", data={"month": "2026-10", "title": "电子病历 5.2 发布",
                                              "body": "新增病历质控规则", "position": "2"})

    assert added.status_code == 302 and added.location.endswith(f"{PAGE}?month=2026-10")
    update = db.session.execute(select(ProductUpdate)).scalar_one()
    assert (update.month, update.title, update.body, update.position) == (date(2026, 10, 1), "电子病历 5.2 发布",
                                                                          "新增病历质控规则", 2)
    listing = client.get(f"{PAGE}?month=2026-10").get_data(as_text=True)
    assert "电子病历 5.2 发布" in listing and "新增病历质控规则" in listing
    assert "电子病历 5.2 发布" not in client.get(f"{PAGE}?month=2026-09").get_data(as_text=True)

    edited = client.post(f"{PAGE}/{update.id}", data={"month": "2026-10", "title": "电子病历 5.3 发布", "body": "",
                                                      "position": "1", "version": update.version})
    assert edited.status_code == 302
    deleted = client.post(f"{PAGE}/{update.id}/delete")
    assert deleted.status_code == 302 and db.session.execute(select(ProductUpdate)).first() is None

    trail = db.session.execute(select(AuditEvent).where(AuditEvent.entity == "product_updates")
                               .order_by(AuditEvent.id)).scalars().all()
    assert [event.action for event in trail] == ["create", "update", "purge"]
    assert trail[1].changes["title"] == ["电子病历 5.2 发布", "电子病历 5.3 发布"]


def test_bad_input_is_shown_by_the_field_with_the_typed_values_kept(client, db, login_as, november):
    login_as("admin")
    response = client.post(f"{PAGE}/new", data={"month": "2026-99", "title": "", "body": "保留我", "position": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count('class="error"') >= 3 and "保留我" in html
    assert db.session.execute(select(ProductUpdate)).first() is None


@pytest.mark.parametrize("role", ["sales", "service"])
def test_only_admins_and_managers_keep_the_updates(client, db, login_as, role, november):
    login_as(role)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/new", data={"month": "2026-10", "title": "x"}).status_code == 403
    assert db.session.execute(select(ProductUpdate)).first() is None


def test_the_settings_menu_lists_the_page_for_managers(client, db, login_as):
    login_as("manager")
    assert f'href="{PAGE}"' in client.get("/").get_data(as_text=True)
