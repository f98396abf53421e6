"""The Reciprocity Game's scoring, as pure pandas over the ledger's events.

Inputs are two frames read straight from storage:

* ``events``: id, kind, group_id, date (datetime64), ref_id, outcome, private
* ``participants``: event_id, member_id, role, data (what each part says, by name; see ``rules.Part``)

Every function is vectorised over the whole history and depends only on the events, never on the
order they were recorded in. What each level awards, and docs/rules.md's numbers, are in ``levels``: here
are the parts every level's rule is built from, the game's ties between members, and trust over time
(``trust_over_time`` by day, ``cumulative`` thinned to what a chart can hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from .storage import voided_in

if TYPE_CHECKING:
    from .levels import Level

AWARD_COLUMNS = ["date", "group_id", "member_id", "level", "points", "event_id", "reason"]
AWARD_DTYPES = ["datetime64[us]", "int64", "int64", "int64", "int64", "int64", object]  # days, as the events hold them
MEMBERSHIP_KINDS = ("group_created", "member_joined", "member_left")
_BEGINNING = pd.Timestamp("1900-01-01")


def live(events: pd.DataFrame) -> pd.DataFrame:
    """Events that no void event cancels (``storage.voided_in``)."""
    return events[~events["id"].isin(voided_in(events))]


def _roles(participants: pd.DataFrame, events: pd.DataFrame, role: str) -> pd.DataFrame:
    """Participants with a role in the given events, joined to the event's id, group and date."""
    p = participants[participants["role"] == role]
    return p.merge(events[["id", "group_id", "date"]], left_on="event_id", right_on="id")


def _awards(df: pd.DataFrame, level: int, points, reason) -> pd.DataFrame:
    out = df[["date", "group_id", "member_id", "event_id"]].copy()
    out["level"] = level
    out["points"] = points
    out["reason"] = reason
    return out[AWARD_COLUMNS]


@dataclass
class History:
    """The history a level's award rule reads: the live events and their participants, and every
    event as recorded (membership over time needs the voided ones' places too)."""

    events: pd.DataFrame
    parts: pd.DataFrame
    all_events: pd.DataFrame
    all_participants: pd.DataFrame

    @classmethod
    def of(cls, events: pd.DataFrame, participants: pd.DataFrame) -> "History":
        ev = live(events)
        return cls(ev, participants[participants["event_id"].isin(ev["id"])], events, participants)

    def of_kind(self, kind: str) -> pd.DataFrame:
        return self.events[self.events["kind"] == kind]

    def roles(self, events: pd.DataFrame, role: str) -> pd.DataFrame:
        """The participants with ``role`` in ``events``, each with the event's id, group and date."""
        return _roles(self.parts, events, role)

    @staticmethod
    def award(people: pd.DataFrame, level: "Level", points, reason) -> pd.DataFrame:
        """Awards of ``points`` (one value, or one per row) at ``level`` to each row's member."""
        return _awards(people, level.number, points, reason)


