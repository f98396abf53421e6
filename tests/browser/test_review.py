"""The trust review page in Chromium, and its report opened from disk, both with no internet."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from .a11y import PHONE, PROJECTOR, check_page
from .conftest import ARTIFACTS, preheat_args, start_server, stop_server
from microsolidarity_widgets import Ledger, export
from test_review import EVENING_CREW, play_one_evening  # tests/ is on the path, as for every test module

pytestmark = pytest.mark.browser
PREHEAT = ("07_trust_review",)  # the pages this module opens (see conftest)

NOTEBOOK = "07_trust_review.ipynb"
CHARTS = 5


def wait_for_charts(page, timeout: float = 60_000) -> None:
    """Every chart container holds a drawn SVG or canvas."""
    page.wait_for_function(
        f"""() => {{
            const embeds = [...document.querySelectorAll('.vega-embed')];
            return embeds.length >= {CHARTS} && embeds.every(e => e.querySelector('svg, canvas'));
        }}""", timeout=timeout)


def open_offline(browser, path: Path):
    """Open a file in a fresh Chromium tab that may load nothing but that file."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    outside, problems = [], []

    def route(r):
        if urlparse(r.request.url).scheme in ("file", "data", "blob"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path.resolve().as_uri())
    return context, page, outside, problems


def test_a_review_built_ahead_shows_what_was_recorded_before_it_was_opened(server, page):
    # Once the server says it is ready, the review's preheated kernel has built its page and waits.
    deadline = time.monotonic() + 240
    while "The workbook is ready at" not in server.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, server.log.read_text()[-3000:]
        time.sleep(0.2)
    with server.ledger() as ledger:  # another process records meanwhile
        ledger.add_group("Swifts", ["Ines", "Jon"], kind="partnership", on="2026-05-01")
    server.open(page, NOTEBOOK)
    expect(page.get_by_label("Groups", exact=True).locator("option", has_text="Swifts")).to_have_count(1)


