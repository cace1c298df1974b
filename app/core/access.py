"""Role groups every domain's access policy builds on. Only access modules compare roles."""
from app.core.models import Role

EVERYONE = tuple(Role)
ADMINS = (Role.ADMIN,)
MANAGERS = (Role.ADMIN, Role.MANAGER)  # assign and transfer clients, restore from the recycle bin


def is_admin(user) -> bool:
    return user.role in ADMINS


def is_manager(user) -> bool:
    return user.role in MANAGERS
