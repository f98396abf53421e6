"""Bad input through the pages, in Chromium: each refusal is shown in words and records nothing,
and names or notes written as markup are shown as text and never run.

``window.alert`` (and its cousins) are replaced before any page script runs, so markup that did run
would leave a trace in ``window.__ran``; Playwright's dialog handler catches anything that slips by.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PREHEAT = ("01_crew", "02_listening", "04_consistency", "06_co_owners")  # the pages this module opens (see conftest)

HOOK = """
window.__ran = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (...args) => { window.__ran.push(name + ":" + args.join(" ")); };
}
"""

# Valid names that would break a page that builds HTML without escaping: quotes end attributes,
# entities decode, the rest checks that right-to-left text and emoji survive the trip.
TRICKY = ['Bo" onmouseover="alert(31)', "Ama's &lt;b&gt;pal&lt;/b&gt;", "نور 🦊"]
AGREEMENT = "Confidentiality: <img src=x onerror=alert(32)> <script>alert(33)</script> & more"


def event_count(server) -> int:
    with server.ledger() as ledger:
        return len(ledger.events())


@pytest.fixture(scope="module")
def tricky(server):
    with server.ledger() as ledger:
        ledger.add_group("Tricksters", TRICKY, on="2025-01-01")
        ledger.record_agreements("Tricksters", "2025-01-02", AGREEMENT)
    return server


@pytest.fixture
def hooked(page):
    page.add_init_script(HOOK)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    ran = page.evaluate("window.__ran")
    assert ran == [] and dialogs == [], f"markup ran in the page: {ran + dialogs}"


def create(page, name: str, members: str, kind_button: str | None = None):
    """Type a new group into the crew page, once the page has taken in the previous clearing."""
    button = page.locator(".widget-button", has_text="Create ")
    page.get_by_label("Group name").fill("")
    page.get_by_label("Members, one per line").fill("")
    expect(button).to_be_disabled()  # the kernel has the empty form: what follows is fresh
    if kind_button:
        page.get_by_role("button", name=kind_button).click()
        expect(button).to_have_text("Create partnership")
    page.get_by_label("Group name").fill(name)
    page.get_by_label("Members, one per line").fill(members)
    expect(button).to_be_enabled()
    button.click()


CREW_CASES = [  # (group name, members, words of the refusal)
    ("<svg onload=alert(1)>", "Vic\nWen\nXan", "contains < or >"),
    ("Larks", "Vic\n<img src=x onerror=alert(2)>\nXan", "“<img src=x onerror=aler…” contains < or >"),
    ("L" * 10_000, "Vic\nWen\nXan", "is 10000 characters long; keep it to 80"),
    ("Larks", "Vic\nVIC\nWen", "“VIC” is listed twice"),
    (" kestrels ", "Vic\nWen\nXan", "There is already a group called “kestrels”"),
    ("Larks", "\n".join(f"P{i}" for i in range(9)), "A crew has at most 8 members"),
    ("Larks", "Vic\nWen", "A crew needs at least 3 members"),
    ("Lar\tks", "Vic\nWen\nXan", "control character"),
    ("Larks", "Vi\u200bc\nWen\nXan", "invisible character"),
    ("Larks", "Vic\nWen\n" + "<script>alert(3)</script>", "“<script>alert(3)</scrip…” contains < or >"),
]


def test_refusals_on_the_crew_page_record_nothing_and_run_nothing(tricky, hooked):
    page = hooked
    before = event_count(tricky)
    tricky.open(page, "01_crew.ipynb")
    alert = page.get_by_role("alert")
    for name, members, words in CREW_CASES:
        create(page, name, members)
        expect(alert).to_contain_text("Nothing was recorded. ")
        expect(alert).to_contain_text(words)
        assert event_count(tricky) == before, f"recorded after {name[:30]!r}"

    create(page, "Vic+Wen", "Vic\nWen\nXan", kind_button="Partnership (2 people)")
    expect(alert).to_contain_text("A partnership is exactly 2 people")
    assert event_count(tricky) == before

    page.get_by_label("New member's name").fill("<svg onload=alert(4)>")
    join = page.get_by_role("button", name="Add member")
    expect(join).to_be_enabled()
    join.click()
    expect(alert).to_contain_text("The member name “<svg onload=alert(4)>” contains < or >")
    assert event_count(tricky) == before


def test_markup_in_names_and_notes_shows_as_text(tricky, hooked):
    page = hooked
    tricky.open(page, "01_crew.ipynb")
    for name in TRICKY:
        expect(page.get_by_text(name, exact=False).first).to_be_visible()
    # The "Our agreements" section, found by its heading: the page has several "Group" pickers.
    agreements = page.locator(".ms-section").filter(has=page.get_by_role("heading", name="Our agreements"))
    agreements.get_by_label("Group", exact=True).select_option("Tricksters (crew)")
    shown = page.get_by_text("Tricksters's current agreements").locator("xpath=..")
    expect(shown).to_contain_text(AGREEMENT)  # the markup is there, as characters
    assert page.locator("img[src='x'], svg[onload]").count() == 0


def test_tricky_names_are_checkboxes_by_their_own_text(tricky, hooked):
    page = hooked
    tricky.open(page, "02_listening.ipynb")
    page.get_by_label("Group", exact=True).select_option("Tricksters (crew)")
    for name in TRICKY:
        expect(page.get_by_role("checkbox", name=name, exact=True)).to_be_visible()


def test_a_venture_named_in_markup_is_refused(tricky, hooked):
    page = hooked
    before = event_count(tricky)
    tricky.open(page, "06_co_owners.ipynb")
    page.get_by_label("Group", exact=True).select_option("Kestrels (crew)")
    page.get_by_label("Venture name").fill("<svg onload=alert(5)>")
    page.get_by_label("Legal form").fill("co-op")
    for owner in ("Bo", "Dev"):
        page.get_by_role("checkbox", name=owner, exact=True).check()
    # The preview answers once the kernel has every value: the refusal is already spelled out.
    expect(page.get_by_text("Not ready to record yet: The venture name “<svg onload=alert(5)>” contains < or >")
           ).to_be_visible()
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("contains < or >")
    assert event_count(tricky) == before


def test_a_meeting_in_the_future_is_refused(tricky, hooked):
    page = hooked
    before = event_count(tricky)
    tricky.open(page, "04_consistency.ipynb")
    page.get_by_label("Group", exact=True).select_option("Ama+Bo (partnership)")
    page.get_by_label("Date", exact=True).fill("2099-03-01")
    expect(page.get_by_role("link", name="Download the 1 April 2099 meeting (.ics calendar file)")).to_be_visible()
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("The date 2099-03-01 is in the future")
    assert event_count(tricky) == before
