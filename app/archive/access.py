"""Who may do what in the archive (DESIGN.md, roles): decorators, page context and templates all ask here.

Sales see and change the clients they own; managers and admins all clients, and they assign owners; after-sales
service sees every archive, keeps the installed base and photographs on site, but changes no other client data."""
from app.core.access import EVERYONE, MANAGERS
from app.core.models import Role

EDITORS = (Role.ADMIN, Role.MANAGER, Role.SALES)  # client data: the client, contacts, dates, assessment, import
ASSET_EDITORS = (*EDITORS, Role.SERVICE)  # service keeps the installed base
UPLOADERS = EVERYONE  # service photographs on site
ASSIGNERS = MANAGERS
OWNER_ROLES = (Role.SALES, Role.MANAGER)  # who can own clients


def can_edit_clients(user) -> bool:
    return user.role in EDITORS


def can_edit_assets(user) -> bool:
    return user.role in ASSET_EDITORS


def can_transfer(user) -> bool:
    return user.role in ASSIGNERS


def chooses_owner(user) -> bool:
    """Whether the user picks a client's owner; a sales rep owns what they create."""
    return user.sees_all_clients


def owner_for(user, chosen: int | None, current: int | None) -> int:
    """The owner a saved client gets: the one chosen by a user who may choose, else the current owner, else the
    user (a sales rep owns what they create)."""
    if chosen and chooses_owner(user):
        return chosen
    return current or user.id