def membership_changes(events: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Every join and departure: group_id, member_id, date, in_group, event_id (sorted by date).

    Founding members are dated at the beginning of time so they count for every meeting.
    """
    ev = live(events)
    ev = ev[ev["kind"].isin(MEMBERSHIP_KINDS)]
    m = _roles(participants, ev, "member").merge(ev[["id", "kind"]], on="id")
    m["date"] = m["date"].where(m["kind"] != "group_created", _BEGINNING)
    m["in_group"] = m["kind"] != "member_left"
    return m[["group_id", "member_id", "date", "in_group", "event_id"]].sort_values(["date", "event_id"], kind="stable")


def points(events: pd.DataFrame, participants: pd.DataFrame, levels: Iterable["Level"]) -> pd.DataFrame:
    """One row per award of each of ``levels``: date, group_id, member_id, level, points, event_id, reason."""
    history = History.of(events, participants)
    # Each level's award hook is asked itself, given its level (for its points): no registry code between.
    frames = [frame for level in levels for frame in level.award(history, level)]
    del history  # the awards are all that is needed from here on: at a million events, every copy is 100s of MB
    return _stack(frames)


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The awards of every level as one frame, sorted by date, event, member and level.

    Built column by column, each column freed from the parts as it is joined: a concat, a cast and
    a sort of whole frames held four copies of millions of awards at once (benchmarks/scale.py).
    """
    columns = {}
    for col, dtype in zip(AWARD_COLUMNS, AWARD_DTYPES):
        values = [f.pop(col).to_numpy() for f in frames if len(f)]
        columns[col] = np.concatenate(values).astype(dtype, copy=False) if values else np.array([], dtype=dtype)
    frames.clear()
    order = np.lexsort((columns["level"], columns["member_id"], columns["event_id"], columns["date"]))
    return pd.DataFrame({col: columns.pop(col)[order] for col in AWARD_COLUMNS})


class Pairs:
    """What a level's ``tie`` hook builds its ties from: the live events, and the members with a role
    in them (as whatever integer codes the participants carry)."""

    def __init__(self, events: pd.DataFrame, participants: pd.DataFrame):
        self.events = events
        self._event_ids, self._members = participants["event_id"].to_numpy(), participants["member_id"].to_numpy()
        self._role = participants["role"]

    def of_kind(self, kind: str) -> pd.Series:
        """The ids of the live events of a kind."""
        return self.events.loc[self.events["kind"] == kind, "id"]

    def named(self, role_name: str, events_of) -> pd.DataFrame:
        """event_id, m: the members with ``role_name`` in the events ``events_of`` (ids)."""
        with_role = np.flatnonzero((self._role == role_name).to_numpy())  # first: the events are looked up among few rows
        keep = with_role[np.isin(self._event_ids[with_role], np.asarray(events_of, dtype=np.int64))]
        return pd.DataFrame({"event_id": self._event_ids[keep], "m": self._members[keep]})

    @staticmethod
    def same_event(people: pd.DataFrame) -> pd.DataFrame:
        return _same_event(people)

    @staticmethod
    def pairs(p: pd.DataFrame, kind: str, directed: bool = False) -> pd.DataFrame:
        return _pairs(p, kind, directed)


def ties(events: pd.DataFrame, participants: pd.DataFrame, levels: Iterable["Level"]) -> pd.DataFrame:
    """Every tie docs/rules.md counts between two members, as each of ``levels`` finds them (its
    ``tie`` hook): date, group_id, event_id, kind, source, target. A directed tie goes from source to
    target; the others list each pair once with source < target (as member ids, or whatever integer
    codes the participants carry). ``kind`` is categorical, in the order the levels declare theirs.
    """
    levels = list(levels)
    ev = live(events)
    pairs = Pairs(ev, participants)
    found = [_pairs(pd.DataFrame({"event_id": [], "a": [], "b": []}, dtype="int64"), "", directed=True)]
    found += [frame for level in levels for frame in level.ties(pairs)]
    out = pd.concat(found, ignore_index=True)
    del found
    at = pd.Index(ev["id"]).get_indexer(out["event_id"])
    dates = ev["date"].to_numpy()[at]
    order = np.lexsort((out["event_id"].to_numpy(), dates))
    at = at[order]
    kinds = [kind for level in levels for kind in level.tie_words]
    # Column by column, each freed once taken: millions of ties at a million events.
    return pd.DataFrame({
        "date": dates[order],
        "group_id": ev["group_id"].to_numpy()[at],
        "event_id": out.pop("event_id").to_numpy()[order],
        "kind": pd.Categorical(out.pop("kind"), categories=kinds)[order],
        "source": out.pop("source").to_numpy()[order],
        "target": out.pop("target").to_numpy()[order],
    })


def _same_event(people: pd.DataFrame) -> pd.DataFrame:
    """Unordered pairs (a < b) of members named on the same event.

    With the rows in event order, positions ``gap`` apart in one event make every pair once, so
    the pairs are built a gap at a time: a self-join first made every ordered pair and every
    member with itself, millions of rows to throw away at a million events.
    """
    p = people.drop_duplicates().sort_values("event_id", kind="stable")
    event, member = p["event_id"].to_numpy(), p["m"].to_numpy()
    found = [pd.DataFrame({"event_id": event[:0], "a": member[:0], "b": member[:0]})]
    for gap in range(1, len(p)):
        same = event[gap:] == event[:-gap]
        if not same.any():
            break
        a, b = member[:-gap][same], member[gap:][same]
        found.append(pd.DataFrame({"event_id": event[gap:][same], "a": np.minimum(a, b), "b": np.maximum(a, b)}))
    return pd.concat(found, ignore_index=True)


def _pairs(p: pd.DataFrame, kind: str, directed: bool = False) -> pd.DataFrame:
    a, b = p["a"].to_numpy(), p["b"].to_numpy()
    keep = a != b
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    return pd.DataFrame({"event_id": p["event_id"].to_numpy()[keep], "kind": kind, "source": a[keep],
                         "target": b[keep]})


def trust_over_time(awards: pd.DataFrame, by: str = "member") -> pd.DataFrame:
    """Cumulative points by date, per (group, member) or per group.

    Columns: date, group_id, [member_id,] points (earned that day), cumulative.
    """
    keys = ["group_id", "member_id"] if by == "member" else ["group_id"]
    daily = awards.groupby(keys + ["date"], as_index=False, sort=True)["points"].sum()
    daily["cumulative"] = daily.groupby(keys, sort=False)["points"].cumsum()
    return daily[["date"] + keys + ["points", "cumulative"]]


# --- trust over time, as a chart can hold it -------------------------------------------------------
# The trust chart of every level page, of a member's phone, of the review and of the season report
# draws a running total from awards; a long history is thinned here, where the totals are made, so no
# chart carries more than MAX_ROWS.

MAX_ROWS = 5000
# Bucket sizes tried in turn until the rows fit; None keeps one row per day.
FREQS = (None, "W", "M", "Q", "Y")
FREQ_WORDS = {None: "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def period_end(dates: pd.Series, freq: str | None) -> pd.Series:
    """The last day of each date's period (a point on a cumulative line is 'as of' that day)."""
    if freq is None:
        return dates
    return dates.dt.to_period(freq).dt.end_time.dt.normalize()


def largest(totals: pd.Series, n: int, keep=()) -> list:
    """The ``n`` largest by absolute value (ties by name), always including ``keep``."""
    order = sorted(totals.index, key=lambda k: (-abs(totals[k]), str(k).casefold(), str(k)))
    chosen = [k for k in order if k in set(keep)]
    return (chosen + [k for k in order if k not in set(chosen)])[:max(n, len(chosen))]


def cumulative(points: pd.DataFrame, key: str = "member", start=None, end=None, max_series: int = 12,
               max_rows: int = MAX_ROWS, keep=(), everyone=()) -> pd.DataFrame:
    """Running total of points per member (or per ``key``) from ``points`` rows (date, key, points).

    The total counts everything before ``start`` too (trust is all that was built so far); rows
    are the window's dates. Each of ``everyone`` who has no points by ``end`` gets one row at 0 (on
    ``start``, else the first day drawn): a member who has not scored yet is still in the crew.
    Returns date, <key>, points (earned in the bucket), cumulative; the frame's ``attrs`` say the
    bucket size ("day", "week", ...) and how many series were left out.
    """
    start = None if start is None else pd.Timestamp(start)
    end = None if end is None else pd.Timestamp(end)
    pts = points[[key, "date", "points"]]
    if end is not None:
        pts = pts[pts["date"] <= end]
    totals = pts.groupby(key, sort=False, observed=True)["points"].sum()
    nothing = [k for k in dict.fromkeys(everyone) if k not in totals.index]
    totals = pd.concat([totals, pd.Series(0, index=pd.Index(nothing, dtype=object), dtype=totals.dtype)])
    shown = largest(totals, max_series, keep=[k for k in keep if k in totals.index])
    pts = pts[pts[key].isin(shown)]
    for freq in FREQS:
        per = pts.groupby([key, period_end(pts["date"], freq)], sort=True)["points"].sum().reset_index()
        per["cumulative"] = per.groupby(key, sort=False)["points"].cumsum()
        if start is not None:
            before = per[per["date"] < start].groupby(key, sort=True).tail(1).copy()
            before["date"], before["points"] = start, 0
            per = pd.concat([before, per[per["date"] >= start]], ignore_index=True)
        if end is not None:
            per["date"] = per["date"].clip(upper=end)
        if len(per) <= max_rows:
            break
    zeros = [k for k in nothing if k in shown]
    if zeros:
        day = start if start is not None else per["date"].min() if len(per) else end
        day = pd.Timestamp.today().normalize() if day is None or pd.isna(day) else day
        per[key] = per[key].astype(object)  # a category would refuse the new names
        per = pd.concat([per, pd.DataFrame({key: zeros, "date": day, "points": 0, "cumulative": 0})],
                        ignore_index=True)
    per = per.sort_values([key, "date"], kind="stable").reset_index(drop=True)[["date", key, "points", "cumulative"]]
    per.attrs = {"bucket": FREQ_WORDS[freq], "left_out": len(totals) - len(shown)}
    return per
