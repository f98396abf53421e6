"""The printable season report in Chromium, opened from disk with no internet: the browser writes it as a
PDF on A4 and on Letter, one page per crew, every chart drawn on its crew's page."""

from __future__ import annotations

import re

import pytest

from .a11y import PHONE, PROJECTOR, check_page
from .conftest import ARTIFACTS
from .test_review import open_offline
from microsolidarity_widgets import Ledger, export
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.seasons import Season
from microsolidarity_widgets.seasons.report import SEASON_CHARTS
from test_season_report import one_season  # tests/ is on the path, as for every test module

pytestmark = pytest.mark.browser

# Paper sizes in CSS pixels (96 per inch) less the report's 12 mm margins: what one crew's page must fit in.
PAPER = {"A4": (794, 1123), "Letter": (816, 1056)}
MARGIN = 12 / 25.4 * 96


@pytest.fixture(scope="module")
def crews(tmp_path_factory):
    """Three crews: Kestrels (a season played and decided), Swifts (a season begun, few events), Owls
    (no season): three pages, eight charts."""
    path = tmp_path_factory.mktemp("season") / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        one_season(ledger)
        ledger.add_group("Swifts", ["Hal", "Ines", "Jon", "Kai", "Lu", "Mo", "Nia", "Oz"], kind="crew",
                         on="2026-03-01")
        ledger.record(Season("Swifts", "2026-03-01"))
        ledger.record(Listening("Swifts", "2026-03-05", present=["Hal", "Ines", "Jon"], everyone_listened=True))
        yield ledger


def pdf_pages(pdf: bytes) -> int:
    """The pages of a PDF that Chromium (Skia) wrote: each is an uncompressed ``/Type /Page`` object."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_season_report_prints_one_page_per_crew_with_every_chart(crews, browser, tmp_path, paper):
    report = tmp_path / f"season-{paper}.html"
    report.write_text(export.season_report(crews, on="2026-07-01", paper=paper), encoding="utf-8")
    context, page, outside, problems = open_offline(browser, report)
    try:
        assert page.locator("section.crew").count() == 3
        # Laid out as the printer will: every chart drawn, inside its crew's page, with room on the paper.
        width, height = PAPER[paper]
        page.set_viewport_size({"width": round(width - 2 * MARGIN), "height": round(height - 2 * MARGIN)})
        page.emulate_media(media="print")
        for crew, charts in (("Kestrels", len(SEASON_CHARTS)), ("Swifts", len(SEASON_CHARTS)), ("Owls", 0)):
            section = page.locator("section.crew", has=page.get_by_role("heading", name=re.compile(crew)))
            figures = section.locator("figure.chart")
            assert figures.count() == charts, crew
            box = section.bounding_box()
            assert box["height"] <= height - 2 * MARGIN, f"{crew}'s page is {box['height']:.0f}px tall"
            for i in range(charts):
                drawn = figures.nth(i).locator("svg").bounding_box()
                assert drawn and drawn["width"] > 200 and drawn["height"] > 80, (crew, i, drawn)
                assert box["y"] <= drawn["y"] and drawn["y"] + drawn["height"] <= box["y"] + box["height"]
        pdf = page.pdf(format=paper, prefer_css_page_size=True, print_background=True)
        (ARTIFACTS / f"season-report-{paper}.pdf").parent.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"season-report-{paper}.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 3
        # The same file with no paper chosen prints on whichever the printer has, still a page per crew.
        for other in PAPER:
            assert pdf_pages(page.pdf(format=other)) == 3
        page.goto("about:blank")
    finally:
        context.close()
    assert not outside and not problems, (outside, problems)


def test_the_season_report_reads_well_on_a_screen_and_by_a_screen_reader(crews, browser, tmp_path):
    report = tmp_path / "season.html"
    report.write_text(export.season_report(crews, on="2026-07-01"), encoding="utf-8")
    context, page, outside, problems = open_offline(browser, report)
    try:
        found = []
        for size in (PROJECTOR, PHONE):
            page.set_viewport_size(size)
            found += check_page(page, "season report")
        assert not found, "\n".join(found)
        assert page.get_by_role("button", name="Print").is_visible()
        assert page.get_by_role("img", name="Trust built, member by member").count() == 2
        page.goto("about:blank")
    finally:
        context.close()
    assert not outside and not problems, (outside, problems)
