"""docs/rules.md's worked example, end to end through the public API."""

import pandas as pd

from microsolidarity_widgets import Ledger
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money


def play_worked_example(ledger: Ledger) -> None:
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
    ledger.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2026-01-01")
    ledger.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"], everyone_listened=True))
    ledger.record(Money("Kestrels", "2026-01-17", speaker="Caz",
                        offers=[("Ama", "introduction"), ("Dev", "perspective"), ("Dev", "encouragement")],
                        asks=["an intro to a co-op lawyer"], respectful=["Ama", "Dev"]))
    for date, attended in [("2026-02-01", ["Ama", "Bo"]), ("2026-03-01", ["Ama"]), ("2026-04-01", ["Ama", "Bo"])]:
        ledger.record(Meeting("Ama+Bo", date, attended=attended))
    cid = ledger.record(ConflictOpened("Kestrels", "2026-02-05", parties=["Bo", "Dev"]))
    ledger.record(ConflictClosed(cid, "2026-02-20", outcome="resolved"))
    ledger.record(Venture("Kestrels", "2026-05-01", name="Kestrel Pod", form="livelihood pod", owners=["Ama", "Caz"]))


def test_totals_match_game_md(ledger):
    play_worked_example(ledger)
    totals = ledger.points().groupby("member")["points"].sum().to_dict()
    assert totals == {"Ama": 116, "Bo": 10, "Caz": 108, "Dev": 21}


def test_each_step_scores_as_written(ledger):
    play_worked_example(ledger)
    p = ledger.points()
    by = p.groupby(["level", "member"])["points"].sum().to_dict()
    assert {k[1]: v for k, v in by.items() if k[0] == 1} == {"Ama": 1, "Bo": 1, "Caz": 1}
    assert {k[1]: v for k, v in by.items() if k[0] == 2} == {"Ama": 6, "Dev": 11, "Caz": 7}
    assert {k[1]: v for k, v in by.items() if k[0] == 3} == {"Ama": 9, "Bo": -1}
    assert {k[1]: v for k, v in by.items() if k[0] == 4} == {"Bo": 10, "Dev": 10}
    assert {k[1]: v for k, v in by.items() if k[0] == 5} == {"Ama": 100, "Caz": 100}
    conflict = p[p["level"] == 4]
    assert set(conflict["date"]) == {pd.Timestamp("2026-02-20")}
    assert list(p.columns) == ["date", "group", "member", "level", "points", "event_id", "reason"]


def test_trust_over_time_is_cumulative(ledger):
    play_worked_example(ledger)
    trust = ledger.trust_over_time()
    ama_bo = trust[(trust["group"] == "Ama+Bo") & (trust["member"] == "Bo")]
    assert ama_bo["cumulative"].tolist() == [1, -4, -1]
    by_group = trust.groupby(["group", "member"])["cumulative"].last().groupby("member").sum()
    assert by_group.to_dict() == {"Ama": 116, "Bo": 10, "Caz": 108, "Dev": 21}
    groups = ledger.trust_over_time(by="group")
    assert groups.groupby("group")["cumulative"].last().to_dict() == {"Ama+Bo": 8, "Kestrels": 247}


def test_totals_table(ledger):
    play_worked_example(ledger)
    t = ledger.totals("Kestrels")
    assert t.loc["Ama", "level 5"] == 100 and t.loc["Ama", "total"] == 107
    assert list(t.columns) == ["level 1", "level 2", "level 3", "level 4", "level 5", "total"]
