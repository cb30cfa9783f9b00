"""Every page a member, a leader and a platform admin can reach from the navigation (plus the
main detail pages one click away: a meeting, its roster, a member, a slip, a chapter) on a
375 px phone: nothing scrolls sideways, the columns that matter are on screen, the controls are
big enough to tap, and axe-core finds no serious or critical accessibility violation.

axe-core comes bundled with the axe-playwright-python package (nothing is downloaded at run
time); it is evaluated through the DevTools protocol, which the strict CSP does not block.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from chapter.demo.service import DemoLogin
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journeys import ADMIN, LEADER, MEMBER, log_in, open_menu

PHONE = {"width": 375, "height": 812}
BLOCKING_IMPACTS = {"serious", "critical"}
# Detail pages one click away from a navigation page: the first link of each kind is visited.
DETAIL_LINKS = {
    "a meeting": re.compile(r"^/meetings/\d+$"),
    "a roster": re.compile(r"^/meetings/\d+/roster$"),
    "a member": re.compile(r"^/members/\d+$"),
    "a slip": re.compile(r"^/referrals/\d+$"),
    "a chapter": re.compile(r"^/admin/chapters/\d+$"),
    "a traffic light": re.compile(r"^/traffic-lights/\d+$"),
    "a visitor": re.compile(r"^/visitors/\d+$"),
}
# Forms one click away (Pass a referral, Thank a giver, ...): every one is visited.
FORM_LINKS = re.compile(
    r"^/((referrals|thanks|one-to-ones|education|testimonials|members|meetings)/new"
    r"|members/me/edit|members/\d+/edit|password|mail/preferences)$"
)
# Controls a thumb taps; links inside sentences and table cells are exempt (WCAG 2.5.8).
TAP_TARGETS = (
    "main .btn, main .form-control, main .form-select, main .page-link, main summary,"
    " main .nav-pills .nav-link, .navbar-toggler, .navbar-brand"
)
MIN_TAP = 44

_axe = Axe()


@dataclass
class Crawl:
    """What the crawl measured on each page, keyed by path."""

    overflow: dict[str, int] = field(default_factory=dict)
    violations: dict[str, list[str]] = field(default_factory=dict)
    small_targets: dict[str, list[str]] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "visited": self.visited,
            "overflow": self.overflow,
            "violations": self.violations,
            "small_targets": self.small_targets,
        }


@pytest.fixture
def phone(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def local_links(page: Page, selector: str) -> list[str]:
    """The same-site paths of the links matched by selector, in page order, without repeats."""
    hrefs = page.eval_on_selector_all(
        selector,
        "els => els.map(e => new URL(e.href, location.href))"
        ".filter(u => u.origin === location.origin).map(u => u.pathname + u.search)",
    )
    return list(dict.fromkeys(hrefs))


def serious_violations(page: Page) -> list[str]:
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:160]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def small_tap_targets(page: Page, selector: str = TAP_TARGETS) -> list[str]:
    """Visible controls less than 44 px high (or wide), described by their text."""
    return page.eval_on_selector_all(
        selector,
        f"""els => els.filter(e => e.checkVisibility())
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.height < {MIN_TAP} || r.width < {MIN_TAP})
            .map(([e, r]) => `${{(e.innerText || e.value || e.name || e.className).trim()
                .slice(0, 40)}} (${{Math.round(r.width)}}x${{Math.round(r.height)}})`)""",
    )


def measure(page: Page, path: str, crawl: Crawl) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path} answered {response.status}"
    crawl.visited.append(path)
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth,"
        " document.documentElement.clientWidth]"
    )
    if widths[0] > min(widths[1], widths[2], PHONE["width"]):
        crawl.overflow[path] = widths[0]
    if found := serious_violations(page):
        crawl.violations[path] = found
    if small := small_tap_targets(page):
        crawl.small_targets[path] = small


def crawl_as(page: Page, email: str | None, artifacts: Path, name: str) -> Crawl:
    """Visit the nav's pages and the first detail page of each kind linked from them."""
    crawl = Crawl()
    if email:
        log_in(page, email)
        pages = local_links(page, "nav[aria-label='Main'] a[href]")
        open_menu(page)  # the collapsed navigation's links are tap targets too
        if small := small_tap_targets(page, "#nav-links .nav-link, #nav-links .btn"):
            crawl.small_targets["navigation menu"] = small
    else:
        pages = ["/login"]
    details: dict[str, str] = {}
    for path in pages:
        measure(page, path, crawl)
        for link in local_links(page, "main a[href]"):
            if FORM_LINKS.match(form := link.split("?")[0]):
                details.setdefault(form, form)
            for kind, pattern in DETAIL_LINKS.items():
                if kind not in details and pattern.match(link):
                    details[kind] = link
    for path in dict.fromkeys(details.values()):
        if path not in crawl.visited:
            measure(page, path, crawl)
    (artifacts / f"every-page-375-{name}.json").write_text(json.dumps(crawl.as_dict(), indent=2))
    return crawl


