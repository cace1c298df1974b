"""Reads of the archive, always through the scoping helper."""
from sqlalchemy import or_, select

from app.archive.models import Client
from app.core.models import Role, User
from app.core.scoping import visible


def client_list(user, q: str = ""):
    stmt = visible(select(Client), Client, user).order_by(Client.name, Client.id)
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(or_(Client.name.ilike(pattern), Client.short_name.ilike(pattern)))
    return stmt


def owner_choices():
    """Users a client can belong to: active sales reps and managers."""
    return (select(User).where(User.active.is_(True), User.role.in_([Role.SALES, Role.MANAGER]))
            .order_by(User.display_name))
