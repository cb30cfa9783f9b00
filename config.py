"""Configuration classes. Every setting can be overridden with a ``CHAPTER_<NAME>`` variable.

``CHAPTER_DATABASE_URL`` sets the database, ``CHAPTER_SECRET_KEY`` the signing key,
``CHAPTER_REDIS_URL`` moves rate-limit counters and the page cache to Redis,
``CHAPTER_MAIL_SERVER`` (with ``CHAPTER_MAIL_PORT``, ``CHAPTER_MAIL_USERNAME``...) sends real
e-mail instead of logging it. ``CHAPTER_PAGE_CACHE=false`` turns the page cache off.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused by ProductionConfig.check


class Config:
    SECRET_KEY = DEV_SECRET_KEY
    # None means: SQLite file ``chapter.sqlite`` in the instance folder (set in create_app).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {"pool_pre_ping": True}
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # BNI Connect exports: the import page alone accepts files up to this size.
    IMPORT_MAX_BYTES = 10 * 1024 * 1024

    # Log-in throttling (Flask-Limiter); counters in Redis when REDIS_URL is set. Failed
    # log-ins count per account and address, per account from any address, and per address
    # (a high ceiling: a chapter shares one venue Wi-Fi); see chapter/auth/throttle.py.
    LOGIN_RATE_LIMIT = "5 per minute;20 per hour"  # one account from one address
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per minute;50 per hour"  # one account, any address
    LOGIN_ADDRESS_RATE_LIMIT = "100 per hour"  # one address, any accounts
    RESET_REQUEST_RATE_LIMIT = "3 per 15 minutes;10 per day"  # reset mails per account
    # How long a worker may keep a member's identity for the log-in check (chapter.auth.session;
    # any change to the user, membership or chapter ends it at once); 0 turns keeping off.
    LOGIN_KEPT_SECONDS = 60
    REDIS_URL: str | None = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    # Password hashing: argon2id with the library's default (RFC 9106 low-memory) profile.
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"

    # Signed links sent by e-mail.
    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds
    INVITATION_MAX_AGE = 14 * 24 * 60 * 60

    # Mail: without MAIL_SERVER the message is written to the log (development).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Chapter platform <no-reply@chapter.invalid>"
    # Where members reach the app: links in scheduled mail (sent by the CLI, outside any
    # request) start here.
    PUBLIC_URL = "http://127.0.0.1:5000"

    # Behind a reverse proxy: how many proxies set X-Forwarded-* (0: trust none).
    PROXY_HOPS = 0
    # One JSON line per request on stdout (the testing config turns it off).
    REQUEST_LOG = True

    # Webhooks: short timeouts per attempt (seconds); plain http:// to localhost / 127.0.0.1
    # only where this flag is on (development and tests), never in production.
    WEBHOOK_CONNECT_TIMEOUT = 3
    WEBHOOK_READ_TIMEOUT = 5
    WEBHOOK_ALLOW_LOCAL_HTTP = False

    DIRECTORY_PAGE_SIZE = 25
    RENEWAL_WARNING_DAYS = 30

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> None:
        """Refuse settings that are unsafe for this kind of deployment (no-op by default)."""


class DevelopmentConfig(Config):
    DEBUG = False  # `flask run --debug` turns the debugger on explicitly
    WEBHOOK_ALLOW_LOCAL_HTTP = True  # try webhooks against a receiver on this machine


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    ARGON2_PROFILE = "CHEAPEST"
    RATELIMIT_ENABLED = True
    MAIL_SUPPRESS_SEND = True
    REQUEST_LOG = False
    SERVER_NAME = None
    WEBHOOK_ALLOW_LOCAL_HTTP = True  # the tests' receiver listens on 127.0.0.1
    CACHE_TYPE = "SimpleCache"  # the page cache in the test process's memory


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    MAIL_LOG_BODY = False

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> None:
        """Production needs a real secret key: set CHAPTER_SECRET_KEY (32+ random characters)."""
        key = config.get("SECRET_KEY") or ""
        if key == DEV_SECRET_KEY or len(str(key)) < 32:
            raise RuntimeError(
                "Refusing to start: set CHAPTER_SECRET_KEY to a random secret of at least "
                "32 characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
