"""Who may do what with visits: every role logs and plans its own touches; the regime is the admin's."""
from app.core.access import ADMINS

RULE_EDITORS = ADMINS  # cadence rules and the 5-3-2 band limits


def can_edit_regime(user) -> bool:
    return user.role in RULE_EDITORS
