"""SLA clocks of a complaint on China's working calendar (core.workdays): first response, plan, resolution.

Seed 000: a response within 24 hours, a plan within 3 working days for complex issues, overdue goes up to the
department lead. The admin sets the hours and days per severity (POLICY_SETTING). The clocks run in working time
from received_at and stand still while the client is asked to confirm the fix (反馈); the working time spent so
paused moves every unmet due time later. A step already met keeps its due time, for the record.

Escalation is derived, never written on a GET: a complaint with an unmet step past due is overdue, and overdue
complaints are flagged to managers (there is no per-user manager: every manager sees every overdue complaint)
and to their owner, on the complaint, in lists (overdue_condition) and on Today."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import raiseload

from app.complaints.enums import OPEN_STATUSES, Severity
from app.complaints.models import Complaint
from app.core.clock import local_now
from app.core.enums import LabeledEnum
from app.core.models import get_setting
from app.core.workdays import add_working_days, add_working_hours, load_overrides, on_change, working_seconds
from app.extensions import db

POLICY_SETTING = "complaints.sla"
# Per severity: first response in working hours; plan and resolution in working days (None: no such clock).
DEFAULT_POLICY = {
    Severity.ORDINARY.value: {"response_hours": 24, "plan_days": None, "resolution_days": 5},
    Severity.COMPLEX.value: {"response_hours": 24, "plan_days": 3, "resolution_days": 10},
    Severity.URGENT.value: {"response_hours": 4, "plan_days": 1, "resolution_days": 2},
}


class Step(LabeledEnum):
    RESPONSE = "response", _l("First response")
    PLAN = "plan", _l("Plan")
    RESOLUTION = "resolution", _l("Resolution")


class ClockState(LabeledEnum):
    MET = "met", _l("Met")
    MET_LATE = "met_late", _l("Met late")
    RUNNING = "running", _l("Running")
    OVERDUE = "overdue", _l("Overdue")
    PAUSED = "paused", _l("Paused")
    NOT_APPLICABLE = "not_applicable", _l("Not applicable")


# (step, the column saying when it was met, the column saying when it is due)
STEPS = ((Step.RESPONSE, "responded_at", "response_due_at"), (Step.PLAN, "plan_at", "plan_due_at"),
         (Step.RESOLUTION, "resolved_at", "resolution_due_at"))


@dataclass(frozen=True)
class Clock:
    step: Step
    due_at: datetime | None
    met_at: datetime | None
    state: ClockState
    text: str  # 剩 3 小时 / 超时 1 天 2 小时, in working time; empty when there is nothing to count

    @property
    def label(self) -> str:
        return self.step.label


def policy() -> dict:
    """The admin's policy, by severity value, over the defaults (a severity or field the setting lacks keeps
    its default)."""
    stored = get_setting(POLICY_SETTING, {})
    return {severity: {**defaults, **stored.get(severity, {})} for severity, defaults in DEFAULT_POLICY.items()}


def due_times(received_at: datetime, rule: dict, paused_seconds: int, overrides) -> dict[str, datetime | None]:
    """Each step's due time: received_at plus the policy's working time plus the working time spent paused."""
    paused_hours = paused_seconds / 3600
    days = {"plan_due_at": rule["plan_days"], "resolution_due_at": rule["resolution_days"]}
    due = {"response_due_at": add_working_hours(received_at, rule["response_hours"] + paused_hours, overrides)}
    for column, count in days.items():
        due[column] = None if count is None else add_working_hours(
            add_working_days(received_at, count, overrides), paused_hours, overrides)
    return due


def refresh(complaint: Complaint, now: datetime) -> None:
    """Set the due times from received_at, the severity's policy, the calendar and the pauses so far; a met step
    keeps the due time it had. ``now`` is unused: a running pause counts once it ends (resume)."""
    rule = policy()[complaint.severity.value]
    due = due_times(complaint.received_at, rule, complaint.paused_seconds or 0, load_overrides())
    for _step, met, column in STEPS:
        if getattr(complaint, met) is None or getattr(complaint, column) is None:
            setattr(complaint, column, due[column])


@on_change
def refresh_open() -> None:
    """After the admin changed the policy or the calendar: every open complaint's unmet due times follow."""
    open_ones = select(Complaint).where(Complaint.status.in_(OPEN_STATUSES), Complaint.deleted_at.is_(None))
    for complaint in db.session.execute(open_ones.options(raiseload("*"))).scalars():
        refresh(complaint, local_now())
    db.session.flush()


