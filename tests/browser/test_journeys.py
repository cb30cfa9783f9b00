"""Journeys through the app in Chromium, finding things by label, role and text as people do."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from chapter.demo.service import DEMO_CHAPTER, DEMO_PASSWORD, DemoLogin
from tests.browser.conftest import ConsoleWatch

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

LEADER = "leader@demo.example"
MEMBER = "member@demo.example"
ADMIN = "admin@demo.example"


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():  # to the "load" event: Bootstrap's script has run
        page.get_by_role("button", name="Log in").click()


def open_menu(page: Page) -> None:
    """Open the collapsed navigation (phone) and wait until its slide-down has finished."""
    page.wait_for_load_state()  # a click before bootstrap.min.js has run would do nothing
    toggler = page.get_by_role("button", name="Toggle navigation")
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#nav-links")).to_have_class(re.compile(r"\bshow\b"))


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def table_row(page: Page, text: str) -> Locator:
    return page.get_by_role("row").filter(has_text=text)


def test_leader_adds_a_member_who_then_appears_in_the_directory(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    log_in(page, LEADER)
    expect(page.get_by_role("heading", name="Hello, Grace")).to_be_visible()

    nav(page).get_by_role("link", name="Member admin").click()
    expect(page.get_by_role("heading", name="Member admin")).to_be_visible()
    page.get_by_role("link", name="Add a member").click()
    expect(page.get_by_role("heading", name="Add a member")).to_be_visible()

    page.get_by_label("First name").fill("Ngozi")
    page.get_by_label("Last name").fill("Abiola")
    page.get_by_label("E-mail", exact=True).fill("ngozi.abiola@florals.example")
    page.get_by_label("Business name").fill("Abiola Florals")
    page.get_by_label("Classification").fill("Florist")
    page.get_by_label("Joined on").fill(date(2026, 3, 2).isoformat())
    page.get_by_role("button", name="Add member").click()

    expect(page.get_by_role("status").filter(has_text="Added Ngozi Abiola")).to_be_visible()
    # She never presented, so the rotation puts her in the first unconfirmed slot.
    expect(
        page.get_by_role("status").filter(has_text="Presentation rotation updated")
    ).to_contain_text("Ngozi Abiola")
    expect(page.get_by_role("heading", name="Ngozi Abiola")).to_be_visible()
    expect(page.get_by_text("Abiola Florals")).to_be_visible()

    nav(page).get_by_role("link", name="Directory").click()
    expect(page.get_by_role("heading", name="Member directory")).to_be_visible()
    expect(table_row(page, "Ngozi Abiola")).to_contain_text("Florist")

    page.get_by_role("searchbox", name="Search by name, business or classification").fill("flor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 active member matching “flor”.")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and Ngozi
    rows.get_by_role("link", name="Ngozi Abiola").click()
    expect(page.get_by_role("heading", name="Ngozi Abiola")).to_be_visible()


def test_member_edits_their_ask_and_sees_it_on_their_profile(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    log_in(page, MEMBER)
    expect(page.get_by_role("heading", name="Hello, Daniel")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Directory")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Member admin")).to_have_count(0)

    nav(page).get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="Daniel Mercer")).to_be_visible()
    page.get_by_role("link", name="Edit my profile").click()

    ask = page.get_by_label("My ask")
    expect(ask).to_have_value("Owners of growing trades businesses")
    ask.fill("Introductions to two restaurant owners in the old town")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    expect(page.get_by_role("heading", name="Daniel Mercer")).to_be_visible()
    expect(
        page.get_by_text("Introductions to two restaurant owners in the old town")
    ).to_be_visible()
    expect(page.get_by_text("Owners of growing trades businesses")).to_have_count(0)


def test_member_is_refused_member_admin(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    log_in(page, MEMBER)
    expect(page.get_by_role("heading", name="Hello, Daniel")).to_be_visible()
    response = page.goto("/members/admin")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("link", name="Add a member")).to_have_count(0)


def test_platform_admin_creates_a_chapter_with_its_first_leader(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    log_in(page, ADMIN)
    expect(page.get_by_role("heading", name="Hello, Ada")).to_be_visible()

    nav(page).get_by_role("link", name="Chapters").click()
    expect(page.get_by_role("heading", name="Chapters")).to_be_visible()
    expect(table_row(page, DEMO_CHAPTER)).to_be_visible()
    page.get_by_role("link", name="Create a chapter").click()

    page.get_by_label("Chapter name").fill("Harbour Breakfast Club")
    page.get_by_label("Meeting day").select_option(label="Thursday")
    page.get_by_label("Meeting time (local)").fill("06:45")
    page.get_by_label("Time zone").select_option("Europe/Dublin")
    page.get_by_label("Meeting place").fill("Harbour Hotel, first floor")
    page.get_by_label("Currency (ISO code)").fill("eur")
    page.get_by_label("Leader's first name").fill("Siobhan")
    page.get_by_label("Leader's last name").fill("Byrne")
    page.get_by_label("Leader's e-mail").fill("siobhan@harbour.example")
    page.get_by_label("Leader's business name").fill("Byrne Architects")
    page.get_by_label("Leader's classification").fill("Architect")
    page.get_by_role("button", name="Create chapter").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Created Harbour Breakfast Club; Siobhan Byrne was invited by e-mail."
    )
    expect(page.get_by_role("heading", name="Harbour Breakfast Club")).to_be_visible()
    expect(page.get_by_text("Thursdays at 06:45 (Europe/Dublin)")).to_be_visible()
    expect(page.get_by_text("Siobhan Byrne, President (siobhan@harbour.example)")).to_be_visible()

    page.get_by_role("link", name="All chapters").click()
    row = table_row(page, "Harbour Breakfast Club")
    expect(row).to_contain_text("Thursday 06:45")
    expect(row).to_contain_text("Europe/Dublin")
    expect(table_row(page, DEMO_CHAPTER)).to_be_visible()


def test_wrong_password_shows_the_generic_message(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    log_in(page, LEADER, "not the demo password")
    expect(page.get_by_role("alert")).to_have_text(
        "The e-mail or password is not right, or the account cannot log in."
    )
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_label("E-mail", exact=True)).to_have_value(LEADER)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_count(1)


def test_navigation_collapses_on_a_phone_and_still_works(
    browser: Browser, live_server: str, demo_chapter: tuple[DemoLogin, ...], artifacts: Path
) -> None:
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True
    )
    watch = ConsoleWatch()
    page = watch.watch(context.new_page())
    try:
        log_in(page, LEADER)
        expect(page.get_by_role("heading", name="Hello, Grace")).to_be_visible()
        toggler = page.get_by_role("button", name="Toggle navigation")
        directory = nav(page).get_by_role("link", name="Directory")
        expect(toggler).to_be_visible()
        expect(toggler).to_have_attribute("aria-expanded", "false")
        expect(directory).to_be_hidden()

        open_menu(page)
        expect(directory).to_be_visible()
        page.screenshot(path=artifacts / "phone-nav-open.png", full_page=True)
        directory.click()

        expect(page).to_have_url(re.compile(r"/members/$"))
        expect(page.get_by_role("heading", name="Member directory")).to_be_visible()
        expect(directory).to_be_hidden()  # a new page starts collapsed again

        open_menu(page)
        nav(page).get_by_role("link", name="Member admin").click()
        expect(page.get_by_role("heading", name="Member admin")).to_be_visible()

        assert watch.csp_violations == []
        assert watch.script_errors == []
    finally:
        context.close()


PAGES = [
    ("login", None, "/login"),
    ("dashboard-leader", LEADER, "/"),
    ("directory", LEADER, "/members/"),
    ("member-profile", MEMBER, None),  # "My profile" in the navigation
    ("member-admin", LEADER, "/members/admin"),
    ("add-member-errors", LEADER, "/members/new"),
    ("admin-chapters", ADMIN, "/admin/chapters"),
]


@pytest.mark.parametrize(("viewport_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_key_pages_render_without_csp_errors_or_sideways_scrolling(
    browser: Browser,
    live_server: str,
    demo_chapter: tuple[DemoLogin, ...],
    artifacts: Path,
    viewport_name: str,
    viewport: dict[str, int],
) -> None:
    """Full-page screenshots for a person to review, in test-artifacts/."""
    contexts = {}
    watch = ConsoleWatch()
    sideways: dict[str, int] = {}
    try:
        for name, email, path in PAGES:
            if email not in contexts:
                contexts[email] = browser.new_context(
                    base_url=live_server, viewport=viewport, is_mobile=viewport == PHONE
                )
                page = watch.watch(contexts[email].new_page())
                if email:
                    log_in(page, email)
                    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
            page = contexts[email].pages[0]
            if path:
                page.goto(path)
            else:
                if viewport == PHONE:
                    open_menu(page)
                nav(page).get_by_role("link", name="My profile").click()
            if name == "add-member-errors":
                page.get_by_role("button", name="Add member").click()
                expect(page.get_by_text("This field is required.").first).to_be_visible()
            page.screenshot(path=artifacts / f"{viewport_name}-{name}.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                sideways[name] = overflow
        assert watch.csp_violations == []
        assert watch.script_errors == []
        assert sideways == {}, "pages wider than the screen (pixels of sideways scrolling)"
    finally:
        for context in contexts.values():
            context.close()
