"""A double tap on a form's button sends it once (submit-once.js), at 375 px: the button is
disabled and says "Saving…" while the request is on its way; one slip is stored."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, Request, expect
from sqlalchemy import func

from chapter.demo.service import DemoLogin
from chapter.extensions import db
from chapter.ledger.models import ReferralSlip
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_attendance_journey import member_row
from tests.browser.test_journeys import MEMBER, log_in

PROSPECT = "Dora Doubletap"


def slips_for(app: Flask, prospect: str) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(func.count())
            .select_from(ReferralSlip)
            .where(ReferralSlip.prospect_name == prospect)
        )


def fill_slip(page: Page) -> None:
    page.goto("/referrals/new")
    page.get_by_label("Referral for").select_option(label="Grace Okafor")
    page.get_by_label("Outside: someone else is the customer").check()
    page.get_by_label("Prospect's name").fill(PROSPECT)
    page.get_by_label("Prospect's phone").fill("+44 7700 900456")
    page.get_by_label("What they need").fill("Two tickets to the gala.")
    page.get_by_label("3", exact=True).check()
    page.get_by_label("The prospect agreed to be contacted").check()


def test_a_double_tap_on_pass_the_referral_sends_one_request_and_stores_one_slip(
    app: Flask,
    page: Page,
    demo_chapter: tuple[DemoLogin, ...],
    console: ConsoleWatch,
    artifacts: Path,
) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(page, MEMBER)
    fill_slip(page)
    posts: list[Request] = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    # What the button shows while the request is on its way, kept across the navigation.
    page.evaluate(
        """() => {
            const button = document.querySelector("main button[type=submit]");
            new MutationObserver(() => sessionStorage.setItem(
                "button-while-sending", JSON.stringify([button.textContent, button.disabled])
            )).observe(button, {attributes: true, childList: true, characterData: true,
                                subtree: true});
        }"""
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Pass the referral").dblclick()
    expect(page.get_by_role("status")).to_contain_text("Referral passed")
    page.wait_for_timeout(300)  # time for a second request, were one sent

    assert [r.url.endswith("/referrals/new") for r in posts] == [True]  # one request
    assert slips_for(app, PROSPECT) == 1
    seen = page.evaluate("() => JSON.parse(sessionStorage.getItem('button-while-sending'))")
    assert seen == ["Saving…", True]
    page.screenshot(path=str(artifacts / "slip-passed-375.png"), full_page=True)


def test_a_form_the_server_refuses_can_be_sent_again(
    app: Flask, page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    """The refused page is a new page: its button works (and is not stuck on "Saving…")."""
    log_in(page, MEMBER)
    fill_slip(page)
    page.get_by_label("Prospect's phone").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Pass the referral").click()
    expect(
        page.get_by_text("Give the prospect's phone or the prospect's e-mail").first
    ).to_be_visible()
    page.get_by_label("Prospect's phone").fill("+44 7700 900456")
    with page.expect_navigation():
        page.get_by_role("button", name="Pass the referral").click()
    expect(page.get_by_role("status")).to_contain_text("Referral passed")
    assert slips_for(app, PROSPECT) == 1


def test_the_roster_keeps_the_name_of_the_button_pressed(
    app: Flask, page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch
) -> None:
    """Buttons are disabled only after the browser read the form, so the roster still knows
    which one was pressed ("Mark everyone else present" is a button's name)."""
    log_in(page, "leader@demo.example")
    page.get_by_role("link", name=re.compile(r"^Roster of ")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Mark everyone else present").click()
    expect(page.get_by_role("status")).to_contain_text("Roster saved as a draft.")
    expect(member_row(page, "Daniel Mercer").get_by_label("Present", exact=True)).to_be_checked()
