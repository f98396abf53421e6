"""Checking in from a phone (issue 13): an event like any other, refused in words, scoring nothing;
the facilitator's "who is here" ticks start from the check-ins and take in each new one."""

from __future__ import annotations

import datetime as dt

import pytest

from microsolidarity_widgets import LedgerError
from microsolidarity_widgets.apps import ListeningApp
from microsolidarity_widgets.rules import CheckIn
from pages import ask_to_undo, find, shown_texts

TODAY = dt.date.today()


def test_a_check_in_is_recorded_scores_nothing_and_is_refused_in_words(crew_ledger):
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Bo"))
    crew_ledger.record(CheckIn("Kestrels", TODAY, " ama "))
    assert crew_ledger.check_ins("Kestrels") == ["Bo", "Ama"]  # first come first, spelled as the group does
    assert crew_ledger.check_ins("Ama+Bo") == []
    assert crew_ledger.points().empty
    with pytest.raises(LedgerError, match="Bo is already checked in for Kestrels on"):
        crew_ledger.record(CheckIn("Kestrels", TODAY, "BO"))
    with pytest.raises(LedgerError, match="“Zed” is not a member of Kestrels"):
        crew_ledger.record(CheckIn("Kestrels", TODAY, "Zed"))
    with pytest.raises(LedgerError, match="in the future"):
        crew_ledger.record(CheckIn("Kestrels", TODAY + dt.timedelta(days=1), "Caz"))
    assert len(crew_ledger.events().query("kind == 'check_in'")) == 2


def test_a_voided_check_in_no_longer_counts(crew_ledger):
    event_id = crew_ledger.record(CheckIn("Kestrels", TODAY, "Caz"))
    crew_ledger.void(event_id, reason="checked in by mistake")
    assert crew_ledger.check_ins("Kestrels") == []
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Caz"))  # and may check in again
    assert crew_ledger.check_ins("Kestrels") == ["Caz"]


def test_the_page_ticks_who_checked_in_and_each_new_arrival(open_page, crew_ledger):
    app = open_page(ListeningApp)
    s = app.session
    assert s.present.value == ["Ama", "Bo", "Caz", "Dev"] and s.joined.value == ""  # nobody yet: everyone ticked

    crew_ledger.record(CheckIn("Kestrels", TODAY, "Bo"))
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Ama"))
    s.poll()
    assert s.present.value == ["Ama", "Bo"]  # the first check-ins replace the untouched default
    assert "Checked in from their phones: Bo and Ama (2 of 4)" in s.joined.value

    here = find(app, "Who is here today?")
    find(here, "Dev").value = True  # the facilitator ticks someone without a phone
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Caz"))
    s.poll()
    assert s.present.value == ["Ama", "Bo", "Caz", "Dev"]  # the arrival is added; the facilitator's tick stays
    assert "(3 of 4)" in s.joined.value

    s.poll()  # nothing new in the ledger: nothing changes
    find(here, "Bo").value = False
    s.poll()
    assert "Bo" not in s.present.value

    find(app, "Group").value = "Ama+Bo"  # another group: its own check-ins, none (ticks of names that stay are kept)
    assert s.present.value == ["Ama"] and s.joined.value == ""


