"""WCAG 2.2 AA on every page, on a phone (390×844, touch), a tablet (768×1024, touch) and a projector
(1280×720): axe-core finds no serious or critical violation and the layout checks (no sideways
scrolling, nothing cut off, text of 16 px or more, targets of 44×44 px) pass in each page's main states:
as opened, refusing something, filled in, and after a record (at the tablet's size, as opened). At the
projector size, Tab walks each page from top to end: every form control in page order, each with a
visible focus ring. The tablet and the phone share a page load: it opens at the tablet's size, is checked, and
goes on at the phone's (a page load is about 7 s of CPU here, Chromium's 4 and the kernel's 3). Screenshots of every state and size land in
``test-artifacts/a11y/``.

The congregation page also with a pool (typed in and from a CSV), a formation round suggested, a pin
refused and its crews created; the trust review also on a ledger with nothing in it yet.

Also: an evening played with the keyboard alone (a listening round and its undo, a money round, a
meeting, a conflict opened and closed, a venture, a crew created), focus staying put after each
record, every record announced, and a visible focus ring all along the way; and that the checks
themselves catch what they should.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from .a11y import (PHONE, PROJECTOR, TABLET, axe_violations, check_page, focus_ring_problems, focused,
                   keyboard_problems, layout_problems, tab_to)
from .conftest import choose_speaker, guard, import_pool_csv, leave, preheat_args, start_server, stop_server

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "projector": PROJECTOR}
GROUP = {"phone": "Otters", "projector": "Kestrels"}  # each size records into its own crew


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    """A page at the projector's size, or a touch page at the tablet's size that each test checks first and then
    turns into the phone's (``on_the_phone``), guarded like the ``page`` fixture."""
    size = request.param
    touch = size == "phone"
    context = browser.new_context(viewport=TABLET if touch else PROJECTOR, has_touch=touch, is_mobile=touch)
    page = context.new_page()
    outside, problems = guard(page)
    yield size, page
    leave(page)
    context.close()
    assert not outside, f"requests left localhost: {outside}"
    assert not problems, "\n".join(problems)


def status(page):
    return page.get_by_role("status").or_(page.get_by_role("alert"))


def record(page, button: str = "Record"):
    page.get_by_role("button", name=button, exact=True).click()


def members(server, group: str) -> list[str]:
    with server.ledger() as ledger:
        return ledger.members(group)


def choose_group(page, group: str):
    page.get_by_label("Group", exact=True).first.select_option(f"{group} (crew)")


# Each scenario moves a page through its states; ``check(state)`` runs every check on the page as it is.

def congregation(page, check, size, server):
    # Its crews are named after it and sort after the demo's, so the other pages still open on Herons.
    check("empty")
    page.get_by_label("Congregation", exact=True).select_option("Start a new congregation…")
    page.get_by_role("button", name="Start the congregation").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check("error")
    page.get_by_label("Congregation name").fill(f"Tideway {size}")
    page.get_by_label("Region", exact=True).fill("Lisbon")
    check("filled")
    page.get_by_role("button", name="Start the congregation").click()
    expect(status(page).first).to_contain_text(f"Recorded: the congregation Tideway {size}.")
    check("recorded")
    # Its pool: one person typed in, five from a form's CSV. A name is one person in every congregation,
    # and someone already in a crew sits the next round out: each size has people of its own.
    pool = [f"{name} {size.title()}" for name in ("Abi", "Bram", "Cleo", "Dov", "Eli", "Fay")]
    page.get_by_label("Person's name").fill(pool[0])
    page.get_by_role("textbox", name="Meaningful work").fill("gardening")
    page.get_by_role("textbox", name="Can meet").fill("Tue evening")
    page.get_by_role("button", name="Add to the pool").click()
    expect(status(page)).to_contain_text(f"Recorded: {pool[0]} is in the pool.")
    csv = "name,work,slots\n" + "".join(f"{name},co-ops,Tue evening\n" for name in pool[1:])
    import_pool_csv(page, csv)
    expect(status(page)).to_contain_text("Recorded: 5 people from pool.csv are in the pool")
    check("pool")
    page.get_by_role("button", name="Suggest crews").click()
    expect(status(page)).to_contain_text("Nothing is recorded until you create them.", timeout=60_000)
    expect(page.get_by_label("Swap", exact=True)).to_be_visible()
    check("round suggested")
    page.get_by_role("button", name="Add pin").click()  # both lists still name the same person
    expect(page.get_by_role("alert")).to_contain_text("Choose two different people to pin.")
    check("round, pin refused")
    page.get_by_role("button", name="Create these crews").click()
    expect(status(page)).to_contain_text("Each is now a crew on every level page.")
    check("crews created")


