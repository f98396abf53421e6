"""Issue 24: the retrospective page follows what phones send, and the facilitator chooses the topic a
reflection goes into (on the page tests' crew Kestrels: Ama, Bo, Caz, Dev)."""

from __future__ import annotations

import datetime as dt

import pytest

from microsolidarity_widgets.errors import LedgerError
from microsolidarity_widgets.seasons import Reflection, Reveal, Topic, Vote, queries
from microsolidarity_widgets.seasons.decisions import add_to_topic
from microsolidarity_widgets.seasons.page import RetrospectiveApp


def started(ledger) -> RetrospectiveApp:
    app = RetrospectiveApp(ledger)
    app.group.value = "Kestrels"
    app.date.value = dt.date(2026, 4, 1)
    app.start()
    assert app.status.kind == "ok", app.status.text
    return app


def test_what_phones_send_shows_on_the_page_without_a_reload(crew_ledger):
    app = started(crew_ledger)
    retro = app.retro()
    crew_ledger.record(Reflection(retro, "Ama", "working", "We laugh a lot"))  # from Ama's phone
    app.poll()
    assert "Ama (1)" in app.board.value and "laugh" not in app.board.value
    app.words.value = "half typed"
    crew_ledger.record(Reflection(retro, "Bo", "better", "Shorter meetings"))
    crew_ledger.record(Reveal(retro))
    app.poll()
    assert "We laugh a lot" in app.board.value and "Shorter meetings" in app.board.value
    ids = [v for _, v in app.ungrouped.options]
    app.ungrouped.value = (ids[0],)
    topic = crew_ledger.record(Topic(retro, [ids[1]], "Time"))  # grouped on another page, say
    app.poll()
    assert app.ungrouped.value == (ids[0],), "the facilitator's choice survives what others record"
    crew_ledger.record(Vote(topic, "Caz"))
    app.poll()
    assert ("Time (1)", topic) in app.topic.options and "Time" in app.topics.value


def test_a_reflection_goes_into_a_topic_the_facilitator_chooses(crew_ledger):
    app = started(crew_ledger)
    retro = app.retro()
    for member, words in (("Ama", "Start on time"), ("Bo", "End on time"), ("Caz", "Bring tea")):
        crew_ledger.record(Reflection(retro, member, "better", words))
    crew_ledger.record(Reveal(retro))
    app.poll()
    first, second, third = (v for _, v in app.ungrouped.options)
    app.ungrouped.value, app.title.value = (first,), "Time"
    app.group_reflections()
    app.ungrouped.value = (second,)
    app.into.value = next(v for v in app.into.options_values() if v is not None)
    assert app.title.layout.display == "none"
    app.group_reflections()
    assert app.status.kind == "ok" and "Added to “Time”" in app.status.text
    found = queries.topics(crew_ledger, retro)
    assert list(found["title"]) == ["Time"] and sorted(found["reflections"].iloc[0]) == sorted([first, second])
    # Once someone voted for it, a topic keeps its reflections: nothing recorded, said in words.
    crew_ledger.record(Vote(int(found["id"].iloc[0]), "Dev"))
    with pytest.raises(LedgerError, match="has votes already"):
        add_to_topic(crew_ledger, int(found["id"].iloc[0]), [third], "Time")
    assert len(queries.topics(crew_ledger, retro)) == 1 and int(queries.topics(crew_ledger, retro)["votes"][0]) == 1


def test_a_season_and_an_action_agreed_today_may_end_and_fall_due_in_the_future(crew_ledger):
    """Agreed ahead: a season agreed today ends in six months, an action is due next month (the ledger
    refuses future dates for what happened, not for what is planned)."""
    app = RetrospectiveApp(crew_ledger)
    app.group.value = "Kestrels"
    app.date.value = dt.date.today()
    app.agree_season()
    assert app.status.kind == "ok", app.status.text
    app.start()
    app.owner.value, app.action_text.value = "Caz", "Book the room"
    app.add_action()  # due a month from today, as the page proposes
    assert app.status.kind == "ok", app.status.text
    due = queries.actions(crew_ledger, "Kestrels", include_private=True).set_index("what").loc["Book the room", "due"]
    assert due.date() > dt.date.today()


def test_the_page_speaks_the_facilitators_language(crew_ledger, monkeypatch):
    """Every word of the page through gettext (here German, as `serve --language de` sets it), its markup
    from a template: a member's words stay as typed, escaped."""
    monkeypatch.setenv("MICROSOLIDARITY_LANGUAGE", "de")
    app = started(crew_ledger)
    # A past day's retrospective (recorded afterwards) is named by its day, never called today's.
    assert app.start_button.description == "Den Rückblick vom 1. April 2026 beginnen"
    assert "Der Rückblick vom 1. April 2026 hat begonnen; 3 Stimmen pro Person." in app.status.text
    crew_ledger.record(Reflection(app.retro(), "Ama", "working", "Wir <b>lachen</b> viel"))
    app.poll()
    assert "Bisher geschrieben: Ama (1)" in app.board.value
    crew_ledger.record(Reveal(app.retro()))
    app.poll()
    assert "<h4>Was gut läuft</h4>" in app.board.value and "Wir &lt;b&gt;lachen&lt;/b&gt; viel" in app.board.value
    assert [label for label, _ in app.decision.options] == ["Weitermachen", "Verändern", "Beenden"]
