"""At 375 px (a phone): a new chapter's leader sees the first-run checklist on the dashboard
and follows it; the rotation page's calendar block subscribes in one tap and copies the
address (issue 13, findings 10 and 13). Screenshots go to docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from chapter.extensions import db
from chapter.members.roles import Position
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import log_in
from tests.support import factories
from tests.support.rotation_helpers import member_token

PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def new_leader(app: Flask, clean_db: None) -> tuple[str, int]:
    """A chapter just created by a platform admin: its first leader, nothing else."""
    with app.app_context():
        chapter = factories.ChapterFactory(name="Harbour Chapter", location="")
        leader = factories.MemberFactory(
            chapter=chapter,
            position=Position.PRESIDENT,
            user__email="leader@harbour.example",
            user__first_name="Maya",
        )
        db.session.commit()
        return leader.user.email, leader.id


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_new_leader_follows_the_first_run_checklist_on_a_phone(
    page: Page, new_leader: tuple[str, int], console: ConsoleWatch
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, new_leader[0], factories.PASSWORD)
    checklist = page.get_by_role("region", name="Get your chapter started")
    expect(checklist).to_be_visible()
    expect(checklist).to_contain_text("0 of 4 done")
    for link in (
        "Check the chapter's settings",
        "Add and invite your members",
        "import them from BNI Connect",
        "Record your first roster",
        "Start the presentation rotation",
    ):
        expect(checklist.get_by_role("link", name=link)).to_be_visible()
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    checklist.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "first-run-checklist-375.png"), full_page=True)

    checklist.get_by_role("link", name="Check the chapter's settings").click()
    page.get_by_label("Meeting place").fill("Harbour Hotel, room 2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Chapter settings saved.")).to_be_visible()
    page.goto("/")
    expect(checklist).to_contain_text("1 of 4 done")
    expect(checklist.get_by_text("To do: Check the chapter's settings")).to_have_count(0)


def test_the_calendar_block_subscribes_and_copies_on_a_phone(
    app: Flask,
    page: Page,
    context: BrowserContext,
    new_leader: tuple[str, int],
    console: ConsoleWatch,
    artifacts: Path,
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(PHONE)
    log_in(page, new_leader[0], factories.PASSWORD)
    page.goto("/rotation/")
    calendar = page.get_by_role("region", name="Calendar")
    token = member_token(app, new_leader[1])  # made by the first view
    assert token
    expect(calendar.get_by_role("link", name="Apple Calendar").first).to_have_attribute(
        "href", f"webcal://127.0.0.1:{page.url.split(':')[2].split('/')[0]}/calendar/{token}.ics"
    )
    expect(calendar.get_by_role("link", name="Google Calendar").first).to_be_visible()
    expect(calendar.get_by_role("link", name="Outlook.com").first).to_be_visible()
    address = calendar.get_by_label("Or copy the address into another calendar app").first
    expect(address).to_have_value(f"{page.url.split('/rotation')[0]}/calendar/{token}.ics")
    copy = calendar.locator('button[data-copy="member-feed"]')
    expect(copy).to_have_accessible_name("Copy the address")
    expect(copy).to_be_visible()  # the script showed it: the Clipboard API works here
    copy.click()
    expect(copy).to_have_text("Copied")
    expect(copy).to_have_accessible_name("Copy the address", timeout=4000)  # back after 2 s
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/calendar/{token}.ics")
    no_sideways_scroll(page)
    for tap in (
        calendar.get_by_role("link", name="Apple Calendar").first,
        copy,
    ):
        assert tap.bounding_box()["height"] >= 44
    calendar.scroll_into_view_if_needed()
    # The address carries the test server's port: into the gitignored artifacts, not docs/
    # (docs/screenshots/rotation-calendar-375.png is a copy of one run).
    calendar.screenshot(path=str(artifacts / "rotation-calendar-375.png"))


def test_without_javascript_the_address_is_selectable_and_no_copy_button_shows(
    browser, live_server: str, new_leader: tuple[str, int]
) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(new_leader[0])
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/rotation/")
    calendar = page.get_by_role("region", name="Calendar")
    expect(
        calendar.get_by_label("Or copy the address into another calendar app").first
    ).to_be_visible()
    expect(calendar.get_by_role("button", name="Copy the address")).to_have_count(0)
    expect(calendar.get_by_role("link", name="Apple Calendar").first).to_be_visible()
    context.close()