def crew(page, check, size, server):
    check("empty")
    page.get_by_label("Group name").fill(f"Trio {size}")
    page.get_by_role("button", name="Partnership (2 people)").click()
    page.get_by_label("Members, one per line").fill("Ann\nBen\nCat")
    page.get_by_role("button", name="Create partnership").click()
    expect(page.get_by_role("alert")).to_contain_text("A partnership is exactly 2 people")
    check("error")
    page.get_by_role("button", name="Crew (3–8 people)").click()
    page.get_by_label("Group name").fill(f"Larks {size}")
    expect(page.get_by_role("button", name="Create crew")).to_be_enabled()
    check("filled")
    page.get_by_role("button", name="Create crew").click()
    expect(status(page)).to_contain_text(f"Recorded: the crew Larks {size}")
    check("recorded")


def listening(page, check, size, server):
    choose_group(page, GROUP[size])
    check("empty")
    record(page)
    expect(page.get_by_role("alert")).to_contain_text("Say whether everyone listened")
    check("error")
    page.get_by_role("button", name="Start the round").click()
    expect(page.get_by_text("Now speaking:")).to_be_visible()
    page.get_by_role("radio", name="Yes").check()
    expect(page.get_by_role("cell", name="listened in a round").first).to_be_visible()
    check("filled")
    record(page)
    expect(status(page)).to_contain_text("Recorded (listening on")
    check("recorded")


def money(page, check, size, server):
    choose_group(page, GROUP[size])
    check("empty")
    record(page)
    expect(page.get_by_role("alert")).to_contain_text("Choose the speaker")
    check("error")
    speaker, offerer = members(server, GROUP[size])[:2]
    choose_speaker(page, speaker)
    page.get_by_label("Who offers").select_option(offerer)
    page.get_by_role("button", name=f"Add offer from {offerer}").click()
    expect(page.get_by_role("cell", name="offer: perspective")).to_be_visible()
    check("filled")
    record(page)
    expect(status(page)).to_contain_text("Recorded (money on")
    check("recorded")


def consistency(page, check, size, server):
    choose_group(page, GROUP[size])
    check("empty")
    date = page.get_by_label("Date", exact=True)
    date.fill(f"{dt.date.today().year + 2}-01-01")
    record(page)
    expect(page.get_by_role("alert")).to_contain_text("future")
    check("error")
    date.fill(dt.date.today().isoformat())
    page.get_by_label("Meeting process").select_option(index=1)
    expect(page.get_by_role("cell", name="attended meeting #").first).to_be_visible()
    check("filled")
    record(page)
    expect(status(page)).to_contain_text("Recorded (meeting on")
    check("recorded")


def conflict(page, check, size, server):
    choose_group(page, GROUP[size])
    check("empty")
    record(page, "Open conflict")
    expect(page.get_by_role("alert")).to_contain_text("A conflict is between at least 2 members")
    check("error")
    for name in members(server, GROUP[size])[-2:]:
        page.get_by_role("checkbox", name=name, exact=True).check()
    expect(page.get_by_text("Recording this gives no points.")).to_be_visible()
    check("filled")
    record(page, "Open conflict")
    expect(status(page)).to_contain_text("Recorded (conflict opened")
    page.get_by_role("button", name="Close a conflict").click()
    expect(page.get_by_role("button", name="Close conflict")).to_be_visible()
    check("recorded, closing form")


