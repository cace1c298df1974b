"""KeYuan 客缘: client-relationship maintenance and secondary development."""
import os

from flask import Flask, flash, has_request_context, jsonify, redirect, request, session, url_for
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config, database_url, load_secret_key
from app.extensions import babel, csrf, db, login_manager, migrate


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("KEYUAN_INSTANCE", None) or None)
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    if app.config["PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXIES"], x_proto=app.config["PROXIES"])
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL + busy timeout: measured, 20 writer threads went from thousands of 'locked' errors to none.
    A database never analysed gets its statistics at once (0.1 s at 10k clients): without them the planner
    walks the whole client table for a sorted page instead of the name index. Sampled statistics
    (analysis_limit) were measured to mislead it, so the analysis is full."""
    if _is_sqlite(dbapi_connection):
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "busy_timeout=5000", "synchronous=NORMAL", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        if not cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            cursor.execute("ANALYZE")
        cursor.close()


SQLITE_OPTIMIZE_EVERY = 500  # requests per pooled connection between two `PRAGMA optimize` runs


@event.listens_for(Engine, "checkin")
def _sqlite_optimize(dbapi_connection, connection_record):
    """Keep the statistics current as the archive grows: SQLite's own advice is to run `PRAGMA optimize` now and
    then on long-lived connections; it re-analyses only the tables whose statistics have gone stale."""
    if dbapi_connection is None or not _is_sqlite(dbapi_connection):
        return
    uses = connection_record.info["uses"] = connection_record.info.get("uses", 0) + 1
    if uses % SQLITE_OPTIMIZE_EVERY == 0:
        dbapi_connection.execute("PRAGMA optimize")


def select_locale() -> str:
    # Babel reads "zh_CN" as zh_Hans_CN, the name of the catalogue folder. Outside a request (a command, a job,
    # a service called from a test) text stored for the team is in the team's language.
    if not has_request_context():
        return Config.BABEL_DEFAULT_LOCALE
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return session.get("lang") or Config.BABEL_DEFAULT_LOCALE


def register_extensions(app: Flask) -> None:
    from app.core import (
        audit,  # noqa: F401  (registers the session events)
        sequences,  # noqa: F401  (its counters table is part of the schema)
    )
    from app.core.htmx import is_htmx
    from app.core.models import User
    from app.core.navigation import page_before

    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Please sign in to continue.")

    @login_manager.user_loader
    def load_user(session_token: str):
        """The cookie carries the user's session token, not the id: rotating it revokes captured cookies."""
        return db.session.execute(select(User).where(User.session_token == session_token)).scalar_one_or_none()

    @login_manager.unauthorized_handler
    def unauthorized():
        """To the sign-in page, then back. A form posted after the session ended returns to the page it was on
        (its URL only takes posts), and the user is told why; the quick log's draft waits on the device."""
        if request.method == "GET":
            back, message = request.full_path.rstrip("?"), login_manager.login_message
        else:
            back = page_before(url_for("dashboard.today"))
            message = _l("Your session ended, so nothing was saved. Sign in again to go back to the page; what you "
                        "typed in the quick log is kept on this device.")
        flash(message, "info")
        target = url_for("auth.login", next=back)
        return ("", 401, {"HX-Redirect": target}) if is_htmx() else redirect(target)


def register_security(app: Flask) -> None:
    from app.core import security

    security.register(app)


def register_blueprints(app: Flask) -> None:
    from app import admin, archive, auth, complaints, dashboard, deals, reports, visits

    for domain in (auth, admin, dashboard, archive, visits, complaints, deals, reports):
        for blueprint in getattr(domain, "BLUEPRINTS", (domain.bp,)):
            app.register_blueprint(blueprint)
    app.add_url_rule("/healthz", "healthz", healthz)


def healthz():
    from app.core.health import status

    report = status()
    return jsonify(report), 200 if report["database"] == "ok" else 503


def register_errorhandlers(app: Flask) -> None:
    from app.core.htmx import render

    pages = {403, 404, 409, 413, 500}

    def error_page(code: int, message=None, template=None):
        db.session.rollback()
        return render(template or f"errors/{code}.html", status=code, message=message, code=code)

    def http_error(error: HTTPException):
        """Every HTTP error in the user's language, never Werkzeug's English page (405, 400, 429…)."""
        code = error.code or 500
        return error_page(code, template=None if code in pages else "errors/other.html")

    def csrf_error(error: CSRFError):
        """A form whose session has ended fails its CSRF check before any sign-in check: send it to sign in
        (and back to its page) rather than show an error about tokens."""
        if not current_user.is_authenticated and request.blueprint != "auth":  # sign-in's own forms stay 400
            return login_manager.unauthorized()
        return error_page(400, error.description)

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(StaleDataError, lambda e: error_page(409))


def register_template_helpers(app: Flask) -> None:
    from app.core.audit import shown_value
    from app.core.htmx import field_attributes
    from app.core.models import AuditAction, User, label
    from app.core.pdf import page_numbers_css, print_company
    from app.core.plugins import main_nav, visit_actions

    @app.template_filter("date")
    def _date(value):
        return format_date(value, "yyyy-MM-dd") if value else ""

    @app.template_filter("datetime")
    def _datetime(value):
        return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""

    @app.template_filter("local")
    def _local(value):
        """A naive local time the team typed or saw (visits), shown as it is."""
        return value.strftime("%Y-%m-%d %H:%M") if value else ""

    @app.template_filter("number")
    def _number(value):
        return f"{value:,}" if value is not None else ""

    @app.template_filter("money")
    def _money(value):
        return f"{value:,.2f} 元" if value is not None else ""

    app.jinja_env.globals.update(main_nav=main_nav, audit_value=shown_value, field_attributes=field_attributes,
                                 has_endpoint=lambda endpoint: endpoint in app.view_functions,
                                 audit_action_label=lambda action: AuditAction(action).label, label=label)
    app.jinja_env.globals.update(print_company=print_company, page_numbers_css=page_numbers_css)
    app.jinja_env.globals.update(visit_actions=visit_actions)  # buttons domains above visits add to its page
    # Record classes whose field labels head list tables ({{ label(User, "role") }}); domains add theirs.
    app.jinja_env.globals.update(User=User)

    @app.context_processor
    def locale_context():
        return {"current_locale": select_locale(), "languages": app.config["LANGUAGES"]}


def register_commands(app: Flask) -> None:
    from app.core.cli import register

    register(app)
