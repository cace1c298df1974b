"""Who may do what with visits: every role logs and plans its own touches; the regime is the admin's."""
from flask import abort

from app.core.access import ADMINS, MANAGERS, has_role

RULE_EDITORS = ADMINS  # cadence rules and the 5-3-2 band limits


def can_edit_regime(user) -> bool:
    return user.role in RULE_EDITORS


def can_change_visit(user, visit) -> bool:
    """A visit's record is changed (completed, edited, rescheduled, cancelled, photos added) by whoever it
    belongs to, the client's owner, a manager or an admin: seeing a client is not rewriting its rep's summary."""
    return user.id in (visit.user_id, visit.client.owner_id) or has_role(user, MANAGERS)


def changeable(visit, user):
    """The visit, or 403 for a user who may see it but not change it."""
    return visit if can_change_visit(user, visit) else abort(403)
