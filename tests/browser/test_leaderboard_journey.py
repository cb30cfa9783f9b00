"""The leaderboard in Chromium: a member sorts the rolling six months and finds their row; a
leader downloads the PALMS summary and it parses with the expected columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from chapter.demo.service import DemoLogin
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import LEADER, MEMBER, log_in, nav

HEADER = [
    "First Name",
    "Last Name",
    "P",
    "A",
    "L",
    "M",
    "S",
    "RGI",
    "RGO",
    "RRI",
    "RRO",
    "V",
    "1-2-1",
    "TYFCB",
    "CEU",
    "T",
]


def test_member_sorts_the_six_months_by_received_and_sees_their_row(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch, artifacts: Path
) -> None:
    log_in(page, MEMBER)
    nav(page).get_by_role("link", name="Leaderboard").click()
    expect(page.get_by_role("heading", name="Leaderboard")).to_be_visible()
    page.get_by_role("link", name="Rolling 6 months").click()
    expect(page.get_by_text("Rolling 6 months: weeks from")).to_be_visible()
    page.get_by_role("link", name="Received").click()
    expect(page.get_by_role("link", name="Received ▼ (sorted)")).to_be_visible()
    mine = page.locator("tr[aria-current='true']")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Daniel Mercer (you)")
    received = [
        int(cell.split()[0])
        for cell in page.locator("table.leaderboard tbody tr td:nth-child(4)").all_inner_texts()
    ]
    assert received == sorted(received, reverse=True)
    expect(
        page.get_by_role("img", name="Referrals given (dark) and received (light)")
    ).to_be_visible()
    page.screenshot(path=str(artifacts / "leaderboard-six-months.png"), full_page=False)


def test_leader_downloads_the_palms_summary_as_csv_and_xlsx(
    page: Page, demo_chapter: tuple[DemoLogin, ...], console: ConsoleWatch, artifacts: Path
) -> None:
    log_in(page, LEADER)
    page.goto("/reports/palms")
    expect(page.get_by_role("heading", name="PALMS summary report")).to_be_visible()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text())))
    assert rows[0] == HEADER
    assert rows[-1][0] == "Total"
    assert len(rows) >= 25
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download XLSX").click()
    saved = artifacts / "palms-summary.xlsx"
    xlsx_download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert [cell.value for cell in sheet[2]] == HEADER
    assert sheet.cell(sheet.max_row, 1).value == "Total"


@pytest.mark.parametrize("width", [375, 1280])
def test_leader_reads_who_gives_to_whom_and_the_bars(
    browser: Browser,
    live_server: str,
    demo_chapter: tuple[DemoLogin, ...],
    artifacts: Path,
    width: int,
) -> None:
    """The matrix and the bars are written out in Python (issue 17): every member a row and a
    column, numbers where slips were passed, a sentence for screen readers, a bar per member."""
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        log_in(page, LEADER)
        page.goto("/leaderboard/?period=six_months")
        matrix = page.locator("table.matrix")
        matrix.scroll_into_view_if_needed()
        members = page.locator("table.leaderboard tbody tr").count()
        expect(matrix.locator("tbody tr")).to_have_count(members)
        expect(matrix.locator("thead th.matrix-head")).to_have_count(members)
        expect(matrix.locator("tbody td")).to_have_count(members * members)
        passed = matrix.locator("tbody td[class]")
        assert passed.count() > members  # the demo chapter passes slips between many pairs
        expect(passed.first.locator(".visually-hidden")).to_contain_text(" from ")
        # darker = more: a cell with slips is shaded, an empty one is not
        shaded = passed.first.evaluate("cell => getComputedStyle(cell).backgroundColor")
        empty = matrix.locator("tbody td:not([class])").first.evaluate(
            "cell => getComputedStyle(cell).backgroundColor"
        )
        assert shaded != empty, shaded
        bars = page.get_by_role("img", name="Referrals given (dark) and received (light)")
        expect(bars.locator("rect.bar-given")).to_have_count(members)
        page.screenshot(path=str(artifacts / f"leaderboard-matrix-{width}.png"), full_page=True)
    finally:
        context.close()
