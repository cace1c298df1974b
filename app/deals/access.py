"""Who may change deals, contracts and referrals (DESIGN.md, roles): sales their own clients' records, managers
and admins all; after-sales service sees them but changes none. Scoping decides who sees which (404 otherwise)."""
from flask import abort

from app.core.access import Role, has_role

CHANGERS = (Role.ADMIN, Role.MANAGER, Role.SALES)


def can_create(user) -> bool:
    """Whether the user creates deals, contracts and referrals at all (for a client they see)."""
    return has_role(user, CHANGERS)


def can_change(user, record) -> bool:
    """Whether the user may change ``record`` (anything with a ``.client``): a sales rep only their own clients'."""
    if not can_create(user):
        return False
    return user.sees_all_clients or record.client.owner_id == user.id


def changeable(record, user):
    """The record, or 403 for a user who may see it but not change it."""
    return record if can_change(user, record) else abort(403)
