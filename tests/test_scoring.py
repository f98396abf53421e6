"""Every scoring rule of docs/rules.md and its edges, through the public API."""

import pandas as pd
import pytest

from microsolidarity_widgets import LedgerError
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money


def total(ledger, member=None, level=None, group=None):
    p = ledger.points()
    if member:
        p = p[p["member"] == member]
    if level:
        p = p[p["level"] == level]
    if group:
        p = p[p["group"] == group]
    return int(p["points"].sum())


@pytest.fixture
def crew(ledger):
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2025-01-01")
    return ledger


def test_listening_scores_only_when_everyone_listened(crew):
    crew.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo"], everyone_listened=False))
    assert total(crew) == 0
    assert len(crew.events().query("kind == 'listening'")) == 1  # still recorded
    crew.record(Listening("Kestrels", "2026-01-11", present=["Ama", "Bo", "Caz"]))
    assert {m: total(crew, m) for m in ["Ama", "Bo", "Caz", "Dev"]} == {"Ama": 1, "Bo": 1, "Caz": 1, "Dev": 0}


def test_money_respect_bonus_once_per_pair(crew):
    crew.record(Money("Kestrels", "2026-01-17", speaker="Caz", offers=[("Ama", "perspective"), ("Ama", "other")],
                      asks=["a reader", "a lawyer"], respectful=["Ama"]))
    assert total(crew, "Ama") == 5 + 5 + 1
    assert total(crew, "Caz") == 5 + 5 + 1


def test_money_round_needs_someone_besides_the_speaker(crew):
    with pytest.raises(LedgerError, match="at least one other member"):
        crew.record(Money("Kestrels", "2026-01-17", speaker="Caz", asks=["help"]))
    crew.record(Money("Kestrels", "2026-01-17", speaker="Caz", asks=["help"], present=["Caz", "Bo"]))
    assert total(crew, "Caz") == 5 and total(crew, "Bo") == 0


def test_money_participants_must_be_present_when_presence_is_given(crew):
    with pytest.raises(LedgerError, match="not marked present"):
        crew.record(Money("Kestrels", "2026-01-17", speaker="Caz", offers=[("Dev", "other")], present=["Caz", "Bo"]))


def test_second_and_third_meeting_after_a_missed_one(ledger):
    ledger.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2026-01-01")
    ledger.record(Meeting("Ama+Bo", "2026-01-01", attended=["Ama", "Bo"]))
    ledger.record(Meeting("Ama+Bo", "2026-02-01", attended=["Ama"]))
    ledger.record(Meeting("Ama+Bo", "2026-03-01", attended=["Ama", "Bo"]))
    ledger.record(Meeting("Ama+Bo", "2026-04-01", attended=["Ama", "Bo"]))
    att = ledger.table("attendance", "Ama+Bo")
    bo = att[att["member"] == "Bo"]
    # Bo: 1st (+1), missed (-5), 2nd (+3), 3rd (+5): only attended meetings count toward the rank.
    assert bo["points"].tolist() == [1, -5, 3, 5]
    assert bo["streak"].tolist() == [1, 0, 1, 2]
    assert att[att["member"] == "Ama"]["points"].tolist() == [1, 3, 5, 5]


def test_meetings_score_by_date_not_recording_order(ledger):
    ledger.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2026-01-01")
    ledger.record(Meeting("Ama+Bo", "2026-03-01", attended=["Ama"]))
    ledger.record(Meeting("Ama+Bo", "2026-01-01", attended=["Ama"]))
    p = ledger.points().query("member == 'Ama'").sort_values("date")
    assert p["points"].tolist() == [1, 3]


def test_late_joiner_counts_only_meetings_after_joining(crew):
    crew.record(Meeting("Kestrels", "2026-01-05", attended=["Ama", "Bo", "Caz", "Dev"]))
    crew.add_member("Kestrels", "Eve", on="2026-03-01")
    crew.record(Meeting("Kestrels", "2026-02-05", attended=["Ama", "Bo", "Caz", "Dev"]))
    crew.record(Meeting("Kestrels", "2026-03-05", attended=["Ama", "Bo", "Caz", "Dev"]))
    assert total(crew, "Eve") == -5  # only the March meeting, missed
    with pytest.raises(LedgerError, match="not a member of Kestrels on that date"):
        crew.record(Listening("Kestrels", "2026-02-20", present=["Ama", "Eve"]))
    crew.record(Listening("Kestrels", "2026-03-20", present=["Ama", "Eve"]))
    assert total(crew, "Eve", level=1) == 1