def co_owners(page, check, size, server):
    choose_group(page, GROUP[size])
    check("empty")
    record(page)
    expect(page.get_by_role("alert")).to_be_visible()
    check("error")
    page.get_by_label("Venture name").fill(f"Pod of the {size}")
    page.get_by_label("Legal form").fill("co-op")
    for name in members(server, GROUP[size])[:2]:
        page.get_by_role("checkbox", name=name, exact=True).check()
    expect(page.get_by_role("cell", name="co-owns a venture")).to_have_count(2)
    check("filled")
    record(page)
    expect(status(page)).to_contain_text("Recorded (venture “")
    check("recorded")


def trust_review(page, check, size, server):
    check("opened")
    page.get_by_role("textbox", name="From", exact=True).fill("2026-12-01")
    page.get_by_role("textbox", name="To", exact=True).fill("2026-01-01")
    expect(page.get_by_text("is after “To”")).to_be_visible()
    check("error")
    page.get_by_role("textbox", name="From", exact=True).fill("2025-01-01")
    expect(page.get_by_text("is after “To”")).to_have_count(0)
    page.get_by_text("the figures as a table").first.click()  # a chart's table alternative, opened
    expect(page.get_by_role("table").first).to_be_visible()
    check("chosen, table open")
    page.get_by_role("button", name="Prepare downloads").click()
    expect(page.get_by_text("Click a name to save it.")).to_be_visible()
    check("downloads ready")


PAGES = {"00_congregation": congregation, "01_crew": crew, "02_listening": listening, "03_money": money, "04_consistency": consistency,
         "05_conflict": conflict, "06_co_owners": co_owners, "07_trust_review": trust_review}
PREHEAT = None  # every page is opened here: preheated all, as `make serve` does (see conftest)


@pytest.mark.parametrize("notebook", list(PAGES))
def test_every_page_in_every_state_passes_axe_and_the_layout_checks(server, sized, notebook):
    size, page = sized
    problems: list[str] = []
    server.open(page, f"{notebook}.ipynb", timeout=120_000)
    if size == "projector":  # the keyboard, as a facilitator at a laptop uses it
        problems.extend(f"{notebook} by keyboard: {p}" for p in keyboard_problems(page))

    def check(state):
        problems.extend(check_page(page, f"{notebook} {state}"))

    if size == "phone":
        # Between the phone's width and the projector's, a page's states lay out as at one of them;
        # only the page as opened is checked at the tablet's size.
        problems.extend(check_page(page, f"{notebook} as opened (tablet)"))
        on_the_phone(page)
    PAGES[notebook](page, check, size, server)
    assert not problems, "\n".join(problems)


def on_the_phone(page) -> None:
    page.set_viewport_size(PHONE)
    page.wait_for_function("width => window.innerWidth === width", arg=PHONE["width"])


def test_landing_page(server, sized):
    size, page = sized
    page.goto(server.url + "/")
    page.get_by_role("heading", name="Reciprocity Workbook").wait_for()
    problems = []
    if size == "phone":
        problems += check_page(page, "landing (tablet)")
        on_the_phone(page)
    problems += check_page(page, "landing")
    page.keyboard.press("Tab")
    problems += focus_ring_problems(focused(page))
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    """A server on a ledger with nothing in it yet, as on the first evening; its one page starts its
    kernel when opened."""
    tmp = tmp_path_factory.mktemp("empty")
    srv = start_server(tmp, tmp / "empty.sqlite", extra_args=preheat_args(()))
    yield srv
    stop_server(srv.proc)


def test_the_review_of_an_empty_ledger(empty_server, page):
    page.set_viewport_size(PHONE)
    empty_server.open(page, "07_trust_review.ipynb", timeout=120_000)
    expect(page.locator(".vega-embed").locator("svg, canvas")).to_have_count(5)
    problems = check_page(page, "07_trust_review empty ledger")
    page.set_viewport_size(PROJECTOR)
    problems += check_page(page, "07_trust_review empty ledger")
    assert not problems, "\n".join(problems)


