"""The working-calendar and SLA policy pages (admin only, errors by the field, audited) and the complaints'
sections of Today (managers see every overdue complaint, everyone else their own)."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.complaints import sla
from app.complaints.enums import Severity
from app.complaints.services import create_complaint
from app.core.clock import local_now
from app.core.models import AuditEvent, Setting
from app.core.workdays import WorkdayOverride
from tests.factories import ClientFactory, make_user


def audit_rows(db, entity):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)).all()


@pytest.mark.parametrize("url", ["/admin/workdays", "/complaints/sla-policy"])
@pytest.mark.parametrize("role", ["manager", "sales", "service"])
def test_only_admins_open_the_calendar_and_the_policy(client, login_as, role, url):
    login_as(role)
    assert client.get(url).status_code == 403
    assert client.post(url, data={}).status_code == 403


def test_the_calendar_shows_the_years_holidays_and_make_up_workdays(client, login_as):
    login_as("admin")
    html = client.get("/admin/workdays?year=2026").get_data(as_text=True)
    assert "2026 年工作日历" in html and "2026-10-01 国庆节" in html
    for make_up in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"):
        assert f"<li>{make_up}</li>" in html
    assert "暂无本年数据" in client.get("/admin/workdays?year=2027").get_data(as_text=True)  # no 调休 yet
    assert "工作日历" in client.get("/").get_data(as_text=True)  # in the settings menu


def test_an_override_is_added_refused_when_taken_and_removed_with_the_audit_trail(client, login_as, db):
    login_as("admin")
    response = client.post("/admin/workdays", data={"day": "2027-02-20", "kind": "workday", "note": "春节调休"})
    assert response.status_code == 302 and response.location.endswith("/admin/workdays?year=2027")
    override = db.session.scalar(select(WorkdayOverride))
    assert (override.day, override.is_workday, override.note) == (date(2027, 2, 20), True, "春节调休")
    assert "春节调休" in client.get("/admin/workdays?year=2027").get_data(as_text=True)

    again = client.post("/admin/workdays", data={"day": "2027-02-20", "kind": "holiday", "note": "重复录入"})
    html = again.get_data(as_text=True)
    assert again.status_code == 422 and "该日期已有调整，请先删除。" in html and 'value="重复录入"' in html
    missing = client.post("/admin/workdays", data={"kind": "holiday", "note": "没填日期"})
    assert missing.status_code == 422 and 'value="没填日期"' in missing.get_data(as_text=True)
    assert db.session.scalar(select(WorkdayOverride.note)) == "春节调休"

    assert client.post(f"/admin/workdays/{override.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(WorkdayOverride)) is None
    assert [row.action for row in audit_rows(db, "workday_overrides")] == ["create", "purge"]


def overdue_complaint(owner, client_owner, title, days_ago=30):
    received = local_now().replace(microsecond=0) - timedelta(days=days_ago)
    data = {"title": title, "severity": Severity.COMPLEX, "received_at": received, "owner_id": owner.id}
    return create_complaint(ClientFactory(owner_id=client_owner.id), data, owner)


def test_a_calendar_change_moves_open_complaints_due_times(client, login_as, db):
    login_as("admin")
    rep = make_user("sales")
    complaint = overdue_complaint(rep, rep, "门诊收费卡顿", days_ago=0)
    complaint.received_at = datetime(2026, 9, 30, 10)  # due 10-08 10:00, plan 10-10 10:00
    sla.refresh(complaint, complaint.received_at)
    db.session.commit()
    client.post("/admin/workdays", data={"day": "2026-10-08", "kind": "holiday", "note": "补休"})
    db.session.expire_all()
    assert (complaint.response_due_at, complaint.plan_due_at) == (datetime(2026, 10, 9, 10), datetime(2026, 10, 12, 10))


def test_the_policy_is_saved_audited_and_refused_by_the_field(client, login_as, db):
    login_as("admin")
    html = client.get("/complaints/sla-policy").get_data(as_text=True)
    assert 'name="urgent-response_hours" required type="number" value="4"' in html  # the defaults
    assert 'name="ordinary-plan_days" type="number" value=""' in html

    bad = {"ordinary-response_hours": "0", "complex-response_hours": "24", "complex-plan_days": "12",
           "complex-resolution_days": "10", "urgent-response_hours": "4"}
    response = client.post("/complaints/sla-policy", data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "方案时限不能晚于解决时限。" in html and 'value="12"' in html
    assert db.session.get(Setting, sla.POLICY_SETTING) is None

    good = {"ordinary-response_hours": "24", "ordinary-resolution_days": "5", "complex-response_hours": "12",
            "complex-plan_days": "2", "complex-resolution_days": "8", "urgent-response_hours": "2",
            "urgent-plan_days": "1", "urgent-resolution_days": "2"}
    assert client.post("/complaints/sla-policy", data=good).status_code == 302
    assert sla.policy()["complex"] == {"response_hours": 12, "plan_days": 2, "resolution_days": 8}
    assert sla.policy()["ordinary"]["plan_days"] is None
    [change] = audit_rows(db, "settings")
    assert change.changes[sla.POLICY_SETTING][1]["complex"]["plan_days"] == 2


def test_today_lists_overdue_complaints_for_managers_and_owners(client, login_as, db):
    rep, other_rep = make_user("sales"), make_user("sales")
    overdue_complaint(rep, rep, "住院结算报错")
    overdue_complaint(other_rep, other_rep, "检验接口中断")
    db.session.commit()

    login_as("manager")
    html = client.get("/").get_data(as_text=True)
    assert "超时投诉" in html and "住院结算报错" in html and "检验接口中断" in html and "已上报主管" in html

    client.post("/auth/logout")
    login_as("sales", username=rep.username + "x")  # a rep with no complaint of their own
    assert "超时投诉" not in client.get("/").get_data(as_text=True)


def test_a_rep_sees_only_their_own_and_what_falls_due_soon(client, login_as, db):
    rep = login_as("sales")
    other_rep = make_user("sales")
    overdue_complaint(rep, rep, "住院结算报错")
    overdue_complaint(other_rep, other_rep, "检验接口中断")
    overdue_complaint(rep, rep, "打印机驱动", days_ago=0)  # received now: first response due within a day
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "住院结算报错" in html and "检验接口中断" not in html
    assert "一个工作日内到期的投诉" in html and "打印机驱动" in html
    fragment = html.split('id="today-complaints-due"')[1]
    assert "住院结算报错" not in fragment  # overdue is not "due soon"


def test_todays_complaint_sections_read_a_fixed_number_of_queries(client, login_as, db, query_counter):
    manager = login_as("manager")
    for index in range(3):
        overdue_complaint(manager, manager, f"问题{index}")
    db.session.commit()
    with query_counter() as few:
        client.get("/")
    for index in range(12):
        overdue_complaint(manager, manager, f"更多问题{index}")
    db.session.commit()
    with query_counter() as many:
        html = client.get("/").get_data(as_text=True)
    assert len(many) == len(few)
    assert "/complaints/?overdue=1" in html  # more than Today shows: a link to the full list