def test_member_who_left_is_not_counted_missing(crew):
    crew.add_member("Kestrels", "Eve", on="2026-01-01")
    crew.remove_member("Kestrels", "Eve", on="2026-02-01")
    crew.record(Meeting("Kestrels", "2026-03-01", attended=["Ama", "Bo", "Caz", "Dev"]))
    assert total(crew, "Eve") == 0
    assert "Eve" not in crew.members("Kestrels")
    assert "Eve" in crew.members("Kestrels", on="2026-01-15")


def test_voided_award_counts_for_nothing_and_stays_visible(crew):
    eid = crew.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo"]))
    assert total(crew) == 2
    vid = crew.void(eid, reason="entered twice")
    assert total(crew) == 0
    ev = crew.events().set_index("id")
    assert ev.loc[eid, "voided"] and ev.loc[eid, "voided_by"] == vid
    assert ev.loc[vid, "kind"] == "void" and ev.loc[vid, "texts"] == {"reason": "entered twice"}


def test_voided_meeting_reranks_later_meetings(ledger):
    ledger.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2026-01-01")
    first = ledger.record(Meeting("Ama+Bo", "2026-01-01", attended=["Ama", "Bo"]))
    ledger.record(Meeting("Ama+Bo", "2026-02-01", attended=["Ama", "Bo"]))
    ledger.void(first, reason="that was a social, not a meeting")
    assert total(ledger, "Ama") == 1


def test_open_then_unresolved_conflict(crew):
    cid = crew.record(ConflictOpened("Kestrels", "2026-02-05", parties=["Bo", "Dev"], description="a missed deadline"))
    assert total(crew) == 0
    assert crew.table("open_conflicts")["id"].tolist() == [cid]
    crew.record(ConflictClosed(cid, "2026-03-01", outcome="unresolved"))
    p = crew.points()
    assert p[["member", "points"]].values.tolist() == [["Bo", -20], ["Dev", -20]]
    assert str(p["date"].iloc[0].date()) == "2026-03-01"
    assert crew.table("open_conflicts").empty
    with pytest.raises(LedgerError, match="already closed"):
        crew.record(ConflictClosed(cid, "2026-03-02", outcome="resolved"))


def test_voiding_a_close_reopens_the_conflict(crew):
    cid = crew.record(ConflictOpened("Kestrels", "2026-02-05", parties=["Bo", "Dev"]))
    close = crew.record(ConflictClosed(cid, "2026-02-06", outcome="unresolved"))
    crew.void(close, reason="closed by mistake")
    assert total(crew) == 0 and crew.table("open_conflicts")["id"].tolist() == [cid]
    crew.record(ConflictClosed(cid, "2026-02-20", outcome="resolved"))
    assert total(crew, "Bo") == 10


def test_conflicts_lists_each_with_its_close(crew):
    first = crew.record(ConflictOpened("Kestrels", "2026-02-05", parties=["Dev", "Bo"]))
    second = crew.record(ConflictOpened("Kestrels", "2026-02-07", parties=["Ama", "Caz"]))
    wrong = crew.record(ConflictOpened("Kestrels", "2026-02-08", parties=["Ama", "Bo"]))
    crew.void(wrong, reason="not a conflict")
    close = crew.record(ConflictClosed(first, "2026-02-06", outcome="unresolved"))
    crew.void(close, reason="closed by mistake")
    crew.record(ConflictClosed(first, "2026-02-20", outcome="resolved"))
    c = crew.table("conflicts")
    assert c["id"].tolist() == [first, second] and c["parties"].tolist() == ["Dev, Bo", "Ama, Caz"]
    assert str(c["closed"].iloc[0].date()) == "2026-02-20" and c["outcome"].iloc[0] == "resolved"
    assert pd.isna(c["closed"].iloc[1]) and crew.table("open_conflicts")["id"].tolist() == [second]
    assert crew.table("conflicts", "Kestrels").equals(c) and crew.table("conflicts").columns.tolist() == [
        "id", "group", "date", "parties", "closed", "outcome"]


