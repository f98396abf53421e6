"""One evening on a fresh ledger, played the way a facilitator would at a projector (1280×720):
a crew with accented names and a late joiner through every page, then the totals read from the
review page, from its exported CSV and from the ledger, which must all agree with docs/rules.md."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, choose_speaker, guard, leave, preheat_args, start_server, stop_server

pytestmark = pytest.mark.browser

CREW, LATE, GROUP = ["Zoë", "Ngozi", "Łukasz", "Søren"], "Đức", "Kraniche"
# docs/rules.md by hand: listening +1 each; money (speaker Zoë, Ngozi offers, an ask to Łukasz, both
# respectful) Zoë 5+2, Ngozi 5+1, Łukasz 1; meeting without Søren +1 / −5; the conflict Ngozi–Søren
# resolved +10 each; the venture of Zoë and Đức +100 each.
EXPECTED = {"Zoë": 1 + 7 + 1 + 100, "Ngozi": 1 + 6 + 1 + 10, "Łukasz": 1 + 1 + 1, "Søren": 1 - 5 + 10,
            "Đức": 1 + 1 + 100}
PAGES = ("01_crew", "02_listening", "03_money", "04_consistency", "05_conflict", "06_co_owners", "07_trust_review")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evening")
    srv = start_server(tmp, tmp / "evening.sqlite", extra_args=preheat_args(PAGES))
    deadline = time.monotonic() + 300  # every page played is preheated before the server says it is ready
    while "The workbook is ready at" not in srv.log.read_text(errors="replace"):
        assert time.monotonic() < deadline and srv.proc.poll() is None, srv.log.read_text()[-3000:]
        time.sleep(0.5)
    yield srv
    stop_server(srv.proc)


def status(page):
    return page.get_by_role("status").or_(page.get_by_role("alert"))


def section(page, title: str):
    return page.locator(".ms-section").filter(has=page.get_by_role("heading", name=title, exact=True))


def record(page, button: str = "Record"):
    # From the keyboard, as a facilitator at a projector might: the bar that holds the button stays
    # put while the page scrolls under it, which a pointer click's scrolling trips over.
    page.get_by_role("button", name=button, exact=True).focus()
    page.keyboard.press("Enter")


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


class Projector:
    """Each page of the evening in a fresh 1280×720 tab that may only talk to localhost, checked for
    console errors and stray requests when it is left for the next."""

    def __init__(self, browser, server):
        self.browser, self.server, self.context = browser, server, None

    def open(self, notebook: str):
        self.close()
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 720})
        page = self.context.new_page()
        self.outside, self.problems = guard(page)
        self.page, self.name = page, notebook
        return self.server.open(page, f"{notebook}.ipynb", timeout=180_000)

    def close(self):
        if self.context is None:
            return
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"evening-{self.name}.png"))
        leave(self.page)
        self.context.close()
        self.context = None
        assert not self.outside and not self.problems, (self.name, self.outside, self.problems)


def test_one_evening_on_a_fresh_ledger(fresh, browser):
    room = Projector(browser, fresh)
    try:
        play_the_evening(room)
    finally:
        room.close()


def play_the_evening(room):

    page = room.open("01_crew")
    page.get_by_label("Group name").fill(GROUP)
    page.get_by_label("Members, one per line").fill("\n".join(CREW))
    page.get_by_role("button", name="Create crew").click()
    expect(status(page).first).to_contain_text(f"Recorded: the crew {GROUP} with {', '.join(CREW)}.")
    page.get_by_label("New member's name").fill(LATE)
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text(f"Recorded: {LATE} joined {GROUP}")).to_be_visible()

    page = room.open("02_listening")
    page.get_by_role("radio", name="Yes").check()
    expect(page.get_by_role("cell", name="listened in a round").first).to_be_visible()
    expect(section(page, "Record").get_by_role("row")).to_have_count(1 + 5 + 1)  # head, one per person, total
    record(page)
    expect(status(page)).to_contain_text("Recorded (listening on")

    page = room.open("03_money")
    choose_speaker(page, "Zoë")
    page.get_by_label("Kind of offer").select_option("perspective")
    page.get_by_label("Who offers").select_option("Ngozi")
    page.get_by_role("button", name="Add offer from Ngozi").click()
    expect(page.get_by_role("cell", name="offer: perspective")).to_be_visible()
    respect = section(page, "Mutual respect")
    expect(respect.get_by_role("checkbox")).to_have_count(1)  # only who exchanged with the speaker
    page.get_by_label("The speaker asks for").fill("a lift to the market")
    section(page, "Asks by the speaker").get_by_role("checkbox", name="Łukasz", exact=True).check()
    page.get_by_role("button", name="Add ask").click()
    expect(page.get_by_text("to Łukasz")).to_be_visible()
    expect(respect.get_by_role("checkbox")).to_have_count(2)
    for who in ("Ngozi", "Łukasz"):
        respect.get_by_role("checkbox", name=who, exact=True).check()
    zoe = page.get_by_role("row").filter(has_text="Zoë").filter(has_text="+7")
    expect(zoe).to_have_count(1)
    button = page.get_by_role("button", name="Record", exact=True)
    assert in_view(page, button), "the Record button is off screen at 1280×720"
    assert in_view(page, zoe), "the preview the Record button confirms is off screen at 1280×720"
    record(page)
    expect(status(page)).to_contain_text("Recorded (money on")

    page = room.open("04_consistency")
    page.get_by_role("checkbox", name="Søren", exact=True).uncheck()
    expect(page.get_by_role("cell", name="missed a meeting")).to_be_visible()
    record(page)
    expect(status(page)).to_contain_text("missed Søren")
    expect(status(page)).not_to_contain_text("came Zoë, Ngozi, Łukasz, Søren")

    page = room.open("05_conflict")
    for who in ("Ngozi", "Søren"):
        page.get_by_role("checkbox", name=who, exact=True).check()
    expect(page.get_by_text("Recording this gives no points.")).to_be_visible()
    record(page, "Open conflict")
    expect(status(page)).to_contain_text("Recorded (conflict opened")
    page.get_by_role("button", name="Close a conflict").click()
    page.get_by_role("radio", name=re.compile("^Resolved")).check()
    expect(page.get_by_role("cell", name="conflict resolved").first).to_be_visible()
    record(page, "Close conflict")
    expect(status(page)).to_contain_text("Recorded (conflict closed")

    page = room.open("06_co_owners")
    expect(page.get_by_text("Record these hosts")).to_have_count(0)
    page.get_by_label("Venture name").fill("Kraniche Kooperative")
    page.get_by_label("Legal form").fill("co-op")
    for who in ("Zoë", LATE):
        page.get_by_role("checkbox", name=who, exact=True).check()
    expect(page.get_by_role("cell", name="co-owns a venture")).to_have_count(2)
    record(page)
    expect(status(page)).to_contain_text("Recorded (venture")

    with room.server.ledger() as ledger:
        from_ledger = ledger.totals()["total"].to_dict()
        assert ledger.events()["kind"].value_counts().get("hosting", 0) == 0  # never ticked, never recorded
    assert from_ledger == EXPECTED

    page = room.open("07_trust_review")
    totals = page.locator(".ms-totals")
    for member, total in EXPECTED.items():
        row = totals.get_by_role("row").filter(has=page.get_by_role("cell", name=member, exact=True))
        expect(row.get_by_role("cell").last).to_have_text(str(total))
    page.get_by_role("button", name="Prepare downloads").click()
    link = page.get_by_role("link", name=re.compile(rf"^{GROUP}-points\.csv"))
    with page.expect_download() as download:
        link.click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    from_csv: dict[str, int] = {}
    for r in rows:
        from_csv[r["member"]] = from_csv.get(r["member"], 0) + int(r["points"])
    assert from_csv == EXPECTED
