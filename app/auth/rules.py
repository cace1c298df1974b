"""Login throttling as a plain function of past attempts."""
from datetime import datetime, timedelta


def locked_until(attempts: list[tuple[datetime, bool]], now: datetime, max_failures: int = 5,
                 window: timedelta = timedelta(minutes=15)) -> datetime | None:
    """When ``max_failures`` failures since the last success fall within ``window`` before ``now``, the time
    the oldest of them leaves the window (the lock lifts then); otherwise None.

    ``attempts`` are (at, success) pairs for one username or one address, in any order.
    """
    failures = []
    for at, success in sorted(attempts):
        if success:
            failures.clear()
        elif at > now - window:
            failures.append(at)
    if len(failures) < max_failures:
        return None
    return failures[-max_failures] + window
