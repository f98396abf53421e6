"""Level 2 page: docs/rules.md's money round (step 2 of the worked example) through the widgets."""

import datetime as dt

import pandas as pd
import pytest

from microsolidarity_widgets.apps import MoneyApp
from pages import blank_dropdowns, find

RESPECTFUL = "Who exchanged with the speaker with mutual respect?"
ADDRESSED_TO = "Addressed to (optional): tick whom the speaker asks; leave all unticked for an ask to the whole group."


@pytest.fixture
def app(open_page):
    """The money page at docs/rules.md's round: Kestrels, 17 January 2026."""
    return open_page(MoneyApp, on=dt.date(2026, 1, 17))


def offer(app, who, kind, note=""):
    find(app, "Who offers").value = who
    find(app, "Kind of offer").value = kind
    find(app, "Offer note (optional)").value = note
    find(app, f"Add offer from {who}").click()  # the button names whose offer it adds


def ask(app, text, to=None):
    find(app, "The speaker asks for").value = text
    if to:
        find(app, ADDRESSED_TO).value = to
    find(app, "Add ask").click()


def test_worked_example_round(app, crew_ledger):
    s = app.session
    find(app, "Speaker").value = "Caz"
    assert [v for _, v in app.offer_who.options] == [None, "Ama", "Bo", "Dev"]  # not the speaker
    offer(app, "Ama", "introduction", "knows a co-op lawyer")
    offer(app, "Dev", "perspective")
    offer(app, "Dev", "encouragement")
    offer(app, "Bo", "other")
    find(app, "Remove last offer").click()  # Bo's was a mistake
    ask(app, "an intro to a co-op lawyer")
    assert app.respectful.value == []  # offering alone earns no respect bonus: the facilitator decides
    find(app, RESPECTFUL).value = ["Ama", "Dev"]
    find(app, "Private notes (optional)").value = "Earns from two part-time jobs."
    rows = s.preview.value.split("<tr>")  # one row per person: their total and what makes it up
    dev = next(r for r in rows if "<td>Dev</td>" in r)
    assert "+11" in dev and "offer: perspective +5, offer: encouragement +5, respectful exchange +1" in dev
    assert sum("<td>Dev</td>" in r for r in rows) == 1 and "Total" in s.preview.value
    find(app, "Record").click()
    assert s.status.kind == "ok", s.status.text
    assert crew_ledger.points().groupby("member")["points"].sum().to_dict() == {"Ama": 6, "Caz": 7, "Dev": 11}
    ev = crew_ledger.events()
    money = ev[ev["kind"] == "money"].iloc[0]
    assert money["private"] and money["texts"] is None  # private text stays out of ordinary reads
    private = crew_ledger.events(include_private=True)
    assert private.loc[private["kind"] == "money", "texts"].iloc[0]["note"] == "Earns from two part-time jobs."
    assert app.offers == [] and app.asks == [] and app.speaker.value is None  # ready for the next speaker


def test_no_speaker_is_refused(app, crew_ledger):
    s = app.session
    find(app, "Record").click()
    assert s.status.kind == "error" and "Choose the speaker" in s.status.text
    assert (crew_ledger.events()["kind"] == "money").sum() == 0


def test_an_offer_from_someone_not_present_is_refused(app, crew_ledger):
    s = app.session
    find(app, "Speaker").value = "Caz"
    offer(app, "Dev", "perspective")
    find(find(app, "Who is here today?"), "Dev").value = False
    assert "Dev took part but is not marked present" in s.preview.value
    find(app, "Record").click()
    assert s.status.kind == "error" and "not marked present" in s.status.text
    assert (crew_ledger.events()["kind"] == "money").sum() == 0


def test_typed_text_is_escaped_in_the_lists(app):
    find(app, "Speaker").value = "Bo"
    ask(app, "<script>alert(1)</script>")
    offer(app, "Ama", "other", "<img src=x onerror=alert(1)>")
    assert "<script>" not in app.asked.list.value and "&lt;script&gt;" in app.asked.list.value
    assert "<img" not in app.offered.list.value