def test_a_level_table_is_read_by_name_and_an_unknown_one_is_refused(crew):
    """The ledger names no level: the tables a level declares (``Level.tables``) are read by name."""
    from microsolidarity_widgets import levels

    assert sorted(levels.tables()) == ["attendance", "conflicts", "open_conflicts", "ventures"]
    crew.record(Meeting("Kestrels", "2026-03-01", attended=["Ama", "Bo", "Caz"]))
    att = crew.table("attendance", "kestrels")  # a group's name matched as names are
    assert att[["member", "attended"]].values.tolist() == [["Ama", True], ["Bo", True], ["Caz", True], ["Dev", False]]
    with pytest.raises(LedgerError, match="no table “absences”; the levels keep attendance, conflicts, open_conflicts"):
        crew.table("absences")


def test_a_level_of_a_crews_own_notebook_brings_its_table(crew):
    """A level registered outside the package (a crew's notebook) adds a table without touching the ledger."""
    from microsolidarity_widgets import levels

    def hugs(ledger):
        ev = ledger.events()
        return ev.loc[ev["kind"] == "meeting", ["group", "date"]].reset_index(drop=True)

    level = levels.Level(9, "Hugs", "#000000", events=(), points={}, words="", award=lambda h, lv: [],
                         tables={"hugs": hugs})
    levels.register(level)
    try:
        crew.record(Meeting("Kestrels", "2026-03-01", attended=["Ama", "Bo"]))
        assert crew.table("hugs", "Kestrels")["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-01"]
    finally:
        levels.unregister(9)

def test_venture_each_owner_once(crew):
    crew.record(Venture("Kestrels", "2026-05-01", name="Kestrel Pod", form="livelihood pod",
                        owners=["Ama", "Caz", "Dev"]))
    assert total(crew) == 300
    with pytest.raises(LedgerError, match="already has a venture"):
        crew.record(Venture("Kestrels", "2026-06-01", name="kestrel pod", form="co-op", owners=["Ama", "Bo"]))


def test_hosting_and_agreements_score_nothing_and_suggest_hosts(crew):
    crew.record_hosting("Kestrels", "2026-01-10", facilitator="Ama", timekeeper="Bo", note_taker="Caz")
    crew.record_agreements("Kestrels", "2026-01-10", "What is said here stays here.")
    assert total(crew) == 0
    assert crew.suggest_hosts("Kestrels")["facilitator"] == "Dev"
    assert crew.agreements("Kestrels") == "What is said here stays here."


def test_preview_matches_what_recording_awards(crew):
    args = ("Kestrels", "2026-01-17")
    kwargs = dict(speaker="Caz", offers=[("Ama", "introduction")], asks=["a lawyer"], respectful=["Ama"])
    preview = crew.preview(Money(*args, **kwargs))
    before = len(crew.events())
    assert len(crew.events()) == before  # previewing writes nothing
    eid = crew.record(Money(*args, **kwargs))
    recorded = crew.points().query("event_id == @eid")
    assert sorted(zip(preview["member"], preview["points"])) == sorted(zip(recorded["member"], recorded["points"]))


def test_preview_raises_like_recording(crew):
    with pytest.raises(LedgerError, match="speaker"):
        crew.preview(Money("Kestrels", "2026-01-17", speaker="Caz", offers=[("Caz", "other")]))
    with pytest.raises(LedgerError, match="cannot be"):
        crew.preview("record_money")  # a method's name is not an event


def test_points_are_empty_but_typed_on_an_empty_ledger(ledger):
    p = ledger.points()
    assert p.empty and list(p.columns) == ["date", "group", "member", "level", "points", "event_id", "reason"]
    assert ledger.trust_over_time().empty
