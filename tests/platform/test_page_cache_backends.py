"""Where the page cache lives: Redis when REDIS_URL is set, else a folder every worker of the
host shares, so a write in one worker gives the chapter a new version in every other worker.

Bare Flask apps with only the page cache set up (create_app would also move the global
rate limiter's counters to that Redis, for the tests that follow)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from chapter.platform import page_cache


def cache_app(tmp_path: Path, **settings: object) -> Flask:
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    app.config.update(settings)
    page_cache.init_app(app)
    return app


def test_redis_when_redis_url_is_set(tmp_path: Path) -> None:
    app = cache_app(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_without_redis_two_workers_share_the_versions(tmp_path: Path) -> None:
    """Two app processes of one host (two gunicorn workers): a bump in one is seen by the other."""
    one, other = cache_app(tmp_path), cache_app(tmp_path)
    assert one.config["CACHE_TYPE"] == "FileSystemCache"
    assert one.config["CACHE_DIR"] == str(tmp_path / "instance" / "page-cache")
    with one.app_context():
        seen = page_cache.remember(7, ("board",), lambda: "built by one")
        before = page_cache.version(7)
    with other.app_context():
        assert page_cache.version(7) == before
        assert page_cache.remember(7, ("board",), lambda: "built by other") == seen
        page_cache.bump([7])  # the other worker commits a write
    with one.app_context():
        assert page_cache.version(7) != before
        assert page_cache.remember(7, ("board",), lambda: "built again") == "built again"


def test_an_unreachable_redis_builds_the_page_instead_of_failing(tmp_path: Path) -> None:
    app = cache_app(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    with app.app_context():
        assert page_cache.remember(3, ("board",), lambda: "built") == "built"
        page_cache.bump([3])  # logged, not raised: the write was already committed
