"""Each rule the foundation promises to refuse: a LedgerError a facilitator understands, and
nothing recorded. (The wider catalogue of odd input lives in test_bad_input.py.)"""

import datetime as dt

import pytest
import sqlalchemy as sa

from microsolidarity_widgets import LedgerError
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money


def tomorrow() -> str:
    # Worked out when the test runs, not at collection (a run crossing midnight would turn it into today).
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


@pytest.fixture
def crew(ledger):
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2025-01-01")
    ledger.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2025-01-01")
    ledger.add_group("Herons", ["Fen", "Gus", "Hana"], kind="crew", on="2025-01-01")
    return ledger


def snapshot(ledger):
    with ledger.store.read() as con:
        return tuple(con.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                     for t in (st.events, st.participants, st.members, st.groups))


def conflict(ledger, on="2026-01-01"):
    return ledger.record(ConflictOpened("Kestrels", on, parties=["Bo", "Dev"]))


def closed_conflict(ledger):
    cid = conflict(ledger)
    ledger.record(ConflictClosed(cid, "2026-01-02", outcome="resolved"))
    return cid


def voided_round(ledger):
    eid = ledger.record(Listening("Kestrels", "2026-01-01", present=["Ama", "Bo"]))
    ledger.void(eid, reason="entered twice")
    return eid


def full_crew(ledger):
    for name in "EFGH":
        ledger.add_member("Kestrels", name, on="2025-02-01")


def met(ledger):
    ledger.record(Meeting("Ama+Bo", "2026-01-01", attended=["Ama"]))


# case: (set-up recorded on purpose or None, the refused call given the set-up's result, words of the message)
CASES = {
    "unknown group": (None, lambda l, _: l.record(Listening("Falcons", "2026-01-01", present=["Ama", "Bo"])),
                      "no group called “Falcons”"),
    "unknown member": (None, lambda l, _: l.record(Listening("Kestrels", "2026-01-01", present=["Ama", "Zed"])),
                       "“Zed” is not a member of Kestrels"),
    "crew of nine": (None, lambda l, _: l.add_group("Big", [f"P{i}" for i in range(9)]),
                     "at most 8 members; Big would have 9"),
    "ninth member joins": (full_crew, lambda l, _: l.add_member("Kestrels", "Ivo", on="2025-03-01"),
                           "at most 8 members"),
    "crew of two": (None, lambda l, _: l.add_group("Tiny", ["Ama", "Bo"]), "at least 3 members"),
    "partnership of three": (None, lambda l, _: l.add_group("Trio", ["Ama", "Bo", "Caz"], kind="partnership"),
                             "exactly 2 people"),
    "member joins a partnership": (None, lambda l, _: l.add_member("Ama+Bo", "Caz", on="2025-02-01"),
                                   "exactly 2 people"),
    "unknown kind of group": (None, lambda l, _: l.add_group("Guild", ["A", "B", "C"], kind="guild"),
                              "crew or a partnership"),
    "empty name": (None, lambda l, _: l.add_group("", ["A", "B", "C"]), "group name is empty"),
    "whitespace member": (None, lambda l, _: l.add_group("Larks", ["A", "   ", "C"]), "member is empty"),
    "name over 80": (None, lambda l, _: l.add_member("Kestrels", "x" * 81, on="2025-02-01"), "keep it to 80"),
    "duplicate members": (None, lambda l, _: l.add_group("Larks", ["Ama", "Bo", " ama "]), "listed twice"),
    "existing group": (None, lambda l, _: l.add_group("kestrels", ["A", "B", "C"]), "already a group called"),
    "already a member": (None, lambda l, _: l.add_member("Kestrels", "AMA", on="2025-02-01"), "already a member"),
    "future date": (None, lambda l, _: l.record(Listening("Kestrels", tomorrow(), present=["Ama", "Bo"])),
                    "is in the future"),
    "malformed date": (None, lambda l, _: l.record(Listening("Kestrels", "10/01/2026", present=["Ama", "Bo"])),
                       "is not a date"),
    "one present": (None, lambda l, _: l.record(Listening("Kestrels", "2026-01-01", present=["Ama"])),
                    "at least 2 people"),
    "speaker outside the group": (None, lambda l, _: l.record(Money("Kestrels", "2026-01-01", speaker="Fen",
                                                                    offers=[("Ama", "perspective")])),
                                  "“Fen” is not a member of Kestrels"),
    "self offer": (None, lambda l, _: l.record(Money("Kestrels", "2026-01-01", speaker="Caz",
                                                     offers=[("Caz", "perspective")])), "Caz is the speaker"),
    "unknown offer kind": (None, lambda l, _: l.record(Money("Kestrels", "2026-01-01", speaker="Caz",
                                                             offers=[("Ama", "cash")])), "not a kind of offer"),
    "party outside the group": (None, lambda l, _: l.record(ConflictOpened("Kestrels", "2026-01-01", parties=["Bo", "Fen"])),
                                "“Fen” is not a member of Kestrels"),
    "conflict of one": (None, lambda l, _: l.record(ConflictOpened("Kestrels", "2026-01-01", parties=["Bo"])),
                        "at least 2 members"),
    "venture of one": (None, lambda l, _: l.record(Venture("Kestrels", "2026-01-01", name="Solo", form="company",
                                                           owners=["Ama"])), "at least 2 owners"),
    "meeting twice in a day": (met, lambda l, _: l.record(Meeting("Ama+Bo", "2026-01-01", attended=["Bo"])),
                               "already has a meeting recorded on 2026-01-01"),
    "close twice": (closed_conflict, lambda l, cid: l.record(ConflictClosed(cid, "2026-01-03", outcome="resolved")),
                    "already closed"),
    "close before it opened": (lambda l: conflict(l, "2026-02-01"),
                               lambda l, cid: l.record(ConflictClosed(cid, "2026-01-01", outcome="resolved")),
                               "cannot close before"),
    "unknown outcome": (conflict, lambda l, cid: l.record(ConflictClosed(cid, "2026-02-02", outcome="fine")),
                        "resolved” or “unresolved"),
    "void unknown event": (None, lambda l, _: l.void(9999, reason="typo"), "no event number 9999"),
    "void twice": (voided_round, lambda l, eid: l.void(eid, reason="again"), "already voided"),
    "void without a reason": (None, lambda l, _: l.void(1, reason="  "), "reason is empty"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_refused_with_a_clear_message_and_nothing_recorded(crew, case):
    setup, action, message = CASES[case]
    made = setup(crew) if setup else None
    before = snapshot(crew)
    with pytest.raises(LedgerError) as refused:
        action(crew, made)
    assert message in str(refused.value)
    assert snapshot(crew) == before


def test_ledger_error_is_a_value_error():
    assert issubclass(LedgerError, ValueError)
