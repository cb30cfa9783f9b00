"""The rotation in Chromium: the leader generates it and swaps two slots; the member whose
date moved sees it on their dashboard."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from chapter.auth.models import User
from chapter.demo.service import DemoLogin
from chapter.extensions import db
from chapter.members.models import Member
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import LEADER, log_in, nav


def email_of(app: Flask, full_name: str) -> str:
    first, last = full_name.split(" ", 1)
    with app.app_context():
        return db.session.scalar(
            db.select(User.email)
            .join(Member, Member.user_id == User.id)
            .where(User.first_name == first, User.last_name == last)
        )


def test_leader_swaps_slots_and_the_member_sees_the_new_date(
    app: Flask,
    page: Page,
    demo_chapter: tuple[DemoLogin, ...],
    console: ConsoleWatch,
    artifacts: Path,
) -> None:
    log_in(page, LEADER)
    nav(page).get_by_role("link", name="Rotation").click()
    page.get_by_role("button", name="Generate / extend the rotation").click()
    expect(page.get_by_role("status").first).to_contain_text("otation")  # updated, or up to date

    first = page.get_by_label("First slot")
    options = first.locator("option").all_text_contents()
    soon, later = options[0], options[6]  # the next meeting, and one two months away
    soon_date, soon_name = soon.split(": ", 1)
    later_name = later.split(": ", 1)[1]
    first.select_option(label=soon)
    page.get_by_label("Second slot").select_option(label=later)
    page.get_by_role("button", name="Swap", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The two slots are swapped.")
    day = datetime.strptime(soon_date, "%d %b %Y")  # noqa: DTZ007 - a calendar date
    long_day = f"{day:%A} {day.day} {day:%B %Y}"  # how the table and the dashboard write it
    swapped_row = page.get_by_role("row").filter(has_text=long_day)
    expect(page.get_by_role("row").filter(has_text=later_name).first).to_contain_text("set by hand")
    page.screenshot(path=str(artifacts / "rotation-after-swap.png"), full_page=False)
    assert swapped_row.count() >= 1
    nav(page).get_by_role("button", name="Log out").click()

    log_in(page, email_of(app, later_name))
    expect(page.get_by_role("status").filter(has_text="You present on")).to_contain_text(long_day)
    assert soon_name != later_name
