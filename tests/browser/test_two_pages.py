"""Two facilitators, two pages (two kernels) on one ledger: answers recorded in turn on each page
all land once, each page's rules see the other's answers at once, and after a refresh each page
shows everything."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from microsolidarity_widgets import i18n
from microsolidarity_widgets.levels.consistency.page import month_later
from microsolidarity_widgets.values import day_words

from .conftest import TRACEBACK, guard

pytestmark = pytest.mark.browser
PREHEAT = ("04_consistency",)  # the pages this module opens (see conftest)

PAIR = "Uma+Val"
DATES = ["2026-01-05", "2026-02-05", "2026-03-05", "2026-04-05"]


def second_page(page):
    """Another tab of the same browser, held to the same rules as the ``page`` fixture's."""
    other = page.context.new_page()
    outside, problems = guard(other)
    return other, outside, problems


def open_pair(server, page):
    server.open(page, "04_consistency.ipynb")
    page.get_by_label("Group", exact=True).select_option(f"{PAIR} (partnership)")
    expect(page.get_by_text(f"{PAIR} has no meetings recorded yet").or_(page.get_by_text("Latest meetings"))
           ).to_be_visible()


def record_meeting(page, day: str):
    page.get_by_label("Date", exact=True).fill(day)
    nxt = month_later(dt.date.fromisoformat(day))
    # The next-meeting link follows the date: once it shows, the kernel has the date.
    expect(page.get_by_role("link", name=f"Download the {day_words(nxt)} meeting (.ics calendar file)")).to_be_visible()
    page.get_by_role("button", name="Record", exact=True).click()


def test_two_pages_record_in_turn_and_see_each_other(server, page):
    with server.ledger() as ledger:
        ledger.add_group(PAIR, ["Uma", "Val"], kind="partnership", on="2025-12-01")
    other, outside, problems = second_page(page)
    open_pair(server, page)
    open_pair(server, other)

    for i, day in enumerate(DATES):
        here = (page, other)[i % 2]
        record_meeting(here, day)
        expect(here.get_by_role("status")).to_contain_text(f"Recorded (meeting on {day}")

    # The other page's rules read the ledger, not a copy: a day the first page took is refused.
    record_meeting(other, DATES[0])
    expect(other.get_by_role("alert")).to_contain_text(f"{PAIR} already has a meeting recorded on {DATES[0]}")

    with server.ledger() as ledger:
        ev = ledger.events()
        meetings = ev[(ev["kind"] == "meeting") & (ev["group"] == PAIR)]
        assert sorted(meetings["date"].dt.strftime("%Y-%m-%d")) == DATES
        assert ledger.totals(PAIR)["total"].to_dict() == {"Uma": 1 + 3 + 5 + 5, "Val": 1 + 3 + 5 + 5}

    # Refreshed: each page by choosing the group again, and a page loaded afresh in a third tab.
    # (Reloading a tab in place races the old kernel's widgets against the new page's.)
    fresh, fresh_outside, fresh_problems = second_page(page)
    open_pair(server, fresh)
    for p in (page, other):
        p.get_by_label("Group", exact=True).select_option("Ama+Bo (partnership)")
        expect(p.get_by_role("link", name="Download the 1 December 2026 meeting (.ics calendar file)")
               .or_(p.get_by_text("Latest meetings"))).to_be_visible()
        p.get_by_label("Group", exact=True).select_option(f"{PAIR} (partnership)")
    for p in (page, other, fresh):
        expect(p.get_by_text("Latest meetings")).to_be_visible()
        for day in DATES:  # as the page's meetings table writes a day (Babel's medium date: "5 Jan 2026")
            shown = i18n.words("en").date(dt.date.fromisoformat(day), "medium")
            expect(p.get_by_role("cell", name=shown).first).to_be_visible()

    bodies = [p.locator("body").inner_text() for p in (other, fresh)]
    assert not outside + fresh_outside, f"requests left localhost: {outside + fresh_outside}"
    assert not problems + fresh_problems, "\n".join(problems + fresh_problems)
    assert not any(TRACEBACK.search(b) for b in bodies)
