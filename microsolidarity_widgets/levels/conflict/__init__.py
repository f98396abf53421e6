"""Level 4, Conflict: a hurt between members, opened for repair and closed, resolved or not.

Everything of the level is here: its two events and their rules, its award and ties, its words,
prompts and card, how a record of it is named (a closing by the people of the conflict it closes);
its page is ``page.py`` (docs/rules.md, "Level 4").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ... import rules
from ...errors import LedgerError
from ...i18n import N_, _
from ...rules import Day, Entry, Event, InGroup, Names, Part, State, given, text
from ...scoring import History, Pairs
from ...storage import names_per_event
from ...values import clean_date, clean_text, shown
from .. import Level, register

PARTY = "party"  # each member the conflict is between
RESOLVED, UNRESOLVED = OUTCOMES = ("resolved", "unresolved")
CONFLICT_TIE = "conflict"


def open_conflict(state: State, group, on, parties, description=None) -> Entry:
    """A hurt between members, to be repaired; scores only when it is closed."""
    g, on, names = rules.some_of(state, group, on, parties, "party",
                                 "A conflict is between at least 2 members of the group.")
    return Entry(ConflictOpened.kind, on, group=g.name, private=True,
                 texts=given(description=clean_text(description, "description")),
                 parts=[Part(n, PARTY) for n in names])


def close_conflict(state: State, conflict_id, on, outcome, note=None) -> Entry:
    opened = state.event(conflict_id)
    if opened.kind != ConflictOpened.kind:
        raise LedgerError(_("That record is not a conflict: choose a conflict to close."))
    # Named by its people and its day, as the pages list conflicts (row ids mean nothing to anyone).
    which = ConflictOpened.words(state, opened)
    if state.void_of(opened.id):
        raise LedgerError(_("%(conflict)s was undone; there is nothing to close.", conflict=which))
    on = clean_date(on)
    if on.isoformat() < opened.on_date:
        raise LedgerError(_("%(conflict)s was opened on %(day)s; it cannot close before that.", conflict=which,
                            day=opened.on_date))
    if outcome not in OUTCOMES:
        raise LedgerError(_("A conflict closes as “%(resolved)s” or “%(unresolved)s”, not “%(outcome)s”.",
                            resolved=RESOLVED, unresolved=UNRESOLVED, outcome=shown(outcome)))
    if state.live(ConflictClosed.kind, ref_id=opened.id):
        raise LedgerError(_("%(conflict)s is already closed.", conflict=which))
    return Entry(ConflictClosed.kind, on, group=state.group_name(opened.group_id), ref_id=opened.id, outcome=outcome,
                 texts=given(note=clean_text(note)), private=True)


@dataclass(frozen=True)
class ConflictOpened(InGroup):
    """Level 4: a hurt between members, opened for repair."""

    kind = "conflict_opened"
    parties: Names
    description: str | None = text("description")
    rule = open_conflict
    roles = {PARTY: N_("between")}

    @classmethod
    def words(cls, state: State, row: sa.Row) -> str:
        """"The conflict between Ama and Bo opened on 2026-02-05"."""
        names = sorted((p.name for p in state.parts(row.id) if p.role == PARTY), key=str.casefold)
        between = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        return f"The conflict between {between} opened on {row.on_date}"

    @classmethod
    def unvoidable(cls, state: State, row: sa.Row) -> str | None:
        if state.live(ConflictClosed.kind, ref_id=row.id):
            return f"{cls.words(state, row)} has been closed: void the closing first."
        return None


@dataclass(frozen=True)
class ConflictClosed(Event):
    """Level 4: an open conflict (the id of its opening) closed, resolved or not."""

    kind = "conflict_closed"
    conflict_id: int
    on: Day
    outcome: str
    note: str | None = text()
    rule = close_conflict
    # A conflict closes once: a second closing is a history problem (rules.history_problems).
    once = ("closed twice", lambda on, ref_id, called: ref_id,
            N_("conflict {ref_id} would be closed twice (events {first} and {eid})"))

    @classmethod
    def told(cls, row) -> str:
        return f"{super().told(row)} ({row['outcome']})"

    @classmethod
    def people_of(cls, row) -> int:
        """Its people are those of the conflict it closes (a closing names no one itself)."""
        return int(row["ref_id"]) if pd.notna(row["ref_id"]) else row.name


# The awards' reasons (their keys, in English; ``Level.reasons``).
RESOLVED_REASON, UNRESOLVED_REASON = N_("conflict resolved"), N_("conflict closed unresolved")


def _award(h: History, level: Level) -> list[pd.DataFrame]:
    ev, p = h.events, level.points
    opened = ev.loc[ev["kind"] == ConflictOpened.kind, ["id"]]
    closes = ev.loc[(ev["kind"] == ConflictClosed.kind) & ev["ref_id"].isin(opened["id"]),
                    ["id", "date", "ref_id", "outcome"]]
    parties = h.parts.loc[h.parts["role"] == PARTY, ["event_id", "member_id"]].merge(
        ev[["id", "group_id"]], left_on="event_id", right_on="id").drop(columns=["id"])
    # Scored on the day it closes, as the closing's award: the opening scores nothing.
    closed = closes.rename(columns={"id": "close_id"}).merge(parties, left_on="ref_id", right_on="event_id")
    closed["event_id"] = closed["close_id"]
    resolved = closed["outcome"] == RESOLVED
    return [h.award(closed, level, np.where(resolved, p["resolved"], p["unresolved"]),
                    np.where(resolved, RESOLVED_REASON, UNRESOLVED_REASON))]


def _ties(t: Pairs) -> list[pd.DataFrame]:
    """Both parties of a conflict closed as resolved, dated when it was resolved."""
    ev = t.events
    closes = ev[(ev["kind"] == ConflictClosed.kind) & (ev["outcome"] == RESOLVED)]
    closes = closes[closes["ref_id"].isin(t.of_kind(ConflictOpened.kind))]
    parties = t.named(PARTY, closes["ref_id"]).merge(
        pd.DataFrame({"event_id": closes["ref_id"].astype("int64").to_numpy(), "close": closes["id"].to_numpy()}))
    return [t.pairs(t.same_event(pd.DataFrame({"event_id": parties["close"], "m": parties["m"]})), CONFLICT_TIE)]


# --- its tables (``ledger.table("conflicts")``) -----------------------------------------------------


def _conflicts(ledger) -> pd.DataFrame:
    """Every conflict (voided ones left out): id, group, date (opened), parties, closed (date or NaT
    while open), outcome."""
    h, names = ledger.history(), ledger.names()
    opened = h.events.loc[h.events["kind"] == ConflictOpened.kind, ["id", "group_id", "date"]]
    closes = h.events.loc[h.events["kind"] == ConflictClosed.kind, ["ref_id", "date", "outcome"]]
    closes = pd.DataFrame({"id": closes["ref_id"].astype("int64"), "closed": closes["date"],
                           "outcome": closes["outcome"].astype("str")})  # a live conflict closes once
    out = opened.merge(closes, on="id", how="left")
    parties = h.parts[(h.parts["role"] == PARTY) & h.parts["event_id"].isin(opened["id"])]
    who = names_per_event(parties["event_id"].to_numpy(), parties["member_id"].to_numpy(), names["member"])
    # Names as text even when there is no conflict yet (an empty map gives numbers): the review,
    # like a crew's own code, splits the parties with .str.
    return pd.DataFrame({"id": out["id"], "group": out["group_id"].map(names["group"]).astype("str"),
                         "date": out["date"], "parties": out["id"].map(who).fillna("").astype("str"),
                         "closed": out["closed"], "outcome": out["outcome"]}).reset_index(drop=True)


def _open_conflicts(ledger) -> pd.DataFrame:
    """Conflicts opened and not yet closed: id, group, date, parties."""
    out = _conflicts(ledger)
    return out.loc[out["closed"].isna(), ["id", "group", "date", "parties"]].reset_index(drop=True)


LEVEL = register(Level(
    4, N_("Conflict"), "#CC6677", events=(ConflictOpened, ConflictClosed),
    tables={"conflicts": _conflicts, "open_conflicts": _open_conflicts},
    points={"resolved": 10, "unresolved": -20}, award=_award, page="05_conflict",
    reasons=(RESOLVED_REASON, UNRESOLVED_REASON),
    folder=Path(__file__).parent, app=f"{__name__}.page:ConflictApp",
    about=N_("A hurt between members, repaired and closed."),
    card=N_("Keep track of a hurt while it is being repaired, and close it once it is settled."),
    # The steps of a repair, in order; the page ticks them off one by one.
    prompts=(N_("The one who caused the hurt apologises."),
             N_("They take responsibility for what happened, without excuses."),
             N_("They try to make it right."),
             N_("The one who was hurt is heard out fully."),
             N_("The one who was hurt forgives, when they are ready.")),
    words=N_("<b>How Level 4 scores.</b> Opening a conflict scores nothing: it is work in progress. When it closes "
             "<b>resolved</b>, each person involved gets %(resolved)s; closed <b>unresolved</b>, each loses "
             "%(unresolved)s. A conflict only ever scores once."),
    tie_words={CONFLICT_TIE: N_("conflicts resolved")}, tie=_ties))
