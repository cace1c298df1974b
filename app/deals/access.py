"""Who may change deals and contracts: a sales rep those of the clients they own, managers and admins all;
service sees them (scoping decides which) but changes none."""
from flask import abort

from app.core.access import MANAGERS, Role, has_role


def can_change(user, record) -> bool:
    if has_role(user, MANAGERS):
        return True
    return user.role == Role.SALES and record.client.owner_id == user.id


def changeable(record, user):
    """The record, or 403 for a user who may see it but not change it."""
    return record if can_change(user, record) else abort(403)
