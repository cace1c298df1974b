"""SLA clocks of a complaint (placeholder interface; the working-calendar implementation replaces it).

refresh(complaint, now): set response_due_at / plan_due_at / resolution_due_at from received_at, severity and
the admin's policy, shifted by the time spent paused. pause(complaint, now) / resume(complaint, now): the clocks
stop while the client is asked to confirm the fix."""


def refresh(complaint, now) -> None:
    return None


def pause(complaint, now) -> None:
    complaint.paused_since = now


def resume(complaint, now) -> None:
    complaint.paused_since = None
