"""A leader connects the chapter to their CRM on a phone (375 px): adds an endpoint for a
receiver on this machine, shows its secret, sends a test event, and after the delivery run
reads the delivered test event in the log; no page scrolls sideways."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from chapter.demo.service import DemoLogin
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import LEADER, log_in, nav, open_menu
from tests.webhooks.conftest import Receiver, receiver  # noqa: F401 - the fixture

PHONE = {"width": 375, "height": 812}


def sideways(page: Page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_leader_adds_an_endpoint_and_reads_the_delivered_test_event_on_a_phone(
    app: Flask,
    browser: Browser,
    live_server: str,
    demo_chapter: tuple[DemoLogin, ...],
    receiver: Receiver,  # noqa: F811
    artifacts: Path,
) -> None:
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True
    )
    watch = ConsoleWatch()
    page = watch.watch(context.new_page())
    try:
        log_in(page, LEADER)
        open_menu(page)
        nav(page).get_by_role("button", name="Chapter admin").click()
        nav(page).get_by_role("link", name="Webhooks").click()
        expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
        page.get_by_role("link", name="Add an endpoint").click()
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Description").fill("Our CRM: visitor follow-up")
        page.get_by_label("Roster completed").uncheck()
        page.screenshot(path=artifacts / "phone-webhooks-new.png", full_page=True)
        assert sideways(page) <= 0
        page.get_by_role("button", name="Add endpoint").click()
        expect(page.get_by_role("status")).to_contain_text("Endpoint added")

        page.get_by_role("button", name="Show the secret").click()
        secret = page.locator("#endpoint-secret").inner_text()
        assert secret.startswith("whsec_")
        receiver.secrets.append(secret)
        page.get_by_role("button", name="Send a test event").click()
        expect(page.get_by_role("status")).to_contain_text("A test event is queued")
        expect(page.get_by_role("row").filter(has_text="webhook.test")).to_contain_text("Waiting")

        result = app.test_cli_runner().invoke(args=["chapter", "send-due-webhooks"])
        assert "Delivered 1 webhook(s)" in result.output
        page.reload()
        row = page.get_by_role("row").filter(has_text="webhook.test")
        expect(row).to_contain_text("Delivered")
        expect(row).to_contain_text("HTTP 200")
        page.screenshot(path=artifacts / "phone-webhooks-endpoint.png", full_page=True)
        assert sideways(page) <= 0
        assert [r.verified for r in receiver.requests] == [True]

        row.get_by_role("link", name="Details").click()
        expect(page.get_by_text('"type": "webhook.test"')).to_be_visible()
        page.screenshot(path=artifacts / "phone-webhooks-delivery.png", full_page=True)
        assert sideways(page) <= 0

        page.goto("/webhooks")
        expect(page.get_by_text("1 delivered")).to_be_visible()
        page.screenshot(path=artifacts / "phone-webhooks-index.png", full_page=True)
        assert sideways(page) <= 0
        assert watch.csp_violations == []
        assert watch.script_errors == []
    finally:
        context.close()