def test_charts_have_a_description_and_a_table(server, page):
    page.set_viewport_size(PROJECTOR)
    server.open(page, "07_trust_review.ipynb", timeout=120_000)
    drawings = page.locator(".vega-embed")
    expect(drawings).to_have_count(5)
    labels = [drawings.nth(i).get_attribute("aria-label") for i in range(5)]
    for label in labels:
        assert label and label != "Vega visualization" and len(label) > 40, labels
    assert labels[0].startswith("Line chart, Trust built, member by member")
    summaries = page.locator("details.ms-chart-table > summary")
    expect(summaries).to_have_count(5)
    summaries.first.click()
    table = page.get_by_role("table", name="Trust built, member by member")
    expect(table.get_by_role("columnheader", name="points so far")).to_be_visible()


def test_a_listening_round_by_keyboard_alone_keeps_focus_where_it_was(server, page):
    """Tab, Shift+Tab, Space, Enter and the arrow keys, in page order, with a ring always visible."""
    page.set_viewport_size(PROJECTOR)
    server.open(page, "02_listening.ipynb", timeout=120_000)
    expect(page.get_by_role("button", name="Start the round")).to_be_visible()
    # The page opens on the group last worked on, which the tests before chose: Herons, the first, here.
    page.get_by_label("Group", exact=True).select_option("Herons (crew)")
    expect(page.get_by_role("checkbox", name="Eve", exact=True)).to_have_count(0)
    page.locator("body").click(position={"x": 2, "y": 2})  # start from the top of the page, as a visitor would
    seen, rings = [], []
    for _ in range(60):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:
            break
        rings += focus_ring_problems(now)
        seen.append(now)
        if now["name"].startswith("Record"):
            break
    assert seen and seen[-1]["name"].startswith("Record"), [s["name"] for s in seen]
    assert not rings, "\n".join(rings)
    order = [s["index"] for s in seen]
    assert order == sorted(order), f"Tab does not follow the page: {[s['name'] for s in seen]}"
    assert all(s["visible"] for s in seen)

    # Now play: choose the group with the arrow keys, tick and untick with Space, buttons with Enter.
    group = tab_to(page, "Group", backwards=True)
    assert group["tag"] == "select"
    page.keyboard.press("ArrowDown")  # Herons → Kestrels
    expect(page.get_by_label("Group", exact=True)).to_have_value("Kestrels (crew)")
    eve = tab_to(page, "Eve")
    assert eve["tag"] == "input"
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Eve", exact=True)).not_to_be_checked()
    tab_to(page, "Start the round")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Now speaking:")).to_be_visible()
    for _ in range(4):
        expect(focused_button(page)).to_have_text("Next speaker")
        page.keyboard.press("Enter")
    expect(page.get_by_text("Everyone has had a turn.")).to_be_visible()
    tab_to(page, "Yes")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Yes")).to_be_checked()
    expect(page.get_by_role("cell", name="listened in a round").first).to_be_visible()
    after = record_by_keys(page, "Recorded (listening on")
    page.keyboard.press("Shift+Tab")  # back up the page, not from its top
    before = focused(page)
    assert before is not None and before["index"] < after["index"]

    # Undo it by keyboard: asked once, announced when done, and focus stays where the facilitator was
    # (the question's buttons go away with the question; focus must not fall to the top of the page).
    tab_to(page, "Reason for undoing")
    page.keyboard.type("entered twice")
    tab_to(page, "Undo this record")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Yes, undo it")).to_be_visible()
    problems = check_page(page, "02_listening undo asked")
    yes = tab_to(page, "Yes, undo it")
    page.keyboard.press("Enter")
    expect(announced(page, "Undone: ")).to_have_count(1)
    expect(page.get_by_role("button", name="Yes, undo it")).to_be_hidden()
    page.wait_for_function("document.activeElement && document.activeElement !== document.body", timeout=5_000)
    now = focused(page)
    assert not focus_ring_problems(now), focus_ring_problems(now)
    assert now["visible"] and now["index"] < yes["index"] and now["name"].startswith("Undo this record"), now
    problems += check_page(page, "02_listening undone")
    assert not problems, "\n".join(problems)


