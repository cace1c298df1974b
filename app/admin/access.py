"""Who may use the admin pages: users are the admin's; the recycle bin is the admin's and the manager's."""
from app.core.access import ADMINS, MANAGERS

USER_ADMINS = ADMINS
BIN_KEEPERS = MANAGERS
