"""The facilitator's screens with `serve --share` (issue 21, item 8), at a projector's 1280×720 and a phone's
390×844: the members' code in the landing page's first screen; dropdowns that show the value they hold;
Accept that says what it did; a record bar of at most a quarter of the screen; the congregation's pool
table showing a newcomer who joined from a phone; and the group last worked on still chosen on the next
page after a formation round created new crews (which sort first). Each state passes the a11y checks.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from playwright.sync_api import expect

from microsolidarity_widgets import Ledger
from microsolidarity_widgets.congregation import Congregation
from microsolidarity_widgets.rules import Proposal

from .a11y import PHONE, PROJECTOR, check_page
from .conftest import close_guarded, guard, leave, start_server, stop_server
from .test_members import wait_for

pytestmark = pytest.mark.browser

POOL = ("Abi", "Bram", "Cleo", "Dov", "Eli")  # nobody of the demo's crews: all of them are in the round


@pytest.fixture(scope="module")
def shared(tmp_path_factory, demo_ledger_file):
    tmp = tmp_path_factory.mktemp("screens")
    ledger = tmp / "ledger.sqlite"
    shutil.copy(demo_ledger_file, ledger)
    with Ledger.open(ledger) as opened:
        circle = Congregation.create(opened, "Harbour circle", region="Lisbon")
        for name in POOL:
            circle.add_person(name, answers={"work": "co-ops", "slots": "Tue evening"})
    srv = start_server(tmp, ledger, extra_args=["--share", "--preheat", "00_congregation,02_listening,03_money"])
    try:
        srv.token = wait_for(srv, r"^Facilitator: http://\S+\?token=(\S+)$").group(1)
        srv.code = wait_for(srv, r"^Members join at: http://\S+/join/(\S+)$").group(1)
        yield srv
    finally:
        stop_server(srv.proc)


@pytest.fixture
def facilitator(browser, shared, request):
    """The facilitator's laptop at 1280×720, signed in with the token, guarded like the ``page`` fixture."""
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    outside, problems = guard(page)
    page.goto(f"{shared.url}/?token={shared.token}")
    yield page
    close_guarded(context, page, request.node.name, outside, problems)


def open_page(page, shared, notebook: str):
    page.goto(f"{shared.url}/voila/render/{notebook}.ipynb", timeout=300_000)
    page.wait_for_selector(".widget-button, .widget-dropdown", timeout=300_000)


def shows(page, label: str, words: str) -> None:
    """The dropdown labelled ``label`` shows ``words`` (its selected option; nothing is selected, and
    nothing shown, when the page's select has no value)."""
    expect(page.get_by_label(label, exact=True)).to_have_value(words)


def bar_height(page) -> float:
    return page.locator(".ms-recordbar").evaluate("e => e.getBoundingClientRect().height")


def status(page):
    return page.get_by_role("status").or_(page.get_by_role("alert"))


@pytest.mark.parametrize("size", ["projector", "phone"])
def test_the_landing_page_shows_the_members_code_in_its_first_screen(browser, shared, size):
    viewport = PROJECTOR if size == "projector" else PHONE
    context = browser.new_context(viewport=viewport, has_touch=size == "phone", is_mobile=size == "phone")
    page = context.new_page()
    outside, problems = guard(page)
    try:
        page.goto(f"{shared.url}/?token={shared.token}")
        code = page.locator("#members .qr svg")
        expect(code).to_be_visible()
        box = code.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box  # no scrolling to find it
        expect(page.get_by_role("link", name="Crew set-up")).to_be_visible()  # the pages still follow
        problems += check_page(page, "landing shared")
    finally:
        leave(page)
        context.close()
    assert not outside and not problems, "\n".join([*outside, *problems])


