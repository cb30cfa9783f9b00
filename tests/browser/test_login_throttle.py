"""At 375 px in Chromium: a guest's failed log-ins on the venue Wi-Fi end on a 429 page that
says when to try again, and a member on the same address still logs in."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from chapter.demo.service import DemoLogin
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import MEMBER, log_in


def test_a_throttled_guest_is_told_when_to_retry_and_a_member_still_logs_in(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    for _ in range(6):
        log_in(page, "nobody@x.example", "a guess")
    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(page.get_by_text("Please try again in 1 minute.")).to_be_visible()
    page.screenshot(path=str(artifacts / "login-429-375.png"), full_page=True)

    log_in(page, MEMBER)

    expect(page.get_by_role("heading", name="Hello, Daniel")).to_be_visible()
