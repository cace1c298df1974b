"""Where uploaded files live: instance/attachments (a shared volume when several app servers run)."""
from pathlib import Path

from flask import current_app


def attachments_dir() -> Path:
    return Path(current_app.instance_path) / "attachments"