def test_money_dropdowns_accept_and_a_record_bar_of_a_quarter_of_the_screen(facilitator, shared):
    page = facilitator
    with shared.ledger() as ledger:  # sent from Ama's phone
        ledger.record(Proposal("Kestrels", dt.date.today(), "Ama", "offer", "knows a co-op lawyer", "introduction"))
    open_page(page, shared, "03_money")
    page.get_by_label("Group", exact=True).select_option("Kestrels (crew)")
    expect(page.get_by_text("Nothing waiting.")).to_have_count(0)
    shows(page, "Speaker", "— choose —")
    shows(page, "Who offers", "— choose —")

    page.get_by_label("Speaker", exact=True).select_option("Bo")
    expect(page.get_by_label("Who offers").locator("option", has_text="Bo")).to_have_count(0)
    page.get_by_label("Speaker", exact=True).select_option("— choose —")  # not Bo after all
    expect(page.get_by_label("Who offers").locator("option", has_text="Bo")).to_have_count(1)
    shows(page, "Speaker", "— choose —")
    page.get_by_label("Speaker", exact=True).select_option("Caz")
    expect(page.get_by_label("Who offers").locator("option", has_text="Caz")).to_have_count(0)
    shows(page, "Speaker", "Caz")
    shows(page, "Who offers", "— choose —")
    page.get_by_role("button", name="Accept").click()
    expect(status(page)).to_contain_text("Accepted Ama's offer into this round")
    for who in ("Dev", "Bo", "Eve"):
        page.get_by_label("Who offers").select_option(who)
        page.get_by_role("button", name=f"Add offer from {who}").click()
        expect(page.get_by_role("cell", name="offer: perspective").first).to_be_visible()
    expect(page.get_by_text("Eve — perspective")).to_be_attached()
    shows(page, "Who offers", "Eve")

    assert bar_height(page) <= PROJECTOR["height"] / 4
    problems = check_page(page, "03_money with offers")
    page.set_viewport_size(PHONE)
    assert bar_height(page) <= PHONE["height"] / 4
    problems += check_page(page, "03_money with offers")
    page.set_viewport_size(PROJECTOR)
    page.get_by_role("button", name="Record", exact=True).click()
    expect(status(page)).to_contain_text("Recorded (money on")
    assert bar_height(page) <= PROJECTOR["height"] / 4
    shows(page, "Speaker", "— choose —")  # the form is ready for the next speaker
    problems += check_page(page, "03_money after a record")
    assert not problems, "\n".join(problems)


def test_the_pool_shows_a_phones_newcomer_and_the_group_stays_chosen_after_a_formation(facilitator, shared, browser):
    page = facilitator
    open_page(page, shared, "02_listening")
    page.get_by_label("Group", exact=True).select_option("Otters (crew)")  # the group worked on tonight
    expect(page.get_by_role("checkbox", name="Quinn", exact=True)).to_be_visible()

    open_page(page, shared, "00_congregation")
    expect(page.get_by_text("5 people in the pool.")).to_be_visible()
    shows(page, "Who is in this round", "Everyone in the pool not yet in a crew")
    shows(page, "Create as", "lasting crews (each becomes a crew of the workbook)")
    shows(page, "Invited by", "— a host invited them")
    shows(page, "Preferred crew size", "no preference")

    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    try:
        phone.goto(f"{shared.url}/join/{shared.code}")
        phone.get_by_role("link", name="New here? Join the pool of Harbour circle").click()
        phone.get_by_label("Your name").fill("Zoë")
        phone.get_by_label("What work is meaningful to you?", exact=False).fill("co-ops")
        phone.locator("fieldset", has_text="Tuesday").get_by_label("evening").check()
        phone.get_by_role("button", name="Join the pool of Harbour circle").click()
        expect(phone.get_by_text("You are in the pool of Harbour circle")).to_be_visible()
    finally:
        leave(phone)
        phone.context.close()
    expect(page.get_by_text("6 people in the pool.")).to_be_visible()  # without reopening the page
    expect(page.get_by_role("cell", name="Zoë")).to_be_visible()
    problems = check_page(page, "00_congregation with a newcomer from a phone")

    page.get_by_role("button", name="Suggest crews").click()
    expect(status(page)).to_contain_text("Nothing is recorded until you create them.", timeout=120_000)
    page.get_by_role("button", name="Create these crews").click()
    expect(status(page)).to_contain_text("Each is now a crew on every level page.")

    open_page(page, shared, "02_listening")
    group = page.get_by_label("Group", exact=True)
    expect(group.locator("option", has_text="Harbour circle crew 1")).to_have_count(1)  # listed first
    shows(page, "Group", "Otters (crew)")
    assert not problems, "\n".join(problems)
