"""A leader moves a chapter's history in, in Chromium: upload a BNI Connect Slips Audit, give
its meeting date, decide the two names the chapter does not know, import, see the ledger."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from chapter.bni.reports import parse_report
from chapter.chapters.models import Chapter
from chapter.extensions import db
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import log_in, nav
from tests.conftest import People
from tests.support import factories

FILE = (
    Path(__file__).parents[1] / "fixtures" / "bni" / "slips-audit_noheaders_uae_small_2025-08.xls"
)
SHOTS = Path("/tmp/shots")  # noqa: S108 - where the brief asks for the screenshots
MEETING_ON = "2025-08-27"
MAPPED = "Nuhon Traikoustai"  # gives a referral to Houbrai Gaiva Kraithujen: mapped to a member
CREATED = "Joubrufo Praseafra"  # receives a referral from Petounoun Fregewea: a new member
EXISTING = ("Ada", "Existing")  # the member MAPPED turns out to be


def chapter_names() -> set[str]:
    """The file's names of this chapter's people (not bold), spaces normalised."""
    report = parse_report(FILE.read_bytes())
    return {
        " ".join(party.name.split())
        for line in report.lines
        for party in (line.giver, line.receiver)
        if party is not None and not party.other_chapter and not line.to_bni
    }


@pytest.fixture
def chapter_from_the_file(app: Flask, people: People) -> str:
    """The home chapter holds every non-bold person of the file but MAPPED and CREATED, plus a
    member under another name that MAPPED will be mapped to; returns that member's name."""
    names = chapter_names()
    assert {MAPPED, CREATED} <= names
    with app.app_context():
        home = db.session.get_one(Chapter, people.leader.chapter_id)
        for name in sorted(names - {MAPPED, CREATED}):
            first, _, last = name.partition(" ")
            factories.MemberFactory(chapter=home, user__first_name=first, user__last_name=last)
        first, last = EXISTING
        factories.MemberFactory(chapter=home, user__first_name=first, user__last_name=last)
        db.session.commit()
    return " ".join(EXISTING)


def test_leader_imports_a_slips_audit_and_sees_it_in_the_chapter_ledger(
    page: Page, people: People, chapter_from_the_file: str, console: ConsoleWatch
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, people.leader.email, factories.PASSWORD)
    nav(page).get_by_role("button", name="Chapter admin").click()
    nav(page).get_by_role("link", name="Import from BNI Connect").click()
    expect(page.get_by_role("heading", name="Import from BNI Connect")).to_be_visible()
    expect(page.get_by_text("No imports yet.")).to_be_visible()

    page.get_by_label("Export file").set_input_files(FILE)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name=f"Preview: {FILE.name}")).to_be_visible()
    expect(page.get_by_text("Nothing is written until you press Import.")).to_be_visible()

    # The file has no date: the leader gives the meeting. Exactly two names are unknown.
    page.get_by_label("Meeting date").fill(MEETING_ON)
    expect(
        page.get_by_role("heading", name="Names this chapter does not know (2 to decide)")
    ).to_be_visible()
    names = page.locator("table.names-table tbody tr")
    expect(names).to_have_count(2)
    expect(names.nth(0)).to_contain_text(CREATED)  # sorted by name
    expect(names.nth(1)).to_contain_text(MAPPED)
    page.get_by_label(MAPPED).select_option(label=chapter_from_the_file)
    page.get_by_label(CREATED).select_option(label="Add as a new member")
    page.get_by_role("button", name="Update the preview").click()

    # The preview now counts every slip of the file, nothing written yet.
    expect(page.get_by_label("Meeting date")).to_have_value(MEETING_ON)
    expect(page.get_by_text("meeting of", exact=False).first).to_be_visible()
    counts = page.locator("table.counts-table")
    expect(counts.get_by_role("row").filter(has_text="Referral slips")).to_contain_text("20")
    expect(counts.get_by_role("row").filter(has_text="Members")).to_contain_text("1")
    expect(page.get_by_label(MAPPED).locator("option:checked")).to_have_text(chapter_from_the_file)
    expect(page.get_by_label(CREATED).locator("option:checked")).to_have_text("Add as a new member")
    preview_shot = SHOTS / "import-preview.png"
    page.screenshot(path=str(preview_shot), full_page=True)

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Imported {FILE.name}:")
    history = page.get_by_role("row").filter(has_text=FILE.name)
    expect(history).to_contain_text("Slips Audit")
    expect(history.get_by_role("link", name="Undo")).to_be_visible()  # to its confirmation

    nav(page).get_by_role("button", name="Chapter admin").click()
    nav(page).get_by_role("link", name="Chapter ledger").click()
    expect(page.get_by_role("heading", name="Chapter ledger")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^20 referral slips"))).to_be_visible()
    created = page.get_by_role("row").filter(has_text=CREATED)
    expect(created).to_contain_text("Petounoun Fregewea")
    expect(created).to_contain_text("Imported slip")
    mapped = page.get_by_role("row").filter(has_text=chapter_from_the_file)
    expect(mapped).to_contain_text("Houbrai Gaiva Kraithujen")
    expect(page.get_by_role("row").filter(has_text="(other chapter)").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "import-ledger.png"), full_page=True)

    # Undo asks first (a page with what it undoes), then puts the chapter back.
    nav(page).get_by_role("button", name="Chapter admin").click()
    nav(page).get_by_role("link", name="Import from BNI Connect").click()
    page.get_by_role("row").filter(has_text=FILE.name).get_by_role("link", name="Undo").click()
    expect(page.get_by_role("heading", name=re.compile("^Undo the import of"))).to_be_visible()
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_role("status")).to_contain_text(f"Import of {FILE.name} undone")
    expect(page.get_by_role("row").filter(has_text=FILE.name)).to_contain_text("Undone")
    assert console.errors == []
