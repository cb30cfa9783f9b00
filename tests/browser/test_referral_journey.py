"""Givers gain, in Chromium: A passes a referral to B, B closes it and thanks A, A sees it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from chapter.demo.service import DemoLogin
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import LEADER, MEMBER, log_in, nav


def test_a_referral_closed_and_thanked_shows_in_the_givers_ledger(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch, artifacts: Path
) -> None:
    # A (Daniel Mercer, the demo member) passes a referral to B (Grace Okafor, the leader).
    log_in(page, MEMBER)
    page.get_by_role("link", name="Pass a referral").first.click()
    page.get_by_label("Referral for").select_option(label="Grace Okafor")
    page.get_by_label("Outside: someone else is the customer").check()
    page.get_by_label("Prospect's name").fill("Quentin Quill")
    page.get_by_label("Prospect's phone").fill("+44 7700 900123")
    page.get_by_label("What they need").fill("A lasting power of attorney for his mother.")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("The prospect agreed to be contacted").check()
    page.get_by_role("button", name="Pass the referral").click()
    expect(page.get_by_role("status")).to_contain_text("Referral passed")
    expect(page.get_by_role("row").filter(has_text="Quentin Quill")).to_contain_text("New")
    nav(page).get_by_role("button", name="Log out").click()

    # B sees it waiting, marks it closed won and thanks A with an amount.
    log_in(page, LEADER)
    page.get_by_role("link", name="new referral").click()
    page.get_by_role("link", name="Quentin Quill").click()
    page.get_by_label("Status").select_option(label="Closed won")
    page.get_by_label("Note").fill("Signed today.")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_role("status")).to_contain_text("Status updated")
    page.get_by_role("link", name="Thank Daniel Mercer").click()
    expect(page.get_by_label("Thank", exact=True).locator("option:checked")).to_have_text(
        "Daniel Mercer"
    )
    page.get_by_label("Amount of closed business").fill("1234.50")
    page.get_by_role("button", name="Say thank you").click()
    expect(page.get_by_role("status")).to_contain_text("Thank-you recorded")
    nav(page).get_by_role("button", name="Log out").click()

    # A is told, and the ledger shows the slip's status and the amount credited.
    log_in(page, MEMBER)
    expect(
        page.get_by_text("Grace Okafor thanked you for closed business: GBP 1,234.50.")
    ).to_be_visible()
    nav(page).get_by_role("link", name="My ledger").click()
    page.get_by_role("link", name="This week").click()
    expect(page.get_by_role("row").filter(has_text="Quentin Quill")).to_contain_text("Closed won")
    expect(page.get_by_text("GBP 1,234.50").first).to_be_visible()
    page.screenshot(path=str(artifacts / "ledger-after-thanks.png"), full_page=True)
