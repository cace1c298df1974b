"""Who may do what with complaints: service engineers work every complaint; a sales rep sees and comments on
the complaints of their own clients (scoping decides which) but does not move, edit or delete them."""
from flask import abort

from app.core.access import Role, has_role

WORKERS = (Role.ADMIN, Role.MANAGER, Role.SERVICE)  # move states, close, edit, delete


def can_work(user) -> bool:
    return has_role(user, WORKERS)


def workable(complaint, user):
    """The complaint, or 403 for a user who may see it but not work it."""
    return complaint if can_work(user) else abort(403)
