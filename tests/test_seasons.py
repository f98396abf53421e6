"""A crew's season and its retrospectives (docs/rules.md#seasons-and-retrospectives), on both backends:
every new event, its dated rules, refusals in plain words that record nothing, voids, one-time keys,
privacy of reflections, and what a retrospective opens with."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from microsolidarity_widgets import Ledger
from microsolidarity_widgets.congregation import Congregation
from microsolidarity_widgets.errors import AlreadyRecorded, LedgerError
from microsolidarity_widgets.export import events_table
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.seasons import (Action, ActionReviewed, Reflection, Retrospective, Reveal, Season, Topic,
                                             Vote, actions, closed_crews, decide, reflections, retrospectives, seasons,
                                             since_last, standing, topics, votes_left)
from microsolidarity_widgets.values import new_once_key

SECRET = "SECRET-reflection-words"


@pytest.fixture
def crew(ledger: Ledger) -> Ledger:
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
    ledger.record(Season("Kestrels", "2026-01-01"))
    return ledger


@pytest.fixture
def retro(crew: Ledger) -> dict:
    """A retrospective on 1 April with two reflections (one typed by the facilitator for Bo)."""
    r = crew.record(Retrospective("Kestrels", "2026-04-01"))
    ama = crew.record(Reflection(r, "Ama", "working", f"We meet every week {SECRET}"))
    bo = crew.record(Reflection(r, "Bo", "better", "Start on time", typed_by_facilitator=True))
    return {"retro": r, "ama": ama, "bo": bo}


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def test_a_season_defaults_to_six_months_with_a_retrospective_every_three(crew):
    s = seasons(crew, "Kestrels").iloc[0]
    assert (s["start"], s["end"]) == (day("2026-01-01"), day("2026-07-01"))
    assert s["retrospectives"] == [day("2026-04-01"), day("2026-07-01")]
    where = standing(crew, "Kestrels", "2026-02-10")
    assert (where.status, where.season, where.next_retrospective) == ("in season", 1, day("2026-04-01"))
    assert "week 6 of 26 of season 1" in where.words() and "1 April 2026, in 50 days" in where.words()


def test_months_end_where_the_calendar_says(ledger):
    """relativedelta: three months after 30 November is 28 February, not an error or 2 March."""
    ledger.add_group("Owls", ["Ama", "Bo", "Caz"], on="2025-11-30")
    ledger.record(Season("Owls", "2025-11-30", end="2026-06-30", every_months=3))
    assert seasons(ledger, "Owls").iloc[0]["retrospectives"] == [day("2026-02-28"), day("2026-05-30"), day("2026-06-30")]


def test_a_season_can_name_its_retrospective_days(crew):
    crew.record(Season("Kestrels", "2026-07-01", end="2026-12-01", retrospectives=["2026-10-15", "2026-09-01"]))
    assert seasons(crew, "Kestrels").iloc[1]["retrospectives"] == [day("2026-09-01"), day("2026-10-15")]
    assert standing(crew, "Kestrels", "2026-07-02").season == 2


def refused(ledger: Ledger, write, *words: str) -> None:
    """``write`` is refused with all of ``words`` in its message, and the ledger is left as it was."""
    before = ledger.revision()
    with pytest.raises(LedgerError) as err:
        write()
    message = str(err.value)
    assert all(w in message for w in words), message
    assert "Traceback" not in message and "sqlalchemy" not in message.lower()
    assert ledger.revision() == before


@pytest.mark.parametrize("event,words", [
    (Season("Kestrels", "2026-03-01", end="2026-02-01"), ("ends after it starts", "2026-02-01")),
    (Season("Kestrels", "2026-03-01", end="2026-03-01"), ("ends after it starts",)),
    (Season("Kestrels", "2026-03-01", end="2026-09-01", retrospectives=["2026-10-01"]), ("outside the season",)),
    (Season("Kestrels", "2026-03-01", end="2026-09-01", retrospectives=[]), ("at least one retrospective",)),
    (Season("Kestrels", "2026-03-01", every_months=0), ("from 1 to 12",)),
    (Season("Kestrels", "2025-12-01"), ("started on 2026-01-01", "before it existed")),
    (Season("Kestrels", "2026-01-01"), ("already has a season starting on 2026-01-01",)),
    (Retrospective("Kestrels", "2025-12-31"), ("started on 2026-01-01", "before it existed")),
    (Retrospective("Kestrels", "2026-04-01", votes=0), ("from 1 to 20",)),
    (Retrospective("Kestrels", "2026-04-01", votes="3"), ("whole number",)),
    (Retrospective("Ama+Bo", "2026-04-01"), ("partnership", "for crews")),
    (Retrospective("Nobody", "2026-04-01"), ("no group called",)),
])
def test_bad_seasons_and_retrospectives_are_refused_in_words(crew, event, words):
    crew.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2026-01-01")
    refused(crew, lambda: crew.record(event), *words)


def test_two_retrospectives_on_one_day_are_refused(crew):
    crew.record(Retrospective("Kestrels", "2026-04-01"))
    refused(crew, lambda: crew.record(Retrospective("Kestrels", "2026-04-01")), "already has a retrospective")


@pytest.mark.parametrize("make,words", [
    (lambda r: Reflection(r["retro"], "Ama", "working", "x" * 10_000), ("10000 characters", "under 1000")),
    (lambda r: Reflection(r["retro"], "Ama", "working", "   "), ("reflection is empty",)),
    (lambda r: Reflection(r["retro"], "Ama", "someday", "hi"), ("What is working", "someday")),
    (lambda r: Reflection(r["retro"], "Zed", "working", "hi"), ("“Zed” is not a member of Kestrels",)),
    (lambda r: Reflection(r["ama"], "Ama", "working", "hi"), ("not a retrospective",)),
    (lambda r: Reflection(999_999, "Ama", "working", "hi"), ("no event number 999999",)),
    (lambda r: Topic(r["retro"], [r["ama"]], "Rhythm"), ("Reveal the reflections before grouping",)),
    (lambda r: Action(r["retro"], "Zed", "2026-05-01", "Book the room"), ("“Zed” is not a member of Kestrels",)),
    (lambda r: Action(r["retro"], "Caz", "2026-03-01", "Book the room"), ("due after the retrospective",)),
    (lambda r: Action(r["retro"], "Caz", "2026-05-01", ""), ("action is empty",)),
])
def test_bad_reflections_and_actions_are_refused_in_words(crew, retro, make, words):
    refused(crew, lambda: crew.record(make(retro)), *words)


def test_a_reveal_groups_votes_and_the_vote_limit(crew, retro):
    r = retro["retro"]
    refused(crew, lambda: crew.record(Vote(r, "Ama")), "not a topic")
    crew.record(Reveal(r))
    refused(crew, lambda: crew.record(Reveal(r)), "already revealed")
    refused(crew, lambda: crew.record(Reflection(r, "Caz", "change", "late")), "already revealed")
    refused(crew, lambda: crew.record(Topic(r, [True], "Yes")), "not the number of a reflection")
    loose = reflections(crew, r)["id"]  # numpy integers, as a crew's own notebook would pass them
    rhythm = crew.record(Topic(r, [loose.iloc[0]], "Rhythm"))
    time = crew.record(Topic(r, [retro["bo"]], "Time"))
    refused(crew, lambda: crew.record(Topic(r, [retro["ama"]], "Again")), "already in a topic")
    refused(crew, lambda: crew.record(Topic(r, [], "Empty")), "at least one reflection")
    crew.record(Vote(rhythm, "Ama", 2))
    crew.record(Vote(time, "Bo", 3))
    crew.record(Vote(time, "Ama"))
    refused(crew, lambda: crew.record(Vote(rhythm, "Ama")), "Ama has no votes left", "(3 each)")
    refused(crew, lambda: crew.record(Vote(rhythm, "Bo")), "Bo has no votes left")
    refused(crew, lambda: crew.record(Vote(rhythm, "Caz", 4)), "Caz has 3 votes left")
    refused(crew, lambda: crew.record(Vote(rhythm, "Zed")), "not a member")
    assert topics(crew, r)[["title", "votes"]].values.tolist() == [["Time", 4], ["Rhythm", 2]]
    assert votes_left(crew, r, "ama") == 0 and votes_left(crew, r, "Caz") == 3


def test_the_vote_limit_is_the_retrospectives_own(crew):
    r = crew.record(Retrospective("Kestrels", "2026-04-01", votes=1))
    f = crew.record(Reflection(r, "Ama", "working", "hi"))
    crew.record(Reveal(r))
    t = crew.record(Topic(r, [f], "Hi"))
    crew.record(Vote(t, "Bo"))
    refused(crew, lambda: crew.record(Vote(t, "Bo")), "Bo has no votes left", "(1 each)")


def test_voids_take_back_votes_and_a_retrospective_with_what_it_held(crew, retro):
    r = retro["retro"]
    crew.record(Reveal(r))
    t = crew.record(Topic(r, [retro["ama"], retro["bo"]], "All"))
    v = crew.record(Vote(t, "Ama", 3))
    crew.void(v, "tapped three times by mistake", on="2026-04-01")
    assert votes_left(crew, r, "Ama") == 3
    crew.record(Vote(t, "Ama", 1))
    crew.void(t, "grouped wrongly", on="2026-04-01")
    assert topics(crew, r).empty and votes_left(crew, r, "Ama") == 3
    crew.void(r, "held on another day", on="2026-04-02")
    assert retrospectives(crew, "Kestrels").empty
    assert reflections(crew, r, include_private=True).empty


def test_a_request_sent_twice_records_once(crew, retro):
    key = new_once_key()
    first = crew.record(Reflection(retro["retro"], "Caz", "change", "Rotate hosts"), key=key)
    before = crew.revision()
    with pytest.raises(AlreadyRecorded) as err:
        crew.record(Reflection(retro["retro"], "Caz", "change", "Rotate hosts"), key=key)
    assert err.value.event_id == first and crew.revision() == before
    decided = decide(crew, "Kestrels", "2026-07-01", "continue", key=(k := new_once_key()))
    before = crew.revision()
    with pytest.raises(AlreadyRecorded):
        decide(crew, "Kestrels", "2026-07-01", "continue", key=k)
    assert crew.revision() == before and decided


def test_actions_and_what_the_next_retrospective_opens_with(crew):
    crew.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))  # before the first retrospective
    first = crew.record(Retrospective("Kestrels", "2026-02-01"))
    room = crew.record(Action(first, "Caz", "2026-03-01", "Book the room"))
    hosts = crew.record(Action(first, "Ama", "2026-03-01", "Rotate the hosts"))
    crew.record(Meeting("Kestrels", "2026-02-15", attended=["Ama", "Bo", "Caz"]))
    crew.record(Meeting("Kestrels", "2026-03-15", attended=["Ama", "Bo", "Dev"]))
    c = crew.record(ConflictOpened("Kestrels", "2026-02-20", parties=["Bo", "Dev"]))
    crew.record(ConflictClosed(c, "2026-03-01", "resolved"))
    crew.record(ConflictOpened("Kestrels", "2026-03-20", parties=["Ama", "Caz"]))
    crew.record(ActionReviewed(room, "2026-04-01", True))
    crew.record(ActionReviewed(hosts, "2026-04-01", False))
    refused(crew, lambda: crew.record(ActionReviewed(hosts, "2026-04-01", True)), "reviewed already")
    refused(crew, lambda: crew.record(ActionReviewed(hosts, "2026-01-15", True)), "cannot be reviewed before")

    opens = since_last(crew, "Kestrels", "2026-04-01", include_private=True)
    assert opens.since == day("2026-02-01") and opens.until == day("2026-04-01")
    points = opens.points
    assert "1 Listening" in points.columns and points["1 Listening"].sum() == 0  # the round came before
    assert points.loc["Bo", "3 Consistency"] == 1 + 3 and points.loc["Dev", "3 Consistency"] == -5 + 1
    assert points.loc["Bo", "4 Conflict"] == 10 and points.loc["Bo", "total"] == 14
    assert opens.meetings == 2 and (opens.conflicts_opened, opens.conflicts_closed) == (2, 1)
    streaks = opens.attendance.set_index("member")
    assert streaks.loc["Ama", ["attended", "missed", "streak"]].tolist() == [2, 0, 2]
    assert streaks.loc["Caz", ["attended", "missed", "streak"]].tolist() == [1, 1, 0]
    done = opens.actions.set_index("owner")
    assert done.loc["Caz", "done"] == True and done.loc["Ama", "done"] == False  # noqa: E712 (nullable booleans)
    assert done.loc["Caz", "what"] == "Book the room"
    # Without private texts asked for, the actions are there, their words are not.
    assert since_last(crew, "Kestrels", "2026-04-01").actions["what"].isna().all()
    # The first retrospective opens with everything since the crew began.
    assert since_last(crew, "Kestrels", "2026-02-01").points["1 Listening"].sum() == 3


def test_reflections_stay_hidden_until_revealed_and_out_of_exports(crew, retro):
    r = retro["retro"]
    before = reflections(crew, r, viewer="Bo").set_index("member")["words"]
    assert before["Ama"] is None and before["Bo"] == "Start on time"  # Bo sees only their own
    assert reflections(crew, r, viewer="Ama").set_index("member")["words"]["Ama"].endswith(SECRET)
    assert reflections(crew, r)["words"].isna().all()  # the projector, before the reveal
    crew.record(Reveal(r))
    assert reflections(crew, r, viewer="Bo").set_index("member")["words"]["Ama"].endswith(SECRET)
    # Exports and the ledger's tables leave reflections out unless private texts are asked for.
    for frame in (crew.events(), crew.participants(), events_table(crew)):
        assert SECRET not in frame.astype(str).to_csv()
    assert SECRET in events_table(crew, include_private=True).astype(str).to_csv()


def test_forgetting_a_member_erases_their_reflections_and_actions(crew, retro):
    crew.record(Action(retro["retro"], "Ama", "2026-05-01", "SECRET-action-words"))
    crew.forget_member("Ama")
    everything = crew.events(include_private=True).astype(str).to_csv()
    assert SECRET not in everything and "SECRET-action-words" not in everything
    assert "Start on time" in everything  # Bo's words are Bo's


def test_continue_starts_a_new_season(crew):
    decide(crew, "Kestrels", "2026-07-01", "continue", end="2026-10-01")
    assert seasons(crew, "Kestrels")["start"].tolist() == [day("2026-01-01"), day("2026-07-01")]
    assert standing(crew, "Kestrels", "2026-08-01").words().startswith("Kestrels is in week 5 of 14 of season 2")


def test_change_is_dated_and_all_or_nothing(crew):
    crew.record(Meeting("Kestrels", "2026-06-01", attended=["Ama", "Bo", "Caz", "Dev"]))
    decide(crew, "Kestrels", "2026-07-01", "change", leaving=["Dev"], joining=["Eve", "Fay"])
    assert crew.members("Kestrels") == ["Ama", "Bo", "Caz", "Eve", "Fay"]
    assert crew.members("Kestrels", on="2026-06-30") == ["Ama", "Bo", "Caz", "Dev"]
    refused(crew, lambda: decide(crew, "Kestrels", "2026-08-01", "change", leaving=["Ama", "Bo", "Caz"]),
            "Kestrels would have 2 members on 2026-08-01")
    refused(crew, lambda: decide(crew, "Kestrels", "2026-08-01", "change"), "Say who leaves or who joins")
    refused(crew, lambda: decide(crew, "Kestrels", "2026-08-01", "change", leaving=["Zed"]), "“Zed” is not a member")
    refused(crew, lambda: decide(crew, "Kestrels", "2026-08-01", "continue", end="2026-07-01"), "ends after it starts")
    refused(crew, lambda: decide(crew, "Kestrels", "2026-08-01", "pause"), "continue, change or close")
    refused(crew, lambda: decide(crew, "Kestrels", "2025-08-01", "close"), "before it existed")


def test_a_closed_crew_keeps_its_history_and_records_nothing_after(crew):
    crew.record(Meeting("Kestrels", "2026-06-01", attended=["Ama", "Bo", "Caz", "Dev"]))
    refused(crew, lambda: decide(crew, "Kestrels", "2026-05-01", "close"), "records dated 2026-06-01")
    points = crew.points()
    closing = decide(crew, "Kestrels", "2026-07-01", "close")
    assert closed_crews(crew) == {"Kestrels": day("2026-07-01")}
    assert standing(crew, "Kestrels", "2026-07-02").status == "closed"
    pd.testing.assert_frame_equal(crew.points(), points)
    refused(crew, lambda: crew.record(Meeting("Kestrels", "2026-07-02", attended=["Ama"])),
            "Kestrels closed on 2026-07-01", "nothing can be recorded")
    refused(crew, lambda: crew.record(Retrospective("Kestrels", "2026-08-01")), "closed on 2026-07-01")
    refused(crew, lambda: decide(crew, "Kestrels", "2026-07-01", "close"), "closed on 2026-07-01")
    crew.void(closing, "we carry on after all", on="2026-07-02")
    crew.record(Meeting("Kestrels", "2026-07-02", attended=["Ama", "Bo"]))
    assert closed_crews(crew) == {}


def test_a_closed_crews_people_are_back_in_the_pool(ledger):
    cong = Congregation.create(ledger, "Lisbon circle", on="2026-01-01")
    for name in ("Ama", "Bo", "Caz", "Dev"):
        cong.add_person(name, on="2026-01-01", answers={"slots": ["Tue evening"]})
    cong.form_crews([["Ama", "Bo", "Caz", "Dev"]], on="2026-01-02")
    crew_name = ledger.groups()["group"].iloc[0]
    assert cong.pool()["member"].all()
    decide(ledger, crew_name, "2026-07-01", "close")
    assert not cong.pool()["member"].any()
    assert {p.name for p in cong.people(free=True)} == {"Ama", "Bo", "Caz", "Dev"}


def test_the_seasons_model_never_imports_widgets_or_pages():
    """Plain Python and pandas, as the rest of the model (tests/test_architecture.py): only the page imports widgets."""
    from pathlib import Path

    from test_architecture import PACKAGE, imports

    for path in sorted((PACKAGE / "seasons").glob("*.py")):
        if path.stem != "page":
            found = [dep for dep, _ in imports(path)]
            assert "ipywidgets" not in found and "apps" not in found, path.name
            assert "import ipywidgets" not in Path(path).read_text()


def test_every_step_can_be_undone_and_then_counts_for_nothing(crew, retro):
    r = retro["retro"]
    assert reflections(crew, r, include_private=True).set_index("member")["typed_by_facilitator"].to_dict() == \
        {"Ama": False, "Bo": True}
    revealed = crew.record(Reveal(r))
    topic = crew.record(Topic(r, [retro["bo"]], "Time"))
    action = crew.record(Action(r, "Caz", "2026-05-01", "Book the room"))
    reviewed = crew.record(ActionReviewed(action, "2026-05-02", True))
    season = seasons(crew, "Kestrels")["id"].iloc[0]
    crew.void(reviewed, "not done after all", on="2026-05-02")
    assert actions(crew, "Kestrels")["done"].isna().all()
    crew.void(action, "never agreed", on="2026-04-01")
    assert actions(crew, "Kestrels").empty
    crew.void(topic, "regroup", on="2026-04-01")
    crew.void(revealed, "too soon", on="2026-04-01")
    assert reflections(crew, r, viewer="Bo").set_index("member")["words"]["Ama"] is None  # hidden again
    crew.void(retro["ama"], "Ama takes it back", on="2026-04-01")
    assert reflections(crew, r, include_private=True)["member"].tolist() == ["Bo"]
    crew.void(int(season), "not agreed yet", on="2026-04-01")
    assert seasons(crew, "Kestrels").empty and standing(crew, "Kestrels", "2026-04-01").status == "no season"


def test_a_retrospective_is_dated_from_the_crews_start_to_today_and_one_recorded_afterwards_says_so(crew):
    refused(crew, lambda: crew.record(Retrospective("Kestrels", "2025-12-31")),
            "Kestrels started on 2026-01-01", "before it existed")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    refused(crew, lambda: crew.record(Retrospective("Kestrels", tomorrow)), tomorrow.isoformat(), "in the future")
    refused(crew, lambda: crew.record(Retrospective("Kestrels", "someday")), "not a date")
    # Last quarter's, recorded today: held on its own day, started today (what the phones follow).
    crew.record(Retrospective("Kestrels", "2026-04-01"))
    held = retrospectives(crew, "Kestrels").iloc[0]
    assert (held["date"], held["started"]) == (day("2026-04-01"), pd.Timestamp(dt.date.today()))


def test_last_times_actions_are_marked_in_a_later_retrospective_of_the_same_crew(crew):
    crew.add_group("Otters", ["Lior", "Mina", "Noor"], kind="crew", on="2026-01-01")
    first = crew.record(Retrospective("Kestrels", "2026-02-01"))
    room = crew.record(Action(first, "Caz", "2026-03-01", "Book the room"))
    hosts = crew.record(Action(first, "Ama", "2026-03-01", "Rotate the hosts"))
    otters = crew.record(Retrospective("Otters", "2026-04-01"))
    nxt = crew.record(Retrospective("Kestrels", "2026-04-01"))
    refused(crew, lambda: crew.record(ActionReviewed(room, "2026-04-01", True, retrospective=otters)),
            "That action belongs to Kestrels, not to Otters", "retrospective of Kestrels")
    refused(crew, lambda: crew.record(ActionReviewed(room, "2026-02-01", True, retrospective=first)),
            "agreed on 2026-02-01", "later retrospective")
    refused(crew, lambda: crew.record(ActionReviewed(room, "2026-04-02", True, retrospective=nxt)),
            "on 2026-04-01, not on 2026-04-02")
    refused(crew, lambda: crew.record(ActionReviewed(room, "2026-04-01", True, retrospective=hosts)),
            "not a retrospective")
    refused(crew, lambda: crew.record(ActionReviewed(room, "2026-04-01", "yes", retrospective=nxt)), "yes or no")
    assert actions(crew, "Kestrels")["done"].isna().all()

    crew.record(ActionReviewed(room, "2026-04-01", True, retrospective=nxt))
    said = crew.record(ActionReviewed(hosts, "2026-04-01", False, retrospective=nxt))
    assert actions(crew, "Kestrels")["done"].tolist() == [True, False]
    assert since_last(crew, "Kestrels", "2026-04-01").actions["done"].tolist() == [True, False]
    # A mark undone is no mark; the retrospective they were said in, undone, takes its marks with it.
    crew.void(said, "Ama did rotate them", on="2026-04-01")
    assert actions(crew, "Kestrels")["done"].isna().tolist() == [False, True]
    crew.void(nxt, "Held on the 2nd", on="2026-04-02")
    assert actions(crew, "Kestrels")["done"].isna().all()
    refused(crew, lambda: crew.record(ActionReviewed(room, "2026-04-01", True, retrospective=nxt)), "was undone")
    again = crew.record(Retrospective("Kestrels", "2026-04-02"))
    crew.record(ActionReviewed(room, "2026-04-02", True, retrospective=again))
    done = actions(crew, "Kestrels")["done"]
    assert done.iloc[0] == True and pd.isna(done.iloc[1])  # noqa: E712 (nullable booleans)