def focused_button(page):
    return page.locator("button:focus")


# An evening by keyboard: page after page, only keys. Focus gets anywhere by Tab and Shift+Tab from the
# top of the page as loaded (no click first); lists take arrows or the first letters of an option,
# checkboxes and radio buttons Space, buttons Enter. Each page records into Wrens, which the
# scenarios above leave alone (one meeting a day per group).

KEYS_GROUP = "Wrens"


def announced(page, words: str):
    """The live region that says ``words`` (what a screen reader reads out after a record)."""
    return page.locator(".ms-status [aria-live=polite]").filter(has_text=words)


def open_for_keys(server, page, notebook: str, ready: str = "Record"):
    """The page at the projector size, its button ``ready`` on screen, and focus on nothing yet."""
    page.set_viewport_size(PROJECTOR)
    server.open(page, f"{notebook}.ipynb", timeout=120_000)
    expect(page.get_by_role("button", name=ready, exact=True)).to_be_visible()


def group_by_keys(page, member: str, group: str = KEYS_GROUP):
    """Choose ``group`` and wait for the page to show it (a checkbox for ``member``)."""
    tab_to(page, "Group", exact=True)
    page.keyboard.type(group)  # a closed list jumps to the option that begins with what is typed
    expect(page.get_by_label("Group", exact=True)).to_have_value(f"{group} (crew)")
    expect(page.get_by_role("checkbox", name=member, exact=True).first).to_be_visible()
    # The chart is redrawn last when the group changes: once its figures name the group, the page has
    # settled, and a choice made now is not undone by the rest of the change still arriving.
    expect(page.get_by_text(f"Trust in {group} over time: the figures as a table")).to_have_count(1)


def record_by_keys(page, says: str, button: str = "Record", then: str | None = None) -> dict:
    """Tab to ``button`` and press Enter: the live region announces ``says`` and focus stays on the
    button, or, if the record switches it off, moves to ``then``, the control before it."""
    tab_to(page, button, exact=True)
    page.keyboard.press("Enter")
    expect(announced(page, says)).to_have_count(1)
    expect(page.locator(":focus")).to_have_accessible_name(then or button)
    now = focused(page)
    assert not focus_ring_problems(now), focus_ring_problems(now)
    return now


def test_a_money_round_by_keyboard_alone(server, page):
    speaker, offerer, asked = members(server, KEYS_GROUP)
    open_for_keys(server, page, "03_money")
    group_by_keys(page, speaker)
    # The speaker list is filled in after the checkboxes: a choice made before would be undone.
    expect(page.get_by_label("Speaker", exact=True).locator("option", has_text=speaker)).to_have_count(1)
    tab_to(page, "Speaker", exact=True)
    page.keyboard.type(speaker)  # a closed list jumps to the option that begins with what is typed
    expect(page.get_by_label("Speaker", exact=True)).to_have_value(speaker)
    expect(page.get_by_label("Who offers").locator("option", has_text=speaker)).to_have_count(0)
    tab_to(page, "Who offers")
    page.keyboard.type(offerer)
    expect(page.get_by_role("button", name=f"Add offer from {offerer}")).to_be_enabled()
    tab_to(page, f"Add offer from {offerer}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("cell", name="offer: perspective")).to_be_visible()

    # The ask is addressed below its button: tick the name, then Shift+Tab back up to the button.
    tab_to(page, "The speaker asks for")
    page.keyboard.type("an introduction to a printer")
    tab_to(page, asked, exact=True, section="Asks by the speaker")
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Add ask", exact=True)).to_be_enabled()
    tab_to(page, "Add ask", exact=True, backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"an introduction to a printer — to {asked}")).to_be_visible()

    tab_to(page, offerer, exact=True, section="Mutual respect")
    page.keyboard.press("Space")
    expect(page.get_by_role("cell", name="respectful exchange").first).to_be_visible()
    record_by_keys(page, "Recorded (money on")
    with server.ledger() as ledger:
        today = pd.Timestamp.today().normalize()
        respect = ledger.points().query("group == @KEYS_GROUP and date == @today and reason == 'respectful exchange'")
    assert sorted(respect["member"]) == sorted([speaker, offerer])


