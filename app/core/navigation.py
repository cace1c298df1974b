"""Where a link may send the user after a form: only same-site paths."""


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: an open redirect would turn a form into a phishing aid."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback
