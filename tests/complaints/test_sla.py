"""SLA clocks on China's working calendar (acceptance 1): due times from the policy, pauses while the client
confirms, the clocks as shown, the overdue condition lists use. Frozen times throughout."""
from datetime import datetime

import pytest
from flask import render_template_string

from app.complaints import sla
from app.complaints.enums import ComplaintStatus, Severity
from app.complaints.models import Complaint
from app.complaints.sla import ClockState, due_times
from app.core.models import put_setting
from app.core.workdays import WorkdayOverride
from app.extensions import db
from tests.factories import ClientFactory

COMPLEX = sla.DEFAULT_POLICY["complex"]  # 24 h response, plan 3, resolution 10 working days
URGENT = sla.DEFAULT_POLICY["urgent"]


def test_a_complex_complaint_before_national_day():
    # Received Wednesday 09-30 10:00; 10-01..10-07 off, 10-10 a make-up Saturday.
    due = due_times(datetime(2026, 9, 30, 10), COMPLEX, 0, {})
    assert due["response_due_at"] == datetime(2026, 10, 8, 10)
    assert due["plan_due_at"] == datetime(2026, 10, 10, 10)
    assert due["resolution_due_at"] == datetime(2026, 10, 20, 10)


def test_an_urgent_complaint_on_friday_evening_and_an_ordinary_one_has_no_plan_clock():
    due = due_times(datetime(2026, 3, 6, 22), URGENT, 0, {})
    assert due["response_due_at"] == datetime(2026, 3, 9, 2)  # 2 h on Friday, 2 h on Monday
    assert due["plan_due_at"] == datetime(2026, 3, 9, 22)
    assert due_times(datetime(2026, 3, 6, 22), sla.DEFAULT_POLICY["ordinary"], 0, {})["plan_due_at"] is None


def test_paused_working_time_moves_the_due_times():
    # Paused from Friday 12:00 to Tuesday 12:00: only Friday's 12 h and Monday's 24 h and Tuesday's 12 h count.
    received = datetime(2026, 3, 2, 9)
    paused = sla.working_seconds(datetime(2026, 3, 6, 12), datetime(2026, 3, 10, 12))
    assert paused == 48 * 3600
    before, after = due_times(received, COMPLEX, 0, {}), due_times(received, COMPLEX, paused, {})
    assert before["resolution_due_at"] == datetime(2026, 3, 16, 9)
    assert after["resolution_due_at"] == datetime(2026, 3, 18, 9)


@pytest.fixture
def shown(app, db):
    """A request, for the clocks' texts in the user's language (zh_CN by default)."""
    with app.test_request_context():
        yield


def complaint(**values) -> Complaint:
    client = ClientFactory()
    values = {"number": "TS-2026-9999", "severity": Severity.COMPLEX, "status": ComplaintStatus.ACCEPTED,
              "received_at": datetime(2026, 3, 2, 9), "paused_seconds": 0, **values}
    row = Complaint(client=client, client_id=client.id, title="HIS 挂号模块报错", **values)
    db.session.add(row)
    return row


def test_pause_while_awaiting_confirmation_then_not_fixed(db, shown):
    row = complaint(responded_at=datetime(2026, 3, 2, 10), plan_at=datetime(2026, 3, 3, 9),
                    resolved_at=datetime(2026, 3, 6, 12), status=ComplaintStatus.FEEDBACK)
    sla.refresh(row, datetime(2026, 3, 6, 12))
    assert row.resolution_due_at == datetime(2026, 3, 16, 9)
    sla.pause(row, datetime(2026, 3, 6, 12))
    assert [clock.state for clock in sla.clocks(row, datetime(2026, 3, 9))] == [ClockState.MET] * 3

    # The client says it is not fixed on Tuesday 12:00: the fix is undone, 48 working hours were paused.
    row.resolved_at, row.status = None, ComplaintStatus.RESOLVING
    sla.resume(row, datetime(2026, 3, 10, 12))
    assert row.paused_since is None and row.paused_seconds == 48 * 3600
    assert row.resolution_due_at == datetime(2026, 3, 18, 9)
    assert row.response_due_at == datetime(2026, 3, 3, 9)  # met: keeps its due time for the record
    assert row.plan_due_at == datetime(2026, 3, 5, 9)


