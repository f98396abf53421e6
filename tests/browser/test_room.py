"""A room in a browser (issue 13): the facilitator's pages on a laptop and two members' phones
(390×844, touch) on one shared server. The members join by the join address and check in; the
listening page shows them and ticks them within seconds. Then a money round: one phone offers, the
other (the speaker) asks; both wait on the facilitator's page, one is accepted and one declined, and
every screen shows the result."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .a11y import check_page
from .conftest import ARTIFACTS, choose_speaker, guard, guarded_pages, leave, stop_server
from .test_members import start_shared

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="module")
def shared(tmp_path_factory, demo_ledger_file):
    srv = start_shared(tmp_path_factory.mktemp("room"), demo_ledger_file, ["--pool-size", "0"])
    yield srv
    stop_server(srv.proc)


def refreshed(phone, text: str, tries: int = 10) -> None:
    """Follow the phone's Refresh link until ``text`` shows (the pages it depends on tell it within a second)."""
    for _ in range(tries):
        phone.get_by_role("link", name="Refresh: what is happening now").click()
        try:
            expect(phone.get_by_text(text)).to_be_visible(timeout=2_000)
            return
        except AssertionError:
            continue
    expect(phone.get_by_text(text)).to_be_visible()


def test_two_phones_check_in_and_the_facilitator_sees_and_records_them(shared, browser):
    contexts, problems, outside, open_page = guarded_pages(browser)

    # The member address names the LAN address; the phones here reach the same server on localhost.
    join = re.sub(r"^http://[^/]+", shared.url, shared.join_url)
    try:
        laptop = open_page(viewport={"width": 1280, "height": 720})
        laptop.goto(f"{shared.url}/voila/render/02_listening.ipynb?token={shared.token}", timeout=120_000)
        laptop.get_by_label("Group").select_option(label="Kestrels (crew)", timeout=120_000)
        everyone = ["Ama", "Bo", "Caz", "Dev", "Eve"]
        for name in everyone:
            expect(laptop.get_by_role("checkbox", name=name, exact=True)).to_be_checked()

        for name in ("Ama", "Bo"):
            phone = open_page(**PHONE)
            phone.goto(join)
            phone.get_by_label("Who are you?").select_option(name)
            phone.get_by_role("button", name="That is me").click()
            phone.get_by_role("button", name="Check in for Kestrels today").click()
            expect(phone.get_by_text("You are checked in for Kestrels today.")).to_be_visible()

        # The page looks every second: both show up, and the ticks follow them.
        expect(laptop.get_by_text("Checked in from their phones: Ama and Bo (2 of 5).")).to_be_visible(timeout=10_000)
        for name in everyone:
            box = expect(laptop.get_by_role("checkbox", name=name, exact=True))
            box.to_be_checked() if name in ("Ama", "Bo") else box.not_to_be_checked()

        # The listening page is open for Kestrels: the phones show the round's prompts (after a refresh,
        # as the page has no script; the laptop's page tells them within a second of opening).
        ama_phone = contexts[1].pages[0]
        refreshed(ama_phone, "Now: Level 1, Listening.")
        expect(ama_phone.get_by_text("Something on my mind this week is …")).to_be_visible()

        laptop.get_by_role("radio", name="Yes").check()
        laptop.get_by_role("button", name="Record", exact=True).click()
        expect(laptop.get_by_text(re.compile(r"Recorded \(listening on .*\)\. Points: Ama \+1 point, Bo \+1 point\."))
               ).to_be_visible(timeout=60_000)

        assert shared.ledger().check_ins("Kestrels") == ["Ama", "Bo"]

        # The money round: Ama offers from her phone, Bo (speaking today) asks from his.
        ama, bo = contexts[1].pages[0], contexts[2].pages[0]
        before = shared.ledger().totals()["level 2"].to_dict()
        ama.reload()
        ama.get_by_text("Offer something to the speaker in Kestrels").click()
        offering = ama.locator("form", has=ama.get_by_role("button", name="Send offer to Kestrels"))
        offering.get_by_label("Kind of offer").select_option("introduction")
        offering.get_by_label("Note (optional)").fill("a co-op lawyer I trust")
        ama.get_by_role("button", name="Send offer to Kestrels").click()
        expect(ama.get_by_text(re.compile(r"Your offer \(introduction\) sent at .*: waiting for the facilitator"))
               ).to_be_visible()
        bo.get_by_text("Speaking in Kestrels today? Ask for something").click()
        bo.locator("form", has=bo.get_by_role("button", name="Send ask to Kestrels")).get_by_label(
            "What would help you?").fill("a reader for my grant")
        bo.get_by_role("button", name="Send ask to Kestrels").click()
        expect(bo.get_by_text(re.compile(r"Your ask sent at .*: waiting for the facilitator"))).to_be_visible()
        problems[-1].extend(check_page(bo, "member page with a proposal"))

        leave(laptop)
        laptop.goto(f"{shared.url}/voila/render/03_money.ipynb?token={shared.token}", timeout=120_000)
        laptop.get_by_label("Group").select_option(label="Kestrels (crew)", timeout=120_000)
        choose_speaker(laptop, "Bo")
        offer = laptop.locator(".widget-hbox", has_text="Ama offers introduction")
        ask = laptop.locator(".widget-hbox", has_text="Bo asks for a reader for my grant")
        expect(offer).to_be_visible(timeout=10_000)
        expect(ask).to_be_visible()
        offer.get_by_role("button", name="Accept").click()
        ask.get_by_role("button", name="Decline").click()
        expect(laptop.get_by_text("Declined Bo's ask; their phone says so.")).to_be_visible()
        expect(laptop.get_by_text("Nothing waiting.")).to_be_visible()
        laptop.get_by_role("button", name="Record", exact=True).click()
        expect(laptop.get_by_text(re.compile(r"Recorded \(money on .*\)\. Points: Ama \+5 points\."))
               ).to_be_visible(timeout=60_000)

        ama.reload()
        expect(ama.get_by_text(re.compile(r"Your offer \(introduction\) sent at .*: accepted into the round"))
               ).to_be_visible()
        refreshed(ama, "Now: Level 2, Money.")  # the money page was opened last: its prompts now
        expect(ama.get_by_text("Meaningful work — what work matters most to you, paid or not?")).to_be_visible()
        bo.reload()
        expect(bo.get_by_text(re.compile(r"Your ask sent at .*: declined by the facilitator"))).to_be_visible()
        after = shared.ledger().totals()["level 2"].to_dict()
        assert after["Ama"] == before["Ama"] + 5 and after["Bo"] == before["Bo"]
        totals = shared.ledger().totals()["total"].to_dict()
        for phone, name in ((ama, "Ama"), (bo, "Bo")):  # each phone's own figures, as the ledger has them
            expect(phone.locator("tr", has_text="Level 2")).to_contain_text(str(after[name]))
            expect(phone.locator("tfoot tr", has_text="Total")).to_contain_text(str(totals[name]))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        laptop.screenshot(path=str(ARTIFACTS / "room-facilitator.png"), full_page=True)
        ama.screenshot(path=str(ARTIFACTS / "room-phone.png"), full_page=True)
    finally:
        for context in contexts:
            for page in context.pages:
                leave(page)
            context.close()
    assert not any(outside), f"requests left localhost: {outside}"
    assert not any(problems), problems


