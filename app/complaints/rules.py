"""Complaints' rules as plain functions: which state may follow which, and what closing needs."""
from app.complaints.enums import ComplaintStatus as S

# 受理 → 分析 → 解决 → 反馈 → 关闭 (seed 000), one step back where work shows it was premature, and reopen.
TRANSITIONS: dict[S, tuple[S, ...]] = {
    S.ACCEPTED: (S.ANALYSING,),
    S.ANALYSING: (S.RESOLVING,),
    S.RESOLVING: (S.FEEDBACK, S.ANALYSING),
    S.FEEDBACK: (S.CLOSED, S.RESOLVING),  # confirmed by the client, or not fixed after all
    S.CLOSED: (S.RESOLVING,),  # reopen
}

CLOSING_FIELDS = ("root_cause", "solution", "satisfaction", "confirmed_by")


def allowed(current: S, target: S) -> bool:
    return target in TRANSITIONS[current]


def next_states(current: S) -> tuple[S, ...]:
    return TRANSITIONS[current]


def missing_for_closing(data: dict) -> list[str]:
    """The fields closing needs (root cause, solution, the client's satisfaction and who confirmed it) that
    `data` leaves empty, in form order."""
    return [name for name in CLOSING_FIELDS if not data.get(name)]


def open_steps(complaint) -> list[tuple[str, object]]:
    """(due field, due time) of the clock steps not met yet, soonest first: the first response, the plan, the
    resolution (24 h first response, plan within 3 working days — seed 003). None while closed."""
    if not complaint.status.is_open:
        return []
    steps = (("response_due_at", complaint.responded_at), ("plan_due_at", complaint.plan_at),
             ("resolution_due_at", complaint.resolved_at))
    due = [(name, getattr(complaint, name)) for name, met in steps if met is None and getattr(complaint, name)]
    return sorted(due, key=lambda step: step[1])


def next_due(complaint):
    """The earliest due time of an unmet step, or None."""
    steps = open_steps(complaint)
    return steps[0][1] if steps else None


def from_visit(visit) -> dict:
    """What a complaint raised from a visit's issues to follow up starts with: its client's contact met, the
    issues as the description, their first line as the title."""
    first_line = visit.follow_up.strip().splitlines()[0] if visit.follow_up.strip() else ""
    return {"source_visit_id": visit.id, "description": visit.follow_up, "title": first_line[:200],
            "contact_id": visit.contacts[0].id if visit.contacts else None}