def test_a_meeting_by_keyboard_alone(server, page):
    absent = members(server, KEYS_GROUP)[-1]
    open_for_keys(server, page, "04_consistency")
    group_by_keys(page, absent)
    tab_to(page, absent, exact=True, section="Today's session")
    page.keyboard.press("Space")  # everyone is ticked as come: untick who did not
    expect(page.get_by_role("checkbox", name=absent, exact=True)).not_to_be_checked()
    tab_to(page, "Meeting process")
    page.keyboard.type("Feelz")
    expect(page.get_by_label("Meeting process")).to_have_value("Feelz Circle")
    record_by_keys(page, "Recorded (meeting on")
    expect(announced(page, f"missed {absent}")).to_have_count(1)


def test_a_conflict_opened_and_closed_by_keyboard_alone(server, page):
    parties = members(server, KEYS_GROUP)[1:]
    open_for_keys(server, page, "05_conflict", ready="Open conflict")
    group_by_keys(page, parties[0])
    for name in parties:
        tab_to(page, name, exact=True, section="Open a conflict")
        page.keyboard.press("Space")
    expect(page.get_by_text("Recording this gives no points.")).to_be_visible()
    record_by_keys(page, "Recorded (conflict opened", button="Open conflict")

    tab_to(page, "Close a conflict", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Close conflict", exact=True)).to_be_visible()
    expect(page.locator(":focus")).to_have_accessible_name("Close a conflict")  # the form changed below it
    expect(page.get_by_label("Conflict", exact=True)).not_to_have_value("— choose —")  # the one open is chosen
    tab_to(page, "Resolved")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name=re.compile("^Resolved"))).to_be_checked()
    record_by_keys(page, "Recorded (conflict closed (resolved)", button="Close conflict")


def test_a_venture_by_keyboard_alone(server, page):
    owners = members(server, KEYS_GROUP)[:2]
    open_for_keys(server, page, "06_co_owners")
    group_by_keys(page, owners[0])
    tab_to(page, "Venture name")
    page.keyboard.type("Bike workshop")
    tab_to(page, "Legal form")
    page.keyboard.type("co-op")
    for name in owners:
        tab_to(page, name, exact=True, section="The venture")
        page.keyboard.press("Space")
    expect(page.get_by_role("cell", name="co-owns a venture")).to_have_count(2)
    record_by_keys(page, "Recorded (venture “Bike workshop”")


def test_a_crew_created_by_keyboard_alone(server, page):
    open_for_keys(server, page, "01_crew", ready="Create crew")
    tab_to(page, "Group name")
    page.keyboard.type("Swallows")
    tab_to(page, "Partnership (2 people)")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Create partnership")).to_be_visible()
    expect(page.locator(":focus")).to_have_accessible_name("Partnership (2 people)")
    tab_to(page, "Crew (3–8 people)", backwards=True)
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Crew (3–8 people)")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(":focus")).to_have_accessible_name("Crew (3–8 people)")
    tab_to(page, "Members, one per line")
    page.keyboard.type("Uma\nVic\nWim")  # Enter starts a new line in the box
    expect(page.get_by_role("button", name="Create crew")).to_be_enabled()
    # Creating empties the form, which switches the button off: focus goes to the field before it.
    record_by_keys(page, "Recorded: the crew Swallows with Uma, Vic, Wim.", button="Create crew", then="Started on")
    with server.ledger() as ledger:
        assert ledger.members("Swallows") == ["Uma", "Vic", "Wim"]