# Keeps every WebSocket a page opens, so a test can cut the page's connection to its kernel as a
# network drop would (the page then reconnects on its own).
KEEP_SOCKETS = """
window.__sockets = [];
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
"""
RECORD_AND_DROP = """() => {
  const record = [...document.querySelectorAll("button")].find(b => b.textContent.trim() === "Record");
  record.click();
  window.__sockets.forEach(s => s.close());
}"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 720}, {"width": 390, "height": 844}],
                         ids=["projector", "phone"])
def test_a_record_pressed_as_the_connection_drops_lands_exactly_once(shared, browser, viewport):
    """Issue 21: the connection drops at the moment Record is pressed. The round is in the ledger once
    and the page says so, or it is not and the page says that (on a projector and on a phone-sized page)."""
    context, laptop = None, None
    try:
        context = browser.new_context(viewport=viewport)
        context.add_init_script(KEEP_SOCKETS)
        laptop = context.new_page()
        outside, problems = guard(laptop)
        laptop.goto(f"{shared.url}/voila/render/02_listening.ipynb?token={shared.token}", timeout=120_000)
        laptop.get_by_label("Group").select_option(label="Ama+Bo (partnership)", timeout=120_000)
        laptop.get_by_role("radio", name="Yes").check()
        before = shared.ledger().totals()["level 1"].to_dict()
        assert laptop.evaluate("() => window.__sockets.filter(s => s.readyState === 1).length") >= 1
        laptop.evaluate(RECORD_AND_DROP)
        said = laptop.get_by_text(re.compile(r"Recorded \(listening on .*\)\. Points: Ama \+1 point, Bo \+1 point\.")
                                  ).or_(laptop.get_by_text(re.compile(r"Nothing was recorded")))
        expect(said).to_be_visible(timeout=60_000)
        recorded = "Nothing was recorded" not in said.inner_text()
        # The page is connected again: a second answer from the kernel comes through the new connection.
        laptop.get_by_label("Group").select_option(label="Kestrels (crew)")
        expect(laptop.get_by_role("checkbox", name="Caz", exact=True)).to_be_visible()
        after = shared.ledger().totals()["level 1"].to_dict()
        step = 1 if recorded else 0
        assert (after["Ama"], after["Bo"]) == (before["Ama"] + step, before["Bo"] + step)
        assert laptop.evaluate("() => window.__sockets.length") >= 2, "the page never reconnected"
        assert not outside and not [p for p in problems if "WebSocket" not in p], problems
    finally:
        if laptop is not None:
            leave(laptop)
        if context is not None:
            context.close()


def test_a_page_gone_without_goodbye_leaves_the_phones_within_ten_seconds(shared, browser):
    """Issue 21: a page that goes without saying goodbye (here its browser is closed under it) stops
    showing on the phones within 10 s, not at the kernel's cull a quarter of an hour later."""
    join = re.sub(r"^http://[^/]+", shared.url, shared.join_url)
    laptop_context = browser.new_context(viewport={"width": 1280, "height": 720})
    phone_context = browser.new_context(**PHONE)
    try:
        laptop = laptop_context.new_page()
        laptop.goto(f"{shared.url}/voila/render/04_consistency.ipynb?token={shared.token}", timeout=120_000)
        laptop.get_by_label("Group").select_option(label="Kestrels (crew)", timeout=120_000)
        phone = phone_context.new_page()
        phone.goto(join)
        phone.get_by_label("Who are you?").select_option("Dev")  # a name no other phone here holds
        phone.get_by_role("button", name="That is me").click()
        refreshed(phone, "Now: Level 3, Consistency.")

        laptop_context.close()  # no goodbye: the page's kernel lives on
        gone = time.monotonic()
        while True:
            phone.get_by_role("link", name="Refresh: what is happening now").click()
            try:
                expect(phone.get_by_text("Now: Level 3, Consistency.")).to_have_count(0, timeout=1_000)
                break
            except AssertionError:
                assert time.monotonic() - gone < 10, "the phone still shows the page 10 s after it went"
    finally:
        leave(phone_context.pages[0]) if phone_context.pages else None
        phone_context.close()
        laptop_context.close()
