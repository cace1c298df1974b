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
