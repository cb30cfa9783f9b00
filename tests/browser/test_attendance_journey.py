"""The leader's weekly job in Chromium: fill in last meeting's roster, and the member sees it."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from chapter.demo.service import DemoLogin
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import LEADER, MEMBER, log_in, nav


def member_row(page: Page, name: str):
    return page.get_by_role("group", name=name, exact=True)


def test_leader_completes_the_roster_and_the_member_sees_it(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch, artifacts: Path
) -> None:
    log_in(page, LEADER)
    # The demo leaves the latest meeting's roster open; the dashboard points to it.
    page.get_by_role("link", name=re.compile(r"^Roster of ")).click()
    expect(page.get_by_role("heading", name=re.compile("Attendance roster"))).to_be_visible()
    meeting_url = page.url

    daniel = member_row(page, "Daniel Mercer")  # member@demo.example
    daniel.get_by_text("Absent", exact=True).click()
    expect(daniel.get_by_label("Absent", exact=True)).to_be_checked()

    priya = member_row(page, "Priya Raman")
    priya.get_by_text("Substitute", exact=True).click()  # opens the substitute's fields
    priya.get_by_label("Substitute's name").fill("Lena Vogel")
    priya.get_by_label("Substitute's business").fill("Vogel Bookkeeping")

    visitor = page.get_by_role("group", name="New visitor 1")
    visitor.get_by_label("Visitor's name").fill("Nadia Petrova")
    visitor.get_by_label("Business").fill("Petrova Architects")
    visitor.get_by_label("Invited by").select_option(label="Daniel Mercer")

    page.get_by_role("button", name="Mark everyone else present").click()
    expect(page.get_by_role("status")).to_contain_text("Roster saved as a draft.")
    expect(member_row(page, "Grace Okafor").get_by_label("Present", exact=True)).to_be_checked()
    expect(member_row(page, "Priya Raman").get_by_label("Substitute", exact=True)).to_be_checked()
    expect(
        page.get_by_text("Nadia Petrova, Petrova Architects (invited by Daniel Mercer)")
    ).to_be_visible()
    page.screenshot(path=str(artifacts / "roster-draft.png"), full_page=False)

    page.get_by_role("button", name="Save and complete roster").click()
    expect(page.get_by_role("status").first).to_contain_text("Roster completed.")
    expect(page.get_by_text("This roster is completed and read-only.")).to_be_visible()
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)

    page.goto("/visitors/substitutes")
    expect(page.get_by_role("row").filter(has_text="Lena Vogel").first).to_contain_text(
        "Priya Raman"
    )

    nav(page).get_by_role("button", name="Log out").click()
    log_in(page, MEMBER)
    nav(page).get_by_role("link", name="My attendance").click()
    expect(page.get_by_role("heading", name="My attendance")).to_be_visible()
    latest = page.get_by_role("table").get_by_role("row").nth(1)
    expect(latest).to_contain_text("Absent")
    page.screenshot(path=str(artifacts / "my-attendance.png"), full_page=True)
    assert meeting_url.endswith("/roster")
