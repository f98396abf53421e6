"""Level 3, Consistency: regular meetings, who came and who missed.

Everything of the level is here: its event and rule, its attendance and award, its ties, its
words, prompts and card, how a record of it is named (who came, who missed); its page is
``page.py`` (docs/rules.md, "Level 3").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ... import rules
from ...errors import LedgerError
from ...i18n import N_, _
from ...rules import Entry, InGroup, Names, Part, State, given, text
from ...scoring import History, Pairs, live, membership_changes
from ...values import clean_text, shown
from .. import Level, ReviewChart, register

ATTENDED = "attended"  # a member's part in a meeting they came to
PROCESS = "process"    # the meeting's process, one of rules.MEETING_PROCESSES
MEETING_TIE = "meeting"


def record_meeting(state: State, group, on, attended, process=None, note=None) -> Entry:
    """A regular meeting; everyone in the group that day who is not listed missed it."""
    g = state.group(group)
    on = rules.dated(state, g, on)
    names = rules.in_group(state, g, on, attended, N_("member who attended"))
    if process is not None and process not in rules.MEETING_PROCESSES:
        raise LedgerError(_("“%(process)s” is not a meeting process we know; choose one of: %(processes)s.",
                            process=shown(process), processes=", ".join(rules.MEETING_PROCESSES)))
    if state.live(Meeting.kind, g.id, on_date=on.isoformat()):
        raise LedgerError(_("%(group)s already has a meeting recorded on %(day)s. Undo it first if it was wrong.",
                            group=g.name, day=on.isoformat()))
    return Entry(Meeting.kind, on, group=g.name, data=given(**{PROCESS: process}), texts=given(note=clean_text(note)),
                 private=True,
                 parts=[Part(n, ATTENDED) for n in names])


@dataclass(frozen=True)
class Meeting(InGroup):
    """Level 3: a regular meeting and who attended it."""

    kind = "meeting"
    attended: Names
    process: str | None = None
    note: str | None = text()
    rule = record_meeting
    roles = {ATTENDED: N_("came")}
    # A group meets once a day: a second meeting that day is a history problem (rules.history_problems).
    once = ("two meetings", lambda on, ref_id, called: on, N_("{group} would have two meetings on {on}"))

    @classmethod
    def also(cls, ledger, row) -> list[tuple[str, list[str]]]:
        att = ledger.table("attendance", row["group"])
        return [("missed", att.loc[(att["event_id"] == row.name) & ~att["attended"], "member"].tolist())]


def attendance(events: pd.DataFrame, participants: pd.DataFrame, *, meeting: Sequence[int], missed: int) -> pd.DataFrame:
    """Level 3, one row per (meeting, member expected there). ``meeting``: the points for the 1st,
    2nd… meeting a member attended, the last for every later one; ``missed``: for each one missed
    (``LEVEL.points`` holds those of docs/rules.md).

    Columns: event_id, group_id, date, member_id, attended, nth (how many meetings of the group
    the member has attended so far, this one included), streak (consecutive attended meetings up
    to this one), points.
    """
    ev = live(events)
    meetings = ev.loc[ev["kind"] == Meeting.kind, ["id", "group_id", "date"]].rename(columns={"id": "event_id"})
    changes = membership_changes(events, participants)
    pairs = changes[["group_id", "member_id"]].drop_duplicates()
    expected = meetings.merge(pairs, on="group_id").sort_values("date", kind="stable")
    expected = pd.merge_asof(
        expected, changes[["group_id", "member_id", "date", "in_group"]],
        on="date", by=["group_id", "member_id"], direction="backward",
    )
    went = participants.loc[participants["role"] == ATTENDED, ["event_id", "member_id"]].assign(attended=True)
    expected = expected.merge(went, on=["event_id", "member_id"], how="left")
    expected["attended"] = expected["attended"].fillna(False).astype(bool)
    expected = expected[expected["in_group"].fillna(False).astype(bool) | expected["attended"]]
    expected = expected.sort_values(["group_id", "member_id", "date", "event_id"], kind="stable").reset_index(drop=True)

    by_member = expected.groupby(["group_id", "member_id"], sort=False)
    expected["nth"] = by_member["attended"].cumsum().astype("int64")
    run = (~expected["attended"]).astype("int64").groupby([expected["group_id"], expected["member_id"]]).cumsum()
    expected["streak"] = expected["attended"].astype("int64").groupby(
        [expected["group_id"], expected["member_id"], run]).cumsum()
    table = np.array(meeting)
    expected["points"] = np.where(
        expected["attended"], table[np.clip(expected["nth"].to_numpy() - 1, 0, len(table) - 1)], missed)
    return expected[["event_id", "group_id", "date", "member_id", "attended", "nth", "streak", "points"]]


# The awards' reasons (their keys, in English; ``Level.reasons``): the nth meeting a member attended.
MISSED = N_("missed a meeting")
ATTENDED_NTH = N_("attended meeting #%(num)s")


def _award(h: History, level: Level) -> list[pd.DataFrame]:
    att = attendance(h.all_events, h.all_participants, **level.points)
    # One string per distinct count, looked up by code: built per row, millions of equal strings.
    nth = att["nth"].to_numpy()
    said = np.array([MISSED] + [ATTENDED_NTH % {"num": n} for n in range(1, int(nth.max(initial=0)) + 1)], dtype=object)
    return [h.award(att, level, att["points"], said[np.where(att["attended"].to_numpy(), nth, 0)])]


def _ties(t: Pairs) -> list[pd.DataFrame]:
    return [t.pairs(t.same_event(t.named(ATTENDED, t.of_kind(Meeting.kind))), MEETING_TIE)]


def _attendance(ledger) -> pd.DataFrame:
    """``ledger.table("attendance")``: one row per meeting and member expected there, with streak and
    points: event_id, group, date, member, attended, nth, streak, points."""
    h, names = ledger.history(), ledger.names()
    att = attendance(h.all_events, h.all_participants, **LEVEL.points)
    att.insert(1, "group", att.pop("group_id").map(names["group"]))
    att.insert(3, "member", att.pop("member_id").map(names["member"]))
    return att.sort_values(["date", "event_id", "member"], kind="stable").reset_index(drop=True)


LEVEL = register(Level(
    3, N_("Consistency"), "#117733", events=(Meeting,), points={"meeting": (1, 3, 5), "missed": -5},
    tables={"attendance": _attendance}, reasons=(MISSED, ATTENDED_NTH),
    award=_award, page="04_consistency", folder=Path(__file__).parent, app=f"{__name__}.page:ConsistencyApp",
    about=N_("Regular meetings: who came, who missed."),
    card=N_("Take attendance at a partnership's or crew's regular meeting and plan the next one."),
    prompts=(N_("Looking back: what has happened for you since we last met?"),
             N_("Looking ahead: where might you go next, and what would help?"),
             N_("Is there anything you would like the others to keep in mind until next time?")),
    words=N_("<b>How Level 3 scores.</b> Counting only the meetings each person came to: their 1st gives "
             "%(meeting1)s, their 2nd %(meeting2)s, and every one after that %(meeting3)s. Each meeting a member "
             "misses costs %(missed)s. Someone who joined later only counts meetings after they joined."),
    tie_words={MEETING_TIE: N_("meetings together")}, tie=_ties,
    review_chart=ReviewChart("attendance", N_("Level 3: who came to each meeting"), f"{__name__}.chart:review_chart")))