def test_a_running_pause_shows_the_clock_standing_still(db, shown):
    row = complaint(responded_at=datetime(2026, 3, 2, 10), plan_at=datetime(2026, 3, 3, 9))
    sla.refresh(row, datetime(2026, 3, 3, 9))
    sla.pause(row, datetime(2026, 3, 13, 9))  # 1 working day before the resolution is due
    row.status = ComplaintStatus.FEEDBACK
    resolution = sla.clocks(row, datetime(2026, 4, 30))[2]
    assert resolution.state is ClockState.PAUSED and resolution.text == "剩 1 天"
    db.session.flush()
    assert row not in db.session.scalars(db.select(Complaint).where(sla.overdue_condition(datetime(2026, 4, 30))))


def test_the_clocks_as_shown(db, shown):
    row = complaint()
    sla.refresh(row, datetime(2026, 3, 2, 9))
    now = datetime(2026, 3, 3, 6)  # 21 working hours in
    response, plan, resolution = sla.clocks(row, now)
    assert (response.state, response.text) == (ClockState.RUNNING, "剩 3 小时")
    assert (plan.state, plan.text) == (ClockState.RUNNING, "剩 2 天 3 小时")
    late = sla.clocks(row, datetime(2026, 3, 6, 11))  # Friday 11:00, response due Tuesday 09:00
    assert (late[0].state, late[0].text) == (ClockState.OVERDUE, "超时 3 天 2 小时")
    assert sla.is_overdue(late) and not sla.is_overdue([response, plan, resolution])

    row.responded_at = datetime(2026, 3, 3, 11)  # 2 h late
    assert (sla.clocks(row, now)[0].state, sla.clocks(row, now)[0].text) == (ClockState.MET_LATE, "超时 2 小时")
    row.severity = Severity.ORDINARY
    sla.refresh(row, now)
    assert sla.clocks(row, now)[1].state is ClockState.NOT_APPLICABLE  # no plan clock for ordinary issues
    assert row.response_due_at == datetime(2026, 3, 3, 9)  # met: unchanged


def test_the_overdue_condition(db):
    late = complaint(number="TS-2026-0001")
    met = complaint(number="TS-2026-0002", responded_at=datetime(2026, 3, 2, 10))
    closed = complaint(number="TS-2026-0003", status=ComplaintStatus.CLOSED)
    for row in (late, met, closed):
        sla.refresh(row, datetime(2026, 3, 2, 9))
    db.session.flush()
    overdue = set(db.session.scalars(db.select(Complaint).where(sla.overdue_condition(datetime(2026, 3, 4)))))
    assert overdue == {late}  # met's plan is due 03-05; closed counts no more
    assert set(db.session.scalars(db.select(Complaint).where(
        sla.overdue_condition(datetime(2026, 3, 6))))) == {late, met}


def test_the_admins_policy_and_calendar_reach_open_complaints(db):
    row = complaint()
    sla.refresh(row, datetime(2026, 3, 2, 9))
    put_setting(sla.POLICY_SETTING, {"complex": {"response_hours": 8, "plan_days": 2, "resolution_days": 10}})
    db.session.add(WorkdayOverride(day=datetime(2026, 3, 3).date(), is_workday=False, note="停电检修"))
    db.session.flush()
    sla.refresh_open()
    assert row.response_due_at == datetime(2026, 3, 2, 17)
    assert row.plan_due_at == datetime(2026, 3, 5, 9)  # Tuesday off: Mon 15 h + Wed + Thu 9 h


def test_the_clock_macros_the_complaint_pages_use(db, shown):
    row = complaint()
    sla.refresh(row, datetime(2026, 3, 2, 9))
    page = render_template_string(
        '{% from "complaints/sla_clocks.html" import sla_clocks, sla_badge %}{{ sla_clocks(clocks) }}'
        '{{ sla_badge(clocks) }}', clocks=sla.clocks(row, datetime(2026, 3, 6, 11)))
    assert "2026-03-03 09:00" in page and "超时 3 天 2 小时" in page and "已超时 · 已上报主管" in page
    calm = render_template_string('{% from "complaints/sla_clocks.html" import sla_badge %}{{ sla_badge(clocks) }}',
                                  clocks=sla.clocks(row, datetime(2026, 3, 2, 10)))
    assert "已上报主管" not in calm
