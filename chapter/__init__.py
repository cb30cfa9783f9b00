"""The chapter platform: ``create_app`` builds the Flask application."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask

from chapter.platform import converters
from chapter.platform.uploads import ChapterRequest
from config import CONFIGS, Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type[Config] | None = None, **overrides: object) -> Flask:
    """Build the application from a config class (or its name) and keyword overrides."""
    if not isinstance(config, type):
        config = CONFIGS[config or os.environ.get("CHAPTER_CONFIG", "development")]
    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    app.request_class = ChapterRequest  # per-page upload limits (chapter/platform/uploads.py)
    app.config.from_object(config)
    app.config.from_prefixed_env("CHAPTER")  # CHAPTER_MAIL_PORT=587 arrives as int
    if url := app.config.pop("DATABASE_URL", None):  # CHAPTER_DATABASE_URL
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.update(overrides)
    config.check(app.config)
    converters.install(app)  # <int:...> routes stop at a database integer (404 past it)
    default_database(app)
    init_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_request_log(app)
    trust_proxy(app)
    register_cli(app)
    return app


def default_database(app: Flask) -> None:
    """Without a configured database, use SQLite in the instance folder."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        path = Path(app.instance_path) / "chapter.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]


def init_extensions(app: Flask) -> None:
    from chapter.auth.session import init_login
    from chapter.extensions import bootstrap, csrf, db, limiter, mail, migrate
    from chapter.leaderboard import giver_windows, weekly_totals
    from chapter.platform import (
        mail_outbox,
        page_cache,
        tables,  # noqa: F401 - every table is known to Alembic
    )
    from chapter.platform.db_events import enable_sqlite_foreign_keys, keep_prepared_statements

    db.init_app(app)
    with app.app_context():
        enable_sqlite_foreign_keys(db.engine)
        keep_prepared_statements(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    mail.init_app(app)
    mail_outbox.install()
    weekly_totals.install()
    page_cache.init_app(app)
    giver_windows.install()  # after the page cache: it reads the chapters a commit touched
    init_login(app)


# The pages: each feature package defines its blueprint, and its route modules add the views
# when imported here (features import each other's services without loading any pages).
ROUTE_MODULES = (
    "chapter.platform.health",
    "chapter.dashboard.routes",
    "chapter.auth.routes",
    "chapter.members.routes",
    "chapter.admin.routes",
    "chapter.attendance.guest_routes",
    "chapter.attendance.roster_routes",
    "chapter.attendance.routes",
    "chapter.ledger.ledger_routes",
    "chapter.ledger.routes",
    "chapter.ledger.testimonial_routes",
    "chapter.rotation.routes",
    "chapter.leaderboard.light_routes",
    "chapter.leaderboard.report_routes",
    "chapter.leaderboard.routes",
    "chapter.moving.export_routes",
    "chapter.moving.routes",
    "chapter.digests.routes",
    "chapter.api.me_routes",
    "chapter.api.chapter_routes",
    "chapter.api.ledger_routes",
    "chapter.api.leader_routes",
    "chapter.api.page_routes",
    "chapter.webhooks.routes",
)
# (blueprint's module, URL prefix), in the order they are registered
BLUEPRINTS = (
    ("chapter.platform.health", None),
    ("chapter.dashboard", None),
    ("chapter.auth", None),
    ("chapter.members", "/members"),
    ("chapter.admin", None),
    ("chapter.attendance", None),
    ("chapter.ledger", None),
    ("chapter.rotation", None),
    ("chapter.leaderboard", None),
    ("chapter.moving", "/moving"),
    ("chapter.digests", None),
    ("chapter.webhooks", None),
)
# The JSON API (chapter.api: /api/v1 and its pages) is registered by chapter.api.setup, through
# flask-smorest's Api object, which documents it in /api/v1/openapi.json.


def register_blueprints(app: Flask) -> None:
    for name in ROUTE_MODULES:
        importlib.import_module(name)
    for name, prefix in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp, url_prefix=prefix)
    from chapter.api import setup

    setup.install(app)


def register_error_handlers(app: Flask) -> None:
    from chapter.errors import register_error_handlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from chapter.platform.filters import register_filters

    register_filters(app)


def register_security_headers(app: Flask) -> None:
    from chapter.platform.headers import add_security_headers

    app.after_request(add_security_headers)


def register_request_log(app: Flask) -> None:
    from chapter.platform import request_log

    request_log.install(app)


def trust_proxy(app: Flask) -> None:
    """Honour X-Forwarded-* only behind that many proxies (CHAPTER_PROXY_HOPS, default 0)."""
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )


def register_cli(app: Flask) -> None:
    from chapter.cli import chapter_cli

    app.cli.add_command(chapter_cli)
