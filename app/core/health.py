"""What /healthz reports: database reachable, schema revision, CJK font for PDFs."""
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from app.core.pdf import cjk_font_available
from app.extensions import db


def head_revision() -> str | None:
    config = current_app.extensions["migrate"].migrate.get_config()
    return _head_of(config.get_main_option("script_location"))


@cache
def _head_of(script_location: str) -> str | None:
    """Read once per process: finding the head executes every revision file, and the files a process runs with do
    not change under it (a deploy restarts the workers)."""
    return ScriptDirectory(script_location).get_current_head()


def status() -> dict:
    report = {"database": "ok", "schema_revision": None, "schema_head": head_revision(),
              "cjk_font": cjk_font_available()}
    try:
        with db.engine.connect() as connection:
            report["schema_revision"] = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        report["database"] = f"error: {type(exc).__name__}"
    report["schema_current"] = report["schema_revision"] == report["schema_head"]
    return report
