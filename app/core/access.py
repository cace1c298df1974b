"""Roles and the role groups every domain's access policy builds on. Only access modules compare roles."""
from flask_babel import lazy_gettext as _l

from app.core.enums import LabeledEnum


class Role(LabeledEnum):
    ADMIN = "admin", _l("Administrator")
    MANAGER = "manager", _l("Manager")
    SALES = "sales", _l("Sales")
    SERVICE = "service", _l("After-sales service")


EVERYONE = tuple(Role)
ADMINS = (Role.ADMIN,)
MANAGERS = (Role.ADMIN, Role.MANAGER)  # assign and transfer clients, restore from the recycle bin


def has_role(user, roles) -> bool:
    return user.role in roles


def sees_all_clients(user) -> bool:
    """Sales see the clients they own; every other role sees all (DESIGN.md, roles)."""
    return user.role != Role.SALES