@pytest.mark.parametrize(
    ("name", "email", "expected_details"),
    [
        ("anonymous", None, set()),
        ("member", MEMBER, {"a meeting", "a member", "a slip"}),
        (
            "leader",
            LEADER,
            {"a meeting", "a roster", "a member", "a slip", "a traffic light", "a visitor"},
        ),
        ("platform-admin", ADMIN, {"a chapter"}),
    ],
)
def test_every_page_fits_a_phone_and_passes_axe(
    phone: Page,
    demo_chapter: tuple[DemoLogin, ...],
    artifacts: Path,
    name: str,
    email: str | None,
    expected_details: set[str],
) -> None:
    watch = ConsoleWatch()
    watch.watch(phone)
    crawl = crawl_as(phone, email, artifacts, name)

    visited_kinds = {
        kind for kind, pattern in DETAIL_LINKS.items() if any(map(pattern.match, crawl.visited))
    }
    assert expected_details <= visited_kinds, "the crawl missed a detail page"
    assert len(crawl.visited) >= {"anonymous": 1, "platform-admin": 4}.get(name, 10)
    assert crawl.overflow == {}, "pages wider than 375 px (their scrollWidth)"
    assert crawl.violations == {}, "axe-core: serious or critical violations"
    assert crawl.small_targets == {}, f"controls smaller than {MIN_TAP} px"
    assert watch.csp_violations == []
    assert watch.script_errors == []


def within_screen(locator: Locator) -> bool:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def cells_under(table: Locator, row: Locator, *headers: str) -> dict[str, Locator]:
    """The row's cells under the named column headers (matched by how the header starts)."""
    texts = [" ".join(text.split()) for text in table.locator("thead th").all_text_contents()]
    found = {}
    for header in headers:
        index = next(i for i, text in enumerate(texts) if text.startswith(header))
        found[header] = row.locator("td").nth(index)
    return found


def assert_on_screen(cells: dict[str, Locator]) -> None:
    for header, cell in cells.items():
        expect(cell).to_be_visible()
        assert re.search(r"\w", cell.inner_text()), f"{header} is empty"
        assert within_screen(cell), f"{header} is off screen: {cell.bounding_box()}"


def test_rotation_shows_each_meetings_presenter_on_a_phone(
    phone: Page, demo_chapter: tuple[DemoLogin, ...], artifacts: Path
) -> None:
    log_in(phone, MEMBER)
    phone.goto("/rotation/")
    upcoming = phone.get_by_role("table").first
    rows = upcoming.locator("tbody tr").all()
    assert len(rows) >= 4
    for row in rows[:4]:
        assert_on_screen(cells_under(upcoming, row, "Meeting", "Presenter"))
    phone.screenshot(path=artifacts / "rotation-375.png", full_page=False)


def test_directory_shows_business_and_classification_on_a_phone(
    phone: Page, demo_chapter: tuple[DemoLogin, ...], artifacts: Path
) -> None:
    log_in(phone, MEMBER)
    phone.goto("/members/")
    directory = phone.get_by_role("table")
    row = directory.get_by_role("row").filter(has_text="Daniel Mercer")
    assert_on_screen(cells_under(directory, row, "Name", "Business", "Classification"))
    phone.screenshot(path=artifacts / "directory-375.png", full_page=False)


def test_leaderboard_shows_given_and_received_on_a_phone(
    phone: Page, demo_chapter: tuple[DemoLogin, ...], artifacts: Path
) -> None:
    log_in(phone, LEADER)
    # Sorted by the last column, which a phone used to cut off.
    phone.goto("/leaderboard/?period=six_months&sort=attendance")
    board = phone.locator("table.leaderboard")
    for row in board.locator("tbody tr").all()[:3]:
        assert_on_screen(cells_under(board, row, "Member", "Given", "Received", "Attendance"))
    phone.screenshot(path=artifacts / "leaderboard-375.png", full_page=False)


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["375", "1280"])
def test_weekly_chart_keeps_the_tallest_number_and_readable_dates(
    browser: Browser,
    live_server: str,
    demo_chapter: tuple[DemoLogin, ...],
    artifacts: Path,
    viewport: dict[str, int],
) -> None:
    context = browser.new_context(base_url=live_server, viewport=viewport)
    try:
        page = context.new_page()
        log_in(page, MEMBER)
        page.goto("/leaderboard/")
        chart = page.get_by_role("img", name="Referrals given by the chapter per week")
        chart.scroll_into_view_if_needed()
        frame = chart.bounding_box()
        assert frame is not None
        values = chart.locator("text.chart-value")
        numbers = [int(text) for text in values.all_text_contents()]
        assert len(numbers) >= 4
        tallest = values.nth(numbers.index(max(numbers))).bounding_box()
        assert tallest is not None
        assert tallest["y"] >= frame["y"], "the tallest bar's number is cut off"
        labels = [label.bounding_box() for label in chart.locator("text.chart-label").all()]
        assert len(labels) == len(numbers)
        for left, right in pairwise(labels):
            assert left is not None
            assert right is not None
            gap = right["x"] - (left["x"] + left["width"])
            assert gap >= 2, f"date labels run together ({gap:.1f} px apart)"
        chart.screenshot(path=artifacts / f"weekly-chart-{viewport['width']}.png")
    finally:
        context.close()
