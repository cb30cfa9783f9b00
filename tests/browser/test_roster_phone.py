"""The roster on a 375 x 812 phone: choosing Substitute opens the substitute's fields at
once, the sticky action bar never covers the field being typed in, and a refused save shows
an error summary that takes the focus and leads to each row."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from chapter.demo.service import DemoLogin
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import LEADER, log_in

PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def member_row(page: Page, name: str) -> Locator:
    return page.get_by_role("group", name=name, exact=True)


def open_roster(page: Page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, LEADER)
    page.get_by_role("link", name=re.compile(r"^Roster of ")).click()
    expect(page.get_by_role("heading", name=re.compile("Attendance roster"))).to_be_visible()


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def assert_clear_of_the_bar(page: Page, field: Locator) -> None:
    """The field is on screen and its bottom edge is above the sticky bar's top edge."""
    bar = box(page.locator(".sticky-actions"))
    place = box(field)
    assert place["y"] >= 0, f"the field is above the screen: {place}"
    assert place["y"] + place["height"] <= bar["y"], f"field {place} under the bar {bar}"


def test_choosing_substitute_opens_its_fields_and_the_bar_never_covers_them(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    open_roster(page)
    priya = member_row(page, "Priya Raman")
    name = priya.get_by_label("Substitute's name")
    expect(name).to_be_hidden()  # not a substitute yet: the row stays short
    # Bring Priya's letters just above the sticky bar, as a leader scrolling down would.
    letters = priya.get_by_role("radiogroup")
    bar_top = box(page.locator(".sticky-actions"))["y"]
    page.mouse.wheel(0, box(letters)["y"] + box(letters)["height"] - bar_top + 4)
    page.wait_for_function(
        "([top]) => document.querySelector('.sticky-actions').getBoundingClientRect().top > 0",
        arg=[bar_top],
    )
    priya.get_by_text("Substitute", exact=True).click()
    expect(name).to_be_visible()  # one tap: no "Substitute and note" to open
    assert box(page.locator(".sticky-actions"))["height"] <= 100  # ~150 px before
    priya.get_by_label("Substitute", exact=True).press("Tab")  # on to the substitute's name
    expect(name).to_be_focused()
    page.keyboard.type("Lena Vogel")
    assert_clear_of_the_bar(page, name)
    name.press("Tab")
    business = priya.get_by_label("Substitute's business")
    expect(business).to_be_focused()
    assert_clear_of_the_bar(page, business)
    priya.get_by_text("Present", exact=True).click()
    expect(name).to_be_hidden()


def test_a_refused_save_shows_the_error_summary_focused_and_its_links_lead_to_the_rows(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    open_roster(page)
    priya = member_row(page, "Priya Raman")
    priya.get_by_text("Substitute", exact=True).click()  # and no name
    daniel = member_row(page, "Daniel Mercer")
    daniel.get_by_text("Substitute", exact=True).click()
    daniel.get_by_label("Substitute's name").fill("Tom Ray")
    daniel.get_by_label("Substitute's e-mail").fill("tom-at-ray")
    visitor = page.get_by_role("group", name="New visitor 1")
    visitor.get_by_label("E-mail").fill("only@visitor.example")
    page.get_by_role("button", name="Save draft").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("3 rows need attention")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Daniel Mercer: Invalid email address.",
            "Priya Raman: Enter the substitute's name (or choose another letter).",
            "New visitor 1: Enter the visitor's name.",
        ]
    )
    assert box(summary)["y"] < PHONE["height"]  # seen without scrolling
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "roster-errors-375.png"))
    # Everything typed is still there.
    expect(daniel.get_by_label("Substitute's name")).to_have_value("Tom Ray")
    expect(page.get_by_role("group", name="New visitor 1").get_by_label("E-mail")).to_have_value(
        "only@visitor.example"
    )

    summary.get_by_role("link", name=re.compile("^Priya Raman")).click()
    name = member_row(page, "Priya Raman").get_by_label("Substitute's name")
    expect(name).to_be_focused()
    assert_clear_of_the_bar(page, name)
    summary.get_by_role("link", name=re.compile("^New visitor 1")).click()
    visitor_name = page.get_by_role("group", name="New visitor 1").get_by_label("Visitor's name")
    expect(visitor_name).to_be_focused()
    assert_clear_of_the_bar(page, visitor_name)


def test_an_error_link_opens_a_collapsed_note(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    open_roster(page)
    grace = member_row(page, "Grace Okafor")
    grace.locator("summary", has_text="Note").click()
    grace.get_by_label("Note").evaluate("(input, text) => { input.value = text; }", "x" * 201)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#error-summary")).to_be_focused()
    note = member_row(page, "Grace Okafor").get_by_label("Note")
    expect(note).to_be_visible()  # rendered open by the server
    note.locator("xpath=ancestor::details").evaluate("(details) => { details.open = false; }")
    expect(note).to_be_hidden()
    page.locator("#error-summary").get_by_role("link", name=re.compile("^Grace Okafor")).click()
    expect(note).to_be_focused()
    assert_clear_of_the_bar(page, note)


def test_the_audit_trail_reads_on_a_phone(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch, artifacts: Path
) -> None:
    open_roster(page)
    leila = member_row(page, "Leila Haddad")
    leila.get_by_text("Absent", exact=True).click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"^Saved at \d\d:\d\d by Grace Okafor\.$"))).to_be_visible()
    leila = member_row(page, "Leila Haddad")
    leila.get_by_text("Substitute", exact=True).click()
    leila.get_by_label("Substitute's name").fill("Tom Ray")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("link", name="Meeting page").click()
    page.get_by_role("link", name="Audit trail").click()

    latest = page.get_by_role("listitem").filter(has_text="Roster saved as a draft").last
    expect(latest).to_contain_text("Leila Haddad: Absent → Substitute (Tom Ray)")
    raw = latest.get_by_text("roster.saved")
    expect(raw).to_be_hidden()  # the code and the JSON wait behind "Raw record"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    line = latest.get_by_text("Leila Haddad: Absent → Substitute (Tom Ray)")
    assert box(line)["width"] > 200  # a line of words, not one character per line
    page.screenshot(path=str(artifacts / "audit-trail-375.png"), full_page=True)
    latest.get_by_text("Raw record").click()
    expect(raw).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_sign_in_sheet_prints_without_the_menu(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch, artifacts: Path
) -> None:
    open_roster(page)
    page.get_by_role("link", name="Meeting page").click()
    page.get_by_role("link", name="Sign-in sheet to print").click()
    expect(page.get_by_role("heading", name=re.compile("sign-in sheet"))).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # roster.js shows it
    members = page.get_by_role("table").first.get_by_role("row")
    expect(members.filter(has_text="Priya Raman")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "sign-in-sheet-375.png"))

    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("heading", name=re.compile("sign-in sheet"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "sign-in-sheet-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_completing_with_unmarked_members_moves_the_focus_to_the_refusal(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    open_roster(page)
    member_row(page, "Leila Haddad").get_by_text("Absent", exact=True).click()
    page.get_by_role("button", name="Save and complete roster").click()
    refusal = page.locator("form .alert-danger[role=alert]")
    expect(refusal).to_contain_text("Mark every member first. Not marked yet:")
    expect(refusal).to_be_focused()
    assert box(refusal)["y"] < PHONE["height"]
    expect(member_row(page, "Leila Haddad").get_by_label("Absent", exact=True)).to_be_checked()