def pause(complaint: Complaint, now: datetime) -> None:
    """Entering 反馈: the clocks stop while the client is asked to confirm the fix."""
    complaint.paused_since = complaint.paused_since or now


def resume(complaint: Complaint, now: datetime) -> None:
    """Leaving 反馈: the working time spent paused is added, and the unmet due times move by it."""
    if complaint.paused_since is None:
        return
    complaint.paused_seconds = (complaint.paused_seconds or 0) + working_seconds(
        complaint.paused_since, now, load_overrides())
    complaint.paused_since = None
    refresh(complaint, now)


def duration(seconds: int) -> str:
    """Working time as a person reads it: 1 天 2 小时, 3 小时, 20 分钟 (a day is 24 working hours)."""
    days, rest = divmod(max(seconds, 0), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return _("%(days)s d %(hours)s h", days=days, hours=hours) if hours else _("%(days)s d", days=days)
    if hours:
        return _("%(hours)s h", hours=hours)
    return _("%(minutes)s min", minutes=max(minutes, 1))


def _clock(step: Step, due: datetime | None, met: datetime | None, complaint: Complaint, now: datetime,
           overrides) -> Clock:
    if due is None:
        return Clock(step, None, met, ClockState.NOT_APPLICABLE, "")
    if met is not None:
        late = working_seconds(due, met, overrides)
        return (Clock(step, due, met, ClockState.MET_LATE, _("%(time)s late", time=duration(late))) if met > due
                else Clock(step, due, met, ClockState.MET, ""))
    if complaint.status not in OPEN_STATUSES:
        return Clock(step, due, None, ClockState.NOT_APPLICABLE, "")
    if complaint.paused_since is not None:
        left = working_seconds(complaint.paused_since, due, overrides)
        return Clock(step, due, None, ClockState.PAUSED, _("%(time)s left", time=duration(left)))
    if now > due:
        return Clock(step, due, None, ClockState.OVERDUE, _("%(time)s overdue", time=duration(
            working_seconds(due, now, overrides))))
    return Clock(step, due, None, ClockState.RUNNING, _("%(time)s left", time=duration(
        working_seconds(now, due, overrides))))


def clocks(complaint: Complaint, now: datetime) -> list[Clock]:
    """The three clocks as the complaint page shows them: due time, when met, state and time left or over."""
    overrides = load_overrides()
    return [_clock(step, getattr(complaint, column), getattr(complaint, met), complaint, now, overrides)
            for step, met, column in STEPS]


def is_overdue(clock_list: list[Clock]) -> bool:
    """Escalated: some step is past due (flag shown to the owner and to every manager)."""
    return any(clock.state is ClockState.OVERDUE for clock in clock_list)


def overdue_condition(now: datetime):
    """SQL: open, not paused, with an unmet step past due."""
    return and_(Complaint.status.in_(OPEN_STATUSES), Complaint.paused_since.is_(None), or_(
        and_(Complaint.responded_at.is_(None), Complaint.response_due_at < now),
        and_(Complaint.plan_at.is_(None), Complaint.plan_due_at < now),
        and_(Complaint.resolved_at.is_(None), Complaint.resolution_due_at < now)))


def next_due():
    """SQL: the due time of the first unmet step (steps are met in order: response, plan, resolution), to sort
    by and to find what falls due soon."""
    return case((Complaint.responded_at.is_(None), Complaint.response_due_at),
                (and_(Complaint.plan_at.is_(None), Complaint.plan_due_at.is_not(None)), Complaint.plan_due_at),
                (Complaint.resolved_at.is_(None), Complaint.resolution_due_at))
