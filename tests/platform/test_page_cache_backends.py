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


def test_each_worker_keeps_recent_entries_but_never_past_a_new_version(tmp_path: Path) -> None:
    """Two workers on one shared cache, each with its own memory of recent entries: a repeat
    read is answered from memory, and a bump in either worker reaches the other at once."""
    shared = {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(tmp_path / "shared"),
        "PAGE_CACHE_LOCAL_ENTRIES": 16,
    }
    one, other = cache_app(tmp_path, **shared), cache_app(tmp_path, **shared)
    with one.test_request_context():
        assert page_cache.remember(7, ("board",), lambda: "first") == "first"
    with one.test_request_context():
        page_cache.cache.clear()  # gone from the shared cache (the version too) ...
    with other.test_request_context():
        assert page_cache.remember(7, ("board",), lambda: "rebuilt") == "rebuilt"
    with one.test_request_context():
        # ... the version came back as a new token, so one's memory is not read
        assert page_cache.remember(7, ("board",), lambda: "again") == "rebuilt"
        page_cache.bump([7])
        assert page_cache.remember(7, ("board",), lambda: "after the write") == "after the write"
    with other.test_request_context():
        assert page_cache.remember(7, ("board",), lambda: "stale?") == "after the write"


def test_a_repeat_read_is_answered_from_the_workers_memory(tmp_path: Path) -> None:
    app = cache_app(
        tmp_path,
        CACHE_TYPE="FileSystemCache",
        CACHE_DIR=str(tmp_path / "shared"),
        PAGE_CACHE_LOCAL_ENTRIES=16,
    )
    with app.test_request_context():
        page_cache.remember(5, ("board",), lambda: "kept")
    reads: list[str] = []
    real_get = page_cache.cache.get
    with app.test_request_context():
        page_cache.cache.get = lambda key: reads.append(key) or real_get(key)  # type: ignore[method-assign]
        try:
            assert page_cache.remember(5, ("board",), lambda: "built") == "kept"
            assert page_cache.remember(5, ("other",), lambda: "new") == "new"
        finally:
            del page_cache.cache.get
    # the version once for the request, the new entry; the kept one from memory
    assert reads[0] == "version:5"
    assert len(reads) == 2
    assert reads[1].endswith(":other")


def release_tree(root: Path, template: str) -> Flask:
    """An app's files as a host holds them: code in ``root/app``, templates beside it."""
    (root / "app").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "app" / "views.py").write_text("PAGE = 'board.html'\n")
    (root / "templates" / "board.html").write_text(template)
    return Flask("views", root_path=str(root / "app"), template_folder="../templates")


def test_the_release_token_follows_the_files_not_the_host(tmp_path: Path) -> None:
    """Two hosts with the same files share the cache; a deploy that changes a template does not
    see what the release before it kept."""
    host_one = release_tree(tmp_path / "one", "<p>{{ given }}</p>")
    host_two = release_tree(tmp_path / "two" / "deeper", "<p>{{ given }}</p>")
    next_release = release_tree(tmp_path / "three", "<p>Given: {{ given }}</p>")
    assert page_cache.release(host_one) == page_cache.release(host_two)
    assert page_cache.release(next_release) != page_cache.release(host_one)


def test_pages_kept_by_one_release_are_not_served_by_the_next(tmp_path: Path) -> None:
    before = cache_app(tmp_path, RELEASE="2026-12-01")
    after = cache_app(tmp_path, RELEASE="2026-12-06")
    assert before.extensions[page_cache.RELEASE] == "2026-12-01"
    with before.app_context():
        assert page_cache.remember(7, ("board",), lambda: "old template") == "old template"
    with after.app_context():
        assert page_cache.remember(7, ("board",), lambda: "new template") == "new template"
    with before.app_context():  # a host not yet upgraded keeps its own entries
        assert page_cache.remember(7, ("board",), lambda: "built again") == "old template"
