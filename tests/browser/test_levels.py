"""Each facilitation page in a real browser: play one exercise the way a facilitator would (by visible
labels and roles), check the ledger, then try something wrong and check that nothing was recorded."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from .conftest import choose_speaker
from microsolidarity_widgets.levels.co_owners import Venture

pytestmark = pytest.mark.browser
# The pages this module opens (see conftest).
PREHEAT = ("01_crew", "02_listening", "03_money", "04_consistency", "05_conflict", "06_co_owners")


def new_events(server, since: int):
    with server.ledger() as ledger:
        ev = ledger.events()
        return ev[ev["id"] > since]


def last_id(server) -> int:
    with server.ledger() as ledger:
        return int(ledger.events()["id"].max())


def points_of(server, event_id: int) -> dict:
    with server.ledger() as ledger:
        p = ledger.points()
    return p[p["event_id"] == event_id].groupby("member")["points"].sum().to_dict()


def choose_group(page, group: str, kind: str = "crew"):
    page.get_by_label("Group", exact=True).select_option(f"{group} ({kind})")


def status(page):
    return page.get_by_role("status").or_(page.get_by_role("alert"))


def record(page, button: str = "Record"):
    page.get_by_role("button", name=button, exact=True).click()


# A button click can reach the kernel before a value typed just before it (ipywidgets sends clicks at
# once but holds back value updates while the kernel is busy), so each step first waits for what
# the page shows once the kernel has taken the value in: a preview row, a button's new label.


def test_crew_setup(server, page):
    since = last_id(server)
    server.open(page, "01_crew.ipynb")
    page.get_by_label("Group name").fill("Larks")
    page.get_by_label("Members, one per line").fill("Vic\nWen\nXan")
    page.get_by_role("button", name="Create crew").click()
    expect(status(page)).to_contain_text("Recorded: the crew Larks with Vic, Wen, Xan.")
    expect(page.get_by_role("cell", name="Vic, Wen, Xan")).to_be_visible()
    with server.ledger() as ledger:
        assert ledger.members("Larks") == ["Vic", "Wen", "Xan"]

    page.get_by_label("Group name").fill("Trio")
    page.get_by_role("button", name="Partnership (2 people)").click()
    page.get_by_label("Members, one per line").fill("Ann\nBen\nCat")
    page.get_by_role("button", name="Create partnership").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was recorded. A partnership is exactly 2 people")
    assert new_events(server, since)["kind"].tolist() == ["group_created"]


def test_listening_round(server, page):
    since = last_id(server)
    server.open(page, "02_listening.ipynb")
    choose_group(page, "Kestrels")
    page.get_by_role("checkbox", name="Eve", exact=True).uncheck()
    expect(page.get_by_text("5. Eve")).to_have_count(0)
    page.get_by_role("button", name="Start the round").click()
    expect(page.get_by_text("Now speaking:")).to_be_visible()
    expect(page.get_by_role("timer")).not_to_have_text("1:00", timeout=5000)  # each turn starts the countdown
    page.get_by_role("button", name="Pause timer").click()
    expect(page.get_by_role("button", name="Resume timer")).to_be_visible()
    page.get_by_role("button", name="Pass").click()
    for _ in range(3):
        page.get_by_role("button", name="Next speaker").click()
    expect(page.get_by_text("Everyone has had a turn.")).to_be_visible()
    page.get_by_role("radio", name="Yes").check()
    expect(page.get_by_role("cell", name="listened in a round").first).to_be_visible()
    record(page)
    expect(status(page)).to_contain_text("Recorded (listening on")
    ev = new_events(server, since)
    assert ev["kind"].tolist() == ["listening"]  # suggested hosts are not recorded unless ticked
    assert points_of(server, int(ev["id"].iloc[0])) == {"Ama": 1, "Bo": 1, "Caz": 1, "Dev": 1}

    for name in ("Bo", "Caz", "Dev"):
        page.get_by_role("checkbox", name=name, exact=True).uncheck()
    page.get_by_role("radio", name="Yes").check()
    expect(page.get_by_text("Not ready to record yet: A listening round needs at least 2")).to_be_visible()
    record(page)
    expect(page.get_by_role("alert")).to_contain_text("Nothing was recorded. A listening round needs at least 2")
    assert len(new_events(server, since)) == 1


def test_money_round(server, page):
    since = last_id(server)
    server.open(page, "03_money.ipynb")
    choose_group(page, "Kestrels")
    record(page)
    expect(page.get_by_role("alert")).to_contain_text("Choose the speaker")
    assert new_events(server, since).empty

    choose_speaker(page, "Caz")
    page.get_by_label("Private notes (optional)").fill("Two part-time jobs; would like one.")
    for who, kind in (("Ama", "introduction"), ("Dev", "encouragement")):
        page.get_by_label("Kind of offer").select_option(kind)
        page.get_by_label("Who offers").select_option(who)
        page.get_by_role("button", name=f"Add offer from {who}").click()
        expect(page.get_by_role("cell", name=f"offer: {kind}")).to_be_visible()
    page.get_by_label("The speaker asks for").fill("a reader for a grant draft")
    page.get_by_role("button", name="Add ask").click()
    expect(page.get_by_role("cell", name="asked for help")).to_be_visible()
    respect = page.locator(".ms-section").filter(has_text="Mutual respect")
    for who in ("Ama", "Dev"):  # not ticked for the facilitator: offering alone is not respect
        box = respect.get_by_role("checkbox", name=who, exact=True)
        expect(box).not_to_be_checked()
        box.check()
    expect(page.get_by_role("cell", name="respectful exchange").first).to_be_visible()
    record(page)
    expect(status(page)).to_contain_text("Recorded (money on")
    money = new_events(server, since).query("kind == 'money'")
    assert points_of(server, int(money["id"].iloc[0])) == {"Ama": 6, "Dev": 6, "Caz": 7}


def test_consistency_meeting(server, page):
    since = last_id(server)
    server.open(page, "04_consistency.ipynb")
    choose_group(page, "Ama+Bo", "partnership")
    expect(page.get_by_text("Latest meetings")).to_be_visible()
    page.get_by_label("Date", exact=True).fill("2026-11-01")
    page.get_by_role("checkbox", name="Bo", exact=True).uncheck()
    expect(page.get_by_role("cell", name="missed a meeting")).to_be_visible()
    page.get_by_label("Meeting process").select_option("Care Pod")
    expect(page.get_by_text("The host role rotates")).to_be_visible()
    link = page.get_by_role("link", name="Download the 1 December 2026 meeting (.ics calendar file)")
    href = link.get_attribute("href")
    assert "DTSTART;VALUE=DATE:20261201" in unquote(href)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Ama-Bo-meeting-2026-12-01.ics"
    record(page)
    expect(status(page)).to_contain_text("Recorded (meeting on 2026-11-01")
    meeting = new_events(server, since).query("kind == 'meeting'")
    assert points_of(server, int(meeting["id"].iloc[0])) == {"Ama": 5, "Bo": -5}

    record(page)  # the form is still on 2026-11-01: a second meeting that day is refused
    expect(page.get_by_role("alert")).to_contain_text("already has a meeting recorded on 2026-11-01")
    assert len(new_events(server, since).query("kind == 'meeting'")) == 1


def test_conflict_repair(server, page):
    since = last_id(server)
    server.open(page, "05_conflict.ipynb")
    choose_group(page, "Kestrels")
    page.get_by_role("checkbox", name="Bo", exact=True).check()
    expect(page.get_by_text("Not ready to record yet: A conflict is between at least 2")).to_be_visible()
    record(page, "Open conflict")
    expect(page.get_by_role("alert")).to_contain_text("A conflict is between at least 2 members")
    assert new_events(server, since).empty

    page.get_by_role("checkbox", name="Dev", exact=True).check()
    page.get_by_label("What happened (private, optional)").fill("Missed the hand-over and blamed Bo.")
    expect(page.get_by_text("Recording this gives no points.")).to_be_visible()
    record(page, "Open conflict")
    expect(status(page)).to_contain_text("Recorded (conflict opened")
    page.get_by_role("button", name="Close a conflict").click()
    page.get_by_label("Conflict", exact=True).select_option(index=1)
    for step in ("The one who caused the hurt apologises.", "They try to make it right."):
        page.get_by_role("checkbox", name=step).check()
    page.get_by_role("radio", name="Resolved: we found a way forward we both agree with").check()
    expect(page.get_by_role("cell", name="conflict resolved").first).to_be_visible()
    record(page, "Close conflict")
    expect(status(page)).to_contain_text("Recorded (conflict closed")
    closed = new_events(server, since).query("kind == 'conflict_closed'")
    assert points_of(server, int(closed["id"].iloc[0])) == {"Bo": 10, "Dev": 10}


def test_co_owners_venture(server, page):
    with server.ledger() as ledger:  # after the server preheated this page's kernel: it must still show
        ledger.record(Venture("Kestrels", "2026-06-01", name="Kestrel Bakery", form="co-op", owners=["Ama", "Eve"]))
    since = last_id(server)
    server.open(page, "06_co_owners.ipynb")
    choose_group(page, "Kestrels")
    expect(page.get_by_role("cell", name="Kestrel Pod")).to_be_visible()
    expect(page.get_by_role("cell", name="Kestrel Bakery")).to_be_visible()
    page.get_by_label("Venture name").fill("Kestrel Tools Co-op")
    page.get_by_label("Legal form").fill("co-op")
    page.get_by_role("checkbox", name="Bo", exact=True).check()
    expect(page.get_by_text("Not ready to record yet: A venture needs at least 2 owners")).to_be_visible()
    record(page)
    expect(page.get_by_role("alert")).to_contain_text("A venture needs at least 2 owners")
    assert new_events(server, since).empty

    page.get_by_role("checkbox", name="Dev", exact=True).check()
    expect(page.get_by_role("cell", name="co-owns a venture")).to_have_count(2)
    page.get_by_role("button", name="Record", exact=True).focus()
    page.keyboard.press("Enter")  # the primary button works from the keyboard
    expect(status(page)).to_contain_text("Recorded (venture “Kestrel Tools Co-op” on")
    venture = new_events(server, since).query("kind == 'venture'")
    assert points_of(server, int(venture["id"].iloc[0])) == {"Bo": 100, "Dev": 100}
    expect(page.get_by_role("cell", name="Kestrel Tools Co-op")).to_be_visible()