def test_respect_is_the_facilitators_call_and_leaves_with_the_last_offer(app):
    s = app.session
    find(app, "Speaker").value = "Caz"
    offer(app, "Ama", "introduction")
    offer(app, "Dev", "perspective")
    assert app.respectful.value == [] and "respectful exchange" not in s.preview.value
    respect = next(box for box in app.widget.children if app.respectful.widget in getattr(box, "children", ()))
    assert "Nobody is ticked for you" in respect.children[1].value  # the hint right above the boxes
    find(app, RESPECTFUL).value = ["Ama", "Dev"]
    assert "respectful exchange" in s.preview.value
    find(app, "Remove last offer").click()  # Dev's only offer goes, and the respect tick with it
    assert app.respectful.value == ["Ama"]


def test_the_respect_bonus_is_offered_only_to_members_who_exchanged(app, crew_ledger):
    """docs/rules.md: the bonus is for a member who made an offer or to whom an ask was addressed."""
    s = app.session
    find(app, "Speaker").value = "Caz"
    assert list(app.respectful.boxes) == [] and app.nobody_to_respect.layout.display != "none"
    assert "Ama" not in s.preview.value
    offer(app, "Ama", "introduction")
    assert list(app.respectful.boxes) == ["Ama"] and app.nobody_to_respect.layout.display == "none"
    ask(app, "a lift on Saturday", to=["Bo"])
    assert app.asks == [("a lift on Saturday", ["Bo"])] and app.ask_to.value == []
    assert "to Bo" in app.asked.list.value
    ask(app, "a reader for my essay")  # to the whole group: nobody new to tick
    assert list(app.respectful.boxes) == ["Ama", "Bo"]
    find(app, RESPECTFUL).value = ["Bo"]
    find(app, "Record").click()
    assert s.status.kind == "ok", s.status.text
    assert crew_ledger.points().groupby("member")["points"].sum().to_dict() == {"Ama": 5, "Bo": 1, "Caz": 5 + 5 + 1}
    asked = crew_ledger.participants().query("role == 'asked'")
    assert asked["member"].tolist() == ["Bo"]


def test_removing_the_ask_removes_its_addressee_from_the_bonus(app):
    s = app.session
    find(app, "Speaker").value = "Caz"
    ask(app, "an introduction", to=["Dev"])
    find(app, RESPECTFUL).value = ["Dev"]
    assert "respectful exchange" in s.preview.value
    find(app, "Remove last ask").click()
    assert list(app.respectful.boxes) == [] and "respectful exchange" not in s.preview.value


def test_every_dropdown_shows_the_value_it_holds(app):
    """ipywidgets shows nothing for a value of None: "— choose —" looked empty (issue 21)."""
    assert blank_dropdowns(app) == []  # a fresh page: no speaker yet, nobody offering yet
    find(app, "Speaker").value = "Caz"
    offer(app, "Ama", "introduction")
    find(app, "Speaker").value = None  # chosen back by hand
    assert blank_dropdowns(app) == []
    find(app, "Speaker").value = "Caz"
    find(app, "Record").click()
    assert app.session.status.kind == "ok" and app.speaker.value is None
    assert blank_dropdowns(app) == []  # the form reset for the next speaker


def test_accepting_a_phones_offer_says_what_it_did(open_page, crew_ledger):
    from microsolidarity_widgets.rules import Proposal

    crew_ledger.record(Proposal("Kestrels", dt.date.today(), "Ama", "offer", None, "introduction"))
    app = open_page(MoneyApp)
    find(app, "Speaker").value = "Caz"
    app.accept(app.waiting()[0])
    s = app.session
    assert app.offers == [("Ama", "introduction")]
    assert s.status.kind == "ok" and s.status.text.startswith("Accepted Ama's offer into this round")
    find(app, "Private notes (optional)").value = "x"  # the form changes: the message was about the form before
    assert s.status.kind is None
