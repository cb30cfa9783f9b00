"""Browser tests: Debian's Chromium driven by Playwright against the app on a live server.

Chromium comes from apt (/usr/bin/chromium); Playwright's own browser download is never used.
Without Chromium these tests skip, unless CHAPTER_REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, Page
from werkzeug.serving import make_server

from chapter.demo import service as demo
from chapter.extensions import db
from tests.support import clock

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"  # gitignored


def browser_required() -> bool:
    return os.environ.get("CHAPTER_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A conftest hook sees every collected item: only mark the ones in this folder.
    missing = not CHROMIUM.exists() and not browser_required()
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():  # only reached under CHAPTER_REQUIRE_BROWSER=1
        pytest.fail(
            f"CHAPTER_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The session's app on a free local port, in a daemon thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: str) -> dict[str, Any]:
    """Every page opens relative URLs on the live server (page.goto("/login"))."""
    return {**browser_context_args, "base_url": live_server}


@pytest.fixture
def demo_chapter(app: Flask, clean_db: None) -> tuple[demo.DemoLogin, ...]:
    """The demo chapter, committed so the server thread's own sessions see it."""
    with app.app_context():
        # What a person running `flask chapter demo` today would get (utcnow().date()).
        logins = demo.load_demo(today=clock.now().date())
        db.session.commit()
    return logins


@pytest.fixture
def artifacts() -> Path:
    """Folder for screenshots (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class ConsoleWatch:
    """Console errors and uncaught exceptions of the pages it watches."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e or "Refused to" in e]

    @property
    def script_errors(self) -> list[str]:
        return [e for e in self.errors if e.startswith("pageerror:")]


@pytest.fixture
def console(page: Page) -> Iterator[ConsoleWatch]:
    """Watch the test's page; at the end, no CSP violation and no uncaught script error."""
    watch = ConsoleWatch()
    watch.watch(page)
    yield watch
    assert watch.csp_violations == []
    assert watch.script_errors == []