def test_the_checks_catch_what_they_should(browser):
    """On a page built to fail, every check reports; the same page fixed passes."""
    bad = """<html><body style="margin:0">
      <div style="display:flex; overflow:auto; width:300px"><input id="a" style="width:500px; flex:none"><label>Name</label></div>
      <input type="checkbox" id="c" aria-label="Tick">
      <button style="height:20px">Go</button>
      <p style="font-size:12px">Small print</p>
      <div style="width:60px; overflow:hidden; white-space:nowrap; text-overflow:ellipsis">Date of incorporation</div>
      <div style="width:600px">Wide</div>
      <p style="color:#aaa">Pale text</p>
      <div class="vega-embed" role="graphics-document"><svg width="300" height="60">
        <g class="mark-text role-title"><text x="10" y="30" font-size="21">A title far too long for this small chart</text></g>
        <g class="mark-symbol role-mark"><path d="M5,5h4v4h-4z"></path></g>
        <g class="role-legend"><text x="200" y="66" font-size="16">Ties</text></g></svg></div>
      <div class="ms-scroll" style="width:300px; height:900px; overflow:auto"><table><thead><tr><th>Head</th></tr></thead>
        <tbody><tr><td style="white-space:nowrap">A row far wider than its box, far wider than three hundred pixels</td></tr></tbody></table></div>
    </body></html>"""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_content(bad)
        axe = {v["id"] for v in axe_violations(page)}
        assert {"label", "color-contrast", "html-has-lang"} <= axe, axe
        page.set_content("""<html lang="en"><body><main>
          <button>One</button><button style="outline:none">No ring</button>
          <input aria-label="Jumps the queue" tabindex="3"><button>Last</button></main></body></html>""")
        keys = "\n".join(keyboard_problems(page))
        assert "'No ring' has a focus outline of 0" in keys and "Tab reached" in keys, keys
        page.set_content("""<html lang="en"><body><main><button style="outline:3px solid #ddd">Pale ring</button>
          <button style="outline:1px solid #000">Thin ring</button><button id="gone">Gone</button></main></body></html>""")
        rings = []
        for _ in range(2):
            page.keyboard.press("Tab")
            rings += focus_ring_problems(focused(page))
        assert any("'Pale ring' has a focus outline at 1." in r for r in rings), rings
        assert any("'Thin ring' has a focus outline of 1" in r for r in rings), rings
        page.keyboard.press("Tab")
        page.evaluate("document.getElementById('gone').remove()")
        assert focus_ring_problems(focused(page)) == ["focus was lost (it is on the page itself)"]
        page.set_content(bad)
        found = "\n".join(layout_problems(page))
        for expected in ("scrolls sideways inside", "runs past the right edge", "is 13×13 px", "button",
                         "set in 12px type", "is cut off", "the page scrolls sideways",
                         "scrolls sideways but is taller than the window",
                         'chart text "A title far too long for this small chart" is cut at the chart\'s edge',
                         'chart text "Ties" is cut at the chart\'s top or bottom',
                         "a chart has no description in words", "has no table of its figures"):
            assert expected in found, f"{expected!r} not reported:\n{found}"
        page.set_content("""<html lang="en"><head><title>Fine</title>
          <style>:focus-visible { outline: 3px solid #1f5f8b; outline-offset: 2px; }</style></head>
          <body style="padding: 12px"><main>
          <label style="display:inline-flex; min-height:44px; min-width:44px; align-items:center">
            <input type="checkbox"> Tick</label>
          <button style="min-height:44px; min-width:44px; font-size:16px">Go</button><p>Plain text</p>
          <div class="vega-embed" role="graphics-document" aria-label="Line chart, Trust: points so far for each of 2 members.">
            <svg width="300" height="60" aria-hidden="true"><g class="mark-text role-title"><text x="10" y="30" font-size="16">A short title</text></g>
            <g class="mark-symbol role-mark"><path d="M5,5h4v4h-4z"></path></g></svg></div>
          <details class="ms-chart-table"><summary style="min-height:44px">Trust: the figures as a table</summary></details>
          </main></body></html>""")
        assert axe_violations(page) == []
        assert layout_problems(page) == []
        assert keyboard_problems(page) == []
    finally:
        context.close()
