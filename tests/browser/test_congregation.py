"""The congregation page in a real browser: a facilitator starts a congregation, builds a pool of a dozen
(six typed, six from a CSV), runs a formation round, pins two people apart, solves again, creates the
crews, and one of them plays a listening round. Then the page on a phone: no sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, guard, import_pool_csv, leave

pytestmark = pytest.mark.browser
PREHEAT = ("00_congregation", "02_listening")  # the pages this module opens (see conftest)

# Nobody here is in the demo ledger's crews: a pool person of a crew member's name is that member, so
# already in a crew and left out of the round.
TYPED = [("Abi", "gardening; co-ops", "Tue evening; Thu morning"), ("Bram", "co-ops", "Tue evening"),
         ("Cleo", "software", "tuesday evenings"), ("Dov", "gardening", "Tue evening"),
         ("Eli", "care work", "Tue evening"), ("Fay", "music", "Tue evening; Sat morning")]
CSV = ("name,work,slots,invited_by,region,size,knows\n"
       "Gil,food,Tue evening,Abi,Lisbon,4,\nHal,music,Tue evening,Gil,,,\nIda,gardening,Tue evening,Bram,Lisbon,,\n"
       "Jo,software,Tue evening,Bram,,,\nKai,care work,Tue evening,Cleo,,,\nLou,co-ops,Tue evening,Cleo,Porto,,Kai\n")


def status(page):
    return page.get_by_role("status").or_(page.get_by_role("alert"))


def crews_on_page(page) -> list[list[str]]:
    items = page.locator("ol.ms-crews > li").all_inner_texts()
    return [re.match(r"Crew \d+: ([^\n]+)", t).group(1).split(", ") for t in items]


def test_facilitator_forms_crews_from_a_pool_of_a_dozen(server, page):
    server.open(page, "00_congregation.ipynb", timeout=300_000)
    page.get_by_label("Congregation", exact=True).select_option("Start a new congregation…")
    page.get_by_label("Congregation name").fill("Harbour circle")
    page.get_by_label("Region", exact=True).fill("Lisbon")
    page.get_by_role("button", name="Start the congregation").click()
    expect(status(page).first).to_contain_text("Recorded: the congregation Harbour circle.")

    for name, work, slots in TYPED:
        page.get_by_label("Person's name").fill(name)
        page.get_by_role("textbox", name="Meaningful work").fill(work)
        page.get_by_role("textbox", name="Can meet").fill(slots)
        page.get_by_role("button", name="Add to the pool").click()
        expect(status(page)).to_contain_text(f"Recorded: {name} is in the pool.")
    import_pool_csv(page, CSV)
    expect(status(page)).to_contain_text("Recorded: 6 people from pool.csv are in the pool")
    expect(page.get_by_text("12 people in the pool.")).to_be_visible()

    page.get_by_role("button", name="Suggest crews").click()
    expect(status(page)).to_contain_text("Nothing is recorded until you create them.", timeout=60_000)
    first = crews_on_page(page)
    assert sorted(n for c in first for n in c) == sorted([t[0] for t in TYPED] + ["Gil", "Hal", "Ida", "Jo", "Kai", "Lou"]), \
        page.locator(".ms-congregation").inner_text()
    a, b = first[0][0], first[0][1]
    page.get_by_label("Pin", exact=True).select_option(a)
    page.get_by_label("and", exact=True).select_option(b)
    page.get_by_role("button", name="apart").click()
    page.get_by_role("button", name="Add pin").click()
    expect(page.get_by_text(f"Pins: {a} and {b} apart")).to_be_visible()
    page.get_by_role("button", name="Suggest crews").click()
    expect(status(page)).to_contain_text("Nothing is recorded until you create them.", timeout=60_000)
    again = crews_on_page(page)
    assert not any(a in c and b in c for c in again)

    page.get_by_role("button", name="Create these crews").click()
    expect(status(page)).to_contain_text("Each is now a crew on every level page.")
    with server.ledger() as ledger:
        groups = ledger.groups()
        formed = groups[groups["group"].str.startswith("Harbour circle crew")]
        assert sorted(sorted(m) for m in formed["members"]) == sorted(sorted(c) for c in again)
        crew = formed["group"].iloc[0]
        members = formed["members"].iloc[0]
    expect(page.get_by_role("img").first).to_be_visible()  # the charts are drawn

    server.open(page, "02_listening.ipynb", timeout=300_000)
    page.get_by_label("Group", exact=True).select_option(f"{crew} (crew)")
    expect(page.get_by_role("checkbox", name=members[0], exact=True)).to_be_checked()
    page.get_by_role("radio", name="Yes").check()
    expect(page.get_by_role("cell", name="listened in a round").first).to_be_visible()
    page.get_by_role("button", name="Record", exact=True).click()
    expect(status(page)).to_contain_text("Recorded (listening on")
    with server.ledger() as ledger:
        p = ledger.points()
        assert sorted(p.loc[p["group"] == crew, "member"]) == sorted(members)


def test_the_page_fits_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    outside, problems = guard(page)
    try:
        server.open(page, "00_congregation.ipynb", timeout=300_000)
        page.get_by_role("button", name="Suggest crews").or_(page.get_by_role("button", name="Start the congregation")) \
            .first.wait_for()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "congregation-phone.png"), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the page is {wide} px wide on a 390 px phone"
    finally:
        leave(page)
        context.close()
    assert not outside and not problems, (outside, problems)


def test_a_round_of_ninety_shows_its_progress_then_its_crews(server, page):
    """Issue 21: the search runs off the page's thread; while it works the page shows a progress bar (a
    screen reader finds it by its name) and says once that it is looking; then the crews, and no bar."""
    from benchmarks.formation import pool
    from microsolidarity_widgets.congregation import Congregation

    with server.ledger() as ledger:
        ninety = Congregation.create(ledger, "Ninety circle", on="2026-01-01")
        for p in pool(90, 0):
            ninety.add_person(p.name, on="2026-01-01", answers={"work": list(p.work), "slots": list(p.slots),
                                                                "region": p.region, "size": p.size, "knows": list(p.knows)})
    server.open(page, "00_congregation.ipynb", timeout=300_000)
    page.get_by_label("Congregation", exact=True).select_option("Ninety circle")
    expect(page.get_by_text("90 people in the pool.")).to_be_visible()
    page.get_by_role("button", name="Suggest crews").click()
    expect(page.get_by_role("progressbar", name="Looking for crews")).to_be_visible()
    expect(status(page)).to_contain_text("Looking for crews for 90 people")
    expect(page.get_by_role("button", name="Suggest crews")).to_be_disabled()
    expect(status(page)).to_contain_text("Nothing is recorded until you create them.", timeout=60_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert sum(len(c) for c in crews_on_page(page)) == 90
