"""The trust review page in Chromium, and its report opened from disk, both with no internet."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from microsolidarity_widgets import export

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
    assert any(n.startswith("Kestrels-events.csv") for n in names) and len(names) == 13
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