def test_an_offer_and_an_ask_from_phones_wait_then_are_accepted_or_declined(open_page, crew_ledger):
    from microsolidarity_widgets.apps import MoneyApp
    from microsolidarity_widgets.rules import Proposal, ProposalSettled

    offer = crew_ledger.record(Proposal("Kestrels", TODAY, "Ama", "offer", "I know a lawyer", "introduction"))
    crew_ledger.record(Proposal("Kestrels", TODAY, "Caz", "ask", "a lift on Friday"))
    crew_ledger.record(Proposal("Kestrels", TODAY, "Dev", "offer", None, "encouragement"))
    with pytest.raises(LedgerError, match="“gift” is not a kind of offer"):
        crew_ledger.record(Proposal("Kestrels", TODAY, "Ama", "offer", None, "gift"))
    with pytest.raises(LedgerError, match="The ask is empty"):
        crew_ledger.record(Proposal("Kestrels", TODAY, "Caz", "ask", "  "))
    assert crew_ledger.points().empty  # nothing scores while it waits
    assert "I know a lawyer" not in crew_ledger.events().to_string()  # private, as a money round's texts are

    app = open_page(MoneyApp)
    s = app.session
    said = [b.children[0].value for b in app.from_phones.children]
    assert len(said) == 3 and "<b>Ama</b> offers introduction <i>(I know a lawyer)</i>" in said[0]
    ama, caz, dev = app.waiting()

    app.accept(caz)  # an ask is the speaker's: not before Caz speaks
    assert s.status.kind == "error" and "choose Caz as the speaker" in s.status.text and not app.asks
    find(app, "Speaker").value = "Caz"
    app.accept(caz)
    app.accept(ama)
    app.decline(dev)
    assert app.offers == [("Ama", "introduction", "I know a lawyer")] and app.asks == ["a lift on Friday"]
    assert [r.member for r in app.waiting()] == []
    assert "If you record this now" in s.preview.value and "offer: introduction" in s.preview.value

    find(app, "Speaker").value = "Bo"  # an ask is its speaker's: another speaker sends Caz's back to wait
    assert app.asks == [] and [r.member for r in app.waiting()] == ["Caz"]
    find(app, "Speaker").value = "Caz"
    app.accept(app.waiting()[0])
    assert app.asks == ["a lift on Friday"]
    s.present.value = [n for n in s.present.value if n != "Dev"]  # someone else leaves: Caz still speaks
    assert find(app, "Speaker").value == "Caz" and app.asks == ["a lift on Friday"]
    s.present.value = [*s.present.value, "Dev"]

    find(app, "Remove last offer").click()  # taken out of the round: it waits again
    assert [r.member for r in app.waiting()] == ["Ama"]
    app.accept(app.waiting()[0])
    find(app, "Record").click()
    assert s.status.kind == "ok"
    answers = crew_ledger.proposals("Kestrels").set_index("member")["answer"].to_dict()
    assert answers == {"Ama": "accepted", "Caz": "accepted", "Dev": "declined"}
    assert crew_ledger.points().groupby("member")["points"].sum().to_dict() == {"Ama": 5, "Caz": 5}
    with pytest.raises(LedgerError, match="answered already"):
        crew_ledger.record(ProposalSettled(offer, TODAY, "declined"))
    assert crew_ledger.proposals("Kestrels", member="dev")["answer"].tolist() == ["declined"]

    ask_to_undo(app, "the wrong speaker")  # the round undone: what it accepted waits again
    find(app, "Yes, undo it").click()
    assert s.status.kind == "ok" and crew_ledger.points().empty
    answers = crew_ledger.proposals("Kestrels").set_index("member")["answer"].to_dict()
    assert answers == {"Ama": "waiting", "Caz": "waiting", "Dev": "declined"}
    assert [r.member for r in app.waiting()] == ["Ama", "Caz"]

    app.accept(app.waiting()[0])  # accepted again into a new round, which the review then voids
    find(app, "Speaker").value = "Dev"
    find(app, "Record").click()
    assert crew_ledger.proposals("Kestrels", member="Ama")["answer"].tolist() == ["accepted"]
    round_id = int(crew_ledger.events().query("kind == 'money' and not voided")["id"].max())
    crew_ledger.void(round_id, reason="recorded in the wrong crew")
    assert crew_ledger.proposals("Kestrels", member="Ama")["answer"].tolist() == ["waiting"]
    with pytest.raises(LedgerError, match="a money round of its own group that stands"):
        crew_ledger.record(ProposalSettled(offer, TODAY, "accepted", round_id))


def test_a_proposal_sent_while_the_page_is_open_appears_at_its_next_look(open_page, crew_ledger):
    from microsolidarity_widgets.apps import MoneyApp
    from microsolidarity_widgets.rules import Proposal

    app = open_page(MoneyApp)
    assert app.from_phones.children[0].value == "<i>Nothing waiting.</i>"
    crew_ledger.record(Proposal("Kestrels", TODAY, "Bo", "offer", None, "perspective"))
    crew_ledger.record(Proposal("Kestrels", TODAY, "Caz", "offer", "a spare desk", "other"))
    app.session.poll()
    assert app.from_phones.children[0].children[0].value == "<b>Bo</b> offers perspective"  # no note, no "(nan)"
    app.accept(app.waiting()[0])
    assert app.offers == [("Bo", "perspective")]
    find(app, "Group").value = "Ama+Bo"  # another group: Bo's offer goes back to wait in Kestrels
    assert app.offers == [] and app.accepted == {}


@pytest.mark.parametrize("page", ["ListeningApp", "MoneyApp", "ConsistencyApp"])
def test_every_page_that_asks_who_came_starts_from_the_check_ins(open_page, crew_ledger, page):
    from microsolidarity_widgets import apps

    crew_ledger.record(CheckIn("Ama+Bo", TODAY, "Bo"))
    app = open_page(getattr(apps, page), group="Ama+Bo")
    assert app.session.present.value == ["Bo"]
    assert "Checked in from their phones: Bo (1 of 2)" in app.session.joined.value


@pytest.mark.parametrize("page", ["ConflictApp", "CoOwnersApp"])
def test_pages_without_a_roll_call_still_show_who_checked_in(open_page, crew_ledger, page):
    """A conflict or a venture is not a round everyone attends, but the facilitator sees the room on
    every level page; a later arrival shows at the page's next look."""
    from microsolidarity_widgets import apps

    crew_ledger.record(CheckIn("Kestrels", TODAY, "Bo"))
    app = open_page(getattr(apps, page))
    assert app.session.present is None
    assert "Checked in from their phones: Bo (1 of 4)" in app.session.joined.value
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Dev"))
    app.session.poll()
    assert any("Checked in from their phones: Bo and Dev (2 of 4)" in text for text in shown_texts(app))

def test_markup_typed_on_a_phone_stays_text_in_the_facilitators_waiting_list(open_page, crew_ledger):
    from microsolidarity_widgets.apps import MoneyApp
    from microsolidarity_widgets.rules import Proposal

    crew_ledger.record(Proposal("Kestrels", TODAY, "Ama", "offer", "<img src=x onerror=alert(1)>", "introduction"))
    crew_ledger.record(Proposal("Kestrels", TODAY, "Caz", "ask", "<script>alert(2)</script>"))
    app = open_page(MoneyApp)
    said = " ".join(row.children[0].value for row in app.from_phones.children)  # ipywidgets' HTML renders markup
    assert "<img" not in said and "<script" not in said
    assert "&lt;img src=x onerror=alert(1)&gt;" in said and "&lt;script&gt;alert(2)&lt;/script&gt;" in said