def test_review_page_draws_every_chart_and_follows_the_pickers(server, page, browser, tmp_path):
    server.open(page, NOTEBOOK)
    wait_for_charts(page)
    assert page.locator(".vega-embed").count() == CHARTS
    summary = page.locator(".ms-summary")
    assert "Herons earned" in summary.inner_text()

    # choosing another group redraws the charts in place and rewrites the summary
    page.get_by_label("Groups", exact=True).select_option(["Kestrels"])
    page.wait_for_function("() => document.querySelector('.ms-summary').innerText.includes('Kestrels earned')")
    page.wait_for_function("""() => [...document.querySelectorAll('.vega-embed svg, .vega-embed canvas')]
                                      .length >= 5""")
    page.wait_for_function("() => document.querySelector('.vega-embed').innerText.includes('Caz') || "
                           "[...document.querySelectorAll('.vega-embed text')].some(t => t.textContent === 'Caz')")
    wait_for_charts(page)
    page.set_viewport_size({"width": 1280, "height": 3400})  # Voilà scrolls inside the page: show it all
    wait_for_charts(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-kestrels.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # downloads are built in the browser from the kernel's bytes
    page.get_by_role("button", name="Prepare downloads").click()
    links = page.locator(".ms-downloads a")
    links.first.wait_for(timeout=60_000)
    names = links.all_inner_texts()
    assert any(n.startswith("Kestrels-events.csv") for n in names) and len(names) == 14  # the season report too
    with page.expect_download() as got:
        page.locator(".ms-downloads a", has_text="Kestrels-report.html").click()
    report = tmp_path / "Kestrels-report.html"
    got.value.save_as(report)
    with page.expect_download() as got:
        page.locator(".ms-downloads a", has_text="Kestrels-points.csv").click()
    csv = tmp_path / "points.csv"
    got.value.save_as(csv)
    assert csv.read_text(encoding="utf-8").startswith("date,group,member,level,points")

    context, report_page, outside, problems = open_offline(browser, report)
    try:
        wait_for_charts(report_page)
        assert "Kestrels earned" in report_page.locator(".summary").inner_text()
        report_page.screenshot(path=str(ARTIFACTS / "review-report-from-page.png"), full_page=True)
    finally:
        context.close()
    assert not outside and not problems, (outside, problems)


def test_exported_group_report_draws_offline(server, browser, tmp_path):
    with server.ledger() as ledger:
        paths = export.export_group(ledger, "Otters", tmp_path)
    report = next(p for p in paths if p.name == "Otters-report.html")
    context, page, outside, problems = open_offline(browser, report)
    try:
        wait_for_charts(page)
        assert page.locator(".vega-embed").count() == CHARTS
        assert "One conflict is open (Otters: Lior, Pia)." in page.locator(".summary").inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-report-otters.png"), full_page=True)
    finally:
        context.close()
    assert not outside and not problems, (outside, problems)


# --- a crew's first evening (issue 21, item 9) ------------------------------------------------------


@pytest.fixture(scope="module")
def evening_server(tmp_path_factory):
    """A server on a ledger holding one crew of eight, created today, with one listening round and one
    money round today: what a new crew reviews at the end of its first evening. Its page starts its
    kernel when opened."""
    tmp = tmp_path_factory.mktemp("evening")
    path = tmp / "evening.sqlite"
    with Ledger.open(path) as ledger:
        play_one_evening(ledger)
    srv = start_server(tmp, path, extra_args=preheat_args(()))
    yield srv
    stop_server(srv.proc)


# Each drawn chart: its description, its legend labels' boxes (those Vega shows: it hides some by
# opacity when they would collide), its markers' centres, and its y axis's labels.
DRAWN_JS = """() => [...document.querySelectorAll('.vega-embed svg')].map(svg => {
    const box = (el) => { const r = el.getBoundingClientRect();
                          return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const shown = (el) => el.getAttribute('opacity') !== '0' && getComputedStyle(el).opacity !== '0';
    // An axis of points, found by its title (the charts leave Vega's own ARIA labels out).
    const y = [...svg.querySelectorAll('g.role-axis')].find(a => [...a.querySelectorAll('g.role-axis-title text')]
                                                              .some(t => t.textContent.startsWith('Points')));
    return {
        chart: svg.closest('.vega-embed').getAttribute('aria-label') || svg.getAttribute('aria-label') || '',
        legend: [...svg.querySelectorAll('g.role-legend-label text')].filter(shown).map(box),
        markers: [...svg.querySelectorAll('g.mark-symbol.role-mark path')].map(box)
                  .map(b => [(b.left + b.right) / 2, (b.top + b.bottom) / 2]),
        y: y ? [...y.querySelectorAll('g.role-axis-label text')].filter(shown).map(t => t.textContent) : [],
    };
})"""


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of boxes that cover each other by more than a pixel each way."""
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1]


@pytest.mark.parametrize("size", [PHONE, PROJECTOR], ids=["phone", "projector"])
def test_a_crews_first_evening_reviews_well(evening_server, page, size):
    """Every member listed (0 where they scored nothing), one day said as one day, eight markers each in
    sight, legends whose labels never overlap, points in whole numbers, and no "Infinite extent" in the
    console, on a phone and on a projector, and axe finds nothing."""
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    page.set_viewport_size(size)
    evening_server.open(page, NOTEBOOK)
    wait_for_charts(page)
    expect(page.locator(".ms-summary")).to_contain_text("Evening crew earned 17 points on ")
    assert " to " not in page.locator(".ms-summary li").first.inner_text()
    totals = page.locator(".ms-totals table")
    for name in EVENING_CREW:
        expect(totals.get_by_role("row", name=name)).to_have_count(1)
    expect(totals.get_by_role("row", name="Hieronymus Wojciechowski")).to_contain_text("0")

    drawn = page.evaluate(DRAWN_JS)
    trust = next(c for c in drawn if c["chart"].startswith("Line chart, Trust built"))
    assert len(trust["markers"]) == len(EVENING_CREW), trust["markers"]
    for i, (x1, y1) in enumerate(trust["markers"]):  # several on one spot: side by side, none hidden
        for x2, y2 in trust["markers"][i + 1:]:
            assert abs(x1 - x2) >= 10 or abs(y1 - y2) >= 10, trust["markers"]
    assert {b["text"] for b in trust["legend"]} == set(EVENING_CREW)  # each name whole
    for chart in drawn:
        assert not overlaps(chart["legend"]), (chart["chart"][:60], overlaps(chart["legend"]))
        assert all(label.lstrip("−-").isdigit() for label in chart["y"]), (chart["chart"][:60], chart["y"])
    assert sum(bool(chart["y"]) for chart in drawn) == 3  # members', levels' and groups' points
    problems = check_page(page, f"07_trust_review one evening {size['width']}")
    assert not problems, "\n".join(problems)

    # one member with 1 point: Vega's own ticks would read 0, 0.2 … 1.0
    page.get_by_label("Members", exact=True).select_option([EVENING_CREW[2]])
    expect(page.locator(".ms-summary")).to_contain_text(f"Showing {EVENING_CREW[2]}.")
    page.wait_for_function("""() => { const svg = document.querySelector('.vega-embed svg');
        return svg && svg.querySelectorAll('g.role-legend-label text').length === 1; }""")
    trust = page.evaluate(DRAWN_JS)[0]
    assert trust["chart"].startswith("Line chart, Trust built") and trust["y"] == ["0", "1"], trust["y"]

    # a window with nothing in it: every chart empty, and Vega works out no extent from no rows
    page.get_by_role("textbox", name="From", exact=True).fill("2025-01-01")
    page.get_by_role("textbox", name="To", exact=True).fill("2025-01-02")
    expect(page.locator(".ms-summary")).to_contain_text("Evening crew earned no points from 1 January 2025 to 2 January 2025.")
    wait_for_charts(page)
    expect(page.get_by_text("Nothing recorded in this choice yet.").first).to_be_attached()
    assert not [w for w in warnings if "Infinite extent" in w], warnings
