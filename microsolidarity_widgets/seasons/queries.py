"""Where a crew is in its season, and what it did since its last retrospective: read from the ledger as
pandas, for the retrospective page, the crew page, the review, or a crew's own notebook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .. import i18n, levels
from ..ledger import Ledger
from ..values import clean_date, name_key
from .rules import COLUMNS

SEASON_KINDS = ("season", "retrospective", "reflection", "reflections_revealed", "topic", "vote", "action",
                "action_reviewed", "season_decided")


def _day(on) -> pd.Timestamp:
    return pd.Timestamp(clean_date(dt.date.today() if on is None else on))


def _live(ledger: Ledger, group: str | None = None, include_private: bool = False) -> pd.DataFrame:
    """The season's events that stand (each with its group), texts only when asked."""
    every = ledger.events(include_private=include_private)
    gone = set(every.loc[every["voided"], "id"])
    ev = every[every["kind"].isin(SEASON_KINDS) & ~every["voided"]]
    # What belongs to an undone retrospective, topic or action is undone with it: a reflection or vote
    # of a retrospective that never was counts for nothing.
    belongs = ev["kind"].isin(["reflection", "reflections_revealed", "topic", "vote", "action", "action_reviewed"])
    for _ in range(2):  # a vote -> its topic -> its retrospective
        gone |= set(ev.loc[belongs & ev["ref_id"].isin(gone), "id"])
    # and a review said in an undone retrospective (rules.reviewed_in_undone)
    reviews = ev[ev["kind"] == "action_reviewed"]
    gone |= set(reviews.loc[reviews["data"].map(lambda d: d.get("retrospective") in gone), "id"])
    ev = ev[~ev["id"].isin(gone)]
    if group is not None:
        ev = ev[ev["group"] == ledger.group_name(group)]
    return ev


def closed_crews(ledger: Ledger) -> dict[str, pd.Timestamp]:
    """{crew: the day it closed} for every crew that decided to close."""
    return _closed(_live(ledger))


def _closed(ev: pd.DataFrame) -> dict[str, pd.Timestamp]:
    closed = ev[(ev["kind"] == "season_decided") & (ev["outcome"] == "close")]
    return dict(zip(closed["group"], closed["date"]))


def seasons(ledger: Ledger, group: str) -> pd.DataFrame:
    """The crew's seasons, in order: id, start, end, retrospectives (the planned days)."""
    return _seasons(_live(ledger, group))


def _seasons(ev: pd.DataFrame) -> pd.DataFrame:
    rows = ev[ev["kind"] == "season"].sort_values("date")
    return pd.DataFrame({"id": rows["id"], "start": rows["date"],
                         "end": pd.to_datetime(rows["data"].str["end"]),
                         "retrospectives": rows["data"].str["retrospectives"].map(
                             lambda days: [pd.Timestamp(d) for d in days])}).reset_index(drop=True)


def retrospectives(ledger: Ledger, group: str) -> pd.DataFrame:
    """The crew's retrospectives held: id, date, votes (each member's), reflections (how many), revealed,
    started (the day, here, the facilitator started it: after its date for one recorded afterwards)."""
    return _retrospectives(_live(ledger, group))


def _retrospectives(ev: pd.DataFrame) -> pd.DataFrame:
    retros = ev[ev["kind"] == "retrospective"].sort_values(["date", "id"])
    per = ev[ev["kind"] == "reflection"].groupby("ref_id").size()
    shown = set(ev.loc[ev["kind"] == "reflections_revealed", "ref_id"])
    started = retros["recorded_at"].map(lambda at: pd.Timestamp(dt.datetime.fromisoformat(at).astimezone().date()))
    return pd.DataFrame({"id": retros["id"], "date": retros["date"], "votes": retros["data"].str["votes"],
                         "reflections": retros["id"].map(per).fillna(0).astype(int),
                         "revealed": retros["id"].isin(shown),
                         "started": started.astype("datetime64[ns]")}).reset_index(drop=True)


@dataclass(frozen=True)
class Standing:
    """Where a crew is in its season on a day."""

    group: str
    day: pd.Timestamp
    season: int | None                    # 1 for its first season; None before any
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    planned: list[pd.Timestamp]           # the season's retrospective days
    held: list[pd.Timestamp]              # retrospectives held in the season so far
    next_retrospective: pd.Timestamp | None
    closed: pd.Timestamp | None           # the day the crew closed, once it did

    @property
    def status(self) -> str:
        if self.closed is not None and self.day >= self.closed:
            return "closed"
        if self.season is None:
            return "no season"
        return "ended" if self.day > self.end else "in season"

    def words(self, w: i18n.Words | None = None) -> str:
        """One plain sentence for a page, in ``w``'s language (the facilitator's by default)."""
        w = w or i18n.words()
        said = {"crew": self.group}
        if self.status == "closed":
            return w._("%(crew)s closed on %(day)s; its history and points stay.", day=w.date(self.closed), **said)
        if self.status == "no season":
            return w._("%(crew)s has not agreed a season yet. To agree one (when it starts, when it ends and when "
                       "its retrospectives are), open the Retrospective page.", **said)
        if self.status == "ended":
            return w._("%(crew)s's season %(season)s ended on %(day)s: time to decide whether to continue, change "
                       "or close.", season=w.number(self.season), day=w.date(self.end), **said)
        week, weeks = (self.day - self.start).days // 7 + 1, -(-(self.end - self.start).days // 7)
        text = w._("%(crew)s is in week %(week)s of %(weeks)s of season %(season)s, which started on %(start)s "
                   "and ends on %(day)s.", week=w.number(week), weeks=w.number(weeks), season=w.number(self.season),
                   start=w.date(self.start), day=w.date(self.end), **said)
        if self.next_retrospective is not None:
            days = (self.next_retrospective - self.day).days
            text += " " + (w._("The retrospective is today.") if days == 0 else
                           w.ngettext("Next retrospective: %(day)s, in %(num)s day.",
                                      "Next retrospective: %(day)s, in %(num)s days.", days,
                                      day=w.date(self.next_retrospective)))
        return text


def standing(ledger: Ledger, group: str, on=None) -> Standing:
    """Where ``group`` is in its season on ``on`` (default today)."""
    day, name = _day(on), ledger.group_name(group)
    ev = _live(ledger)
    return _standing(ev[ev["group"] == name], name, day, _closed(ev).get(name))


def standings(ledger: Ledger, on=None, events: pd.DataFrame | None = None) -> list[Standing]:
    """Where every crew is in its season on ``on`` (default today), in the ledger's order of crews; the
    ledger is read once, however many crews and seasons it holds. ``events``: ``ledger.events(texts=False)``
    when the caller has read it already; with no season in it, nothing more is read (a long history
    of crews that never agreed one costs no second read)."""
    day, groups = _day(on), ledger.groups()
    crews = groups.loc[groups["kind"] == "crew", "group"]
    if events is not None and not (events["kind"] == "season").any():
        return [Standing(name, day, None, None, None, [], [], None, None) for name in crews]
    ev = _live(ledger)
    closed, by_group = _closed(ev), dict(tuple(ev.groupby("group", sort=False)))
    return [_standing(by_group.get(name, ev.iloc[0:0]), name, day, closed.get(name))
            for name in crews]


def _standing(ev: pd.DataFrame, name: str, day: pd.Timestamp, closed: pd.Timestamp | None) -> Standing:
    all_seasons = _seasons(ev)
    started = all_seasons[all_seasons["start"] <= day]
    if started.empty:
        return Standing(name, day, None, None, None, [], [], None, closed)
    current = started.iloc[-1]
    held = _retrospectives(ev)["date"]
    held = [d for d in held if current["start"] <= d <= day]
    coming = [d for d in current["retrospectives"] if d >= day and d not in held]
    return Standing(name, day, len(started), current["start"], current["end"], current["retrospectives"], held,
                    coming[0] if coming and closed is None else None, closed)


def reflections(ledger: Ledger, retrospective: int, viewer: str | None = None,
                include_private: bool = False) -> pd.DataFrame:
    """A retrospective's reflections: id, member, column, words, typed_by_facilitator, topic.

    Nobody's words show before the reveal, except the ``viewer``'s own; after it, everyone's do on the
    crew's pages. ``include_private`` shows them all (and is what an export needs to carry them)."""
    ev = _live(ledger, include_private=True)
    rows = ev[(ev["kind"] == "reflection") & (ev["ref_id"] == retrospective)].sort_values("id")
    revealed = ((ev["kind"] == "reflections_revealed") & (ev["ref_id"] == retrospective)).any()
    topic = {rid: t for t, ids in zip(ev.loc[ev["kind"] == "topic", "id"], ev.loc[ev["kind"] == "topic", "data"])
             for rid in ids["reflections"]}
    mine = rows["members"].map(name_key) == (name_key(viewer) if viewer else None)
    seen = include_private or revealed
    shown_to = (mine | seen).to_numpy()
    words = [(t or {}).get("words") if ok else None for t, ok in zip(rows["texts"], shown_to)]
    return pd.DataFrame({"id": rows["id"], "member": rows["members"], "column": rows["data"].str["column"],
                         "words": pd.Series(words, index=rows.index, dtype=object),
                         "typed_by_facilitator": rows["data"].map(lambda d: bool(d.get("typed_by_facilitator"))),
                         "topic": rows["id"].map(topic).astype("Int64")}).reset_index(drop=True)


def topics(ledger: Ledger, retrospective: int) -> pd.DataFrame:
    """A retrospective's topics, most votes first: id, title, reflections (ids), votes."""
    ev = _live(ledger, include_private=True)
    rows = ev[(ev["kind"] == "topic") & (ev["ref_id"] == retrospective)]
    cast = ev[ev["kind"] == "vote"]
    votes = cast["data"].str["votes"].groupby(cast["ref_id"].to_numpy()).sum()
    out = pd.DataFrame({"id": rows["id"], "title": rows["texts"].map(lambda t: (t or {}).get("title")),
                        "reflections": rows["data"].str["reflections"],
                        "votes": rows["id"].map(votes).fillna(0).astype(int)})
    return out.sort_values(["votes", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def votes_left(ledger: Ledger, retrospective: int, member: str) -> int:
    """How many votes ``member`` still has in a retrospective."""
    ev = _live(ledger)
    retro = ev[ev["id"] == retrospective]
    if retro.empty:
        return 0
    topic_ids = ev.loc[(ev["kind"] == "topic") & (ev["ref_id"] == retrospective), "id"]
    cast = ev[(ev["kind"] == "vote") & ev["ref_id"].isin(topic_ids) & (ev["members"].map(name_key) == name_key(member))]
    return int(retro["data"].iloc[0]["votes"]) - int(cast["data"].str["votes"].sum())


def actions(ledger: Ledger, group: str, retrospective: int | None = None, include_private: bool = False) -> pd.DataFrame:
    """The crew's actions (of one retrospective, if given): id, retrospective, date, owner, due, what (a
    private text: None unless asked for), done (True, False, or <NA> until reviewed)."""
    ev = _live(ledger, group, include_private=include_private)
    rows = ev[ev["kind"] == "action"]
    if retrospective is not None:
        rows = rows[rows["ref_id"] == retrospective]
    reviews = ev[ev["kind"] == "action_reviewed"]
    done = pd.Series((reviews["outcome"] == "done").to_numpy(), index=reviews["ref_id"].to_numpy(), dtype="boolean")
    return pd.DataFrame({"id": rows["id"], "retrospective": rows["ref_id"], "date": rows["date"],
                         "owner": rows["members"], "due": pd.to_datetime(rows["data"].str["due"]),
                         "what": rows["texts"].map(lambda t: None if t is None else t.get("what")),
                         "done": rows["id"].map(done).astype("boolean")}).reset_index(drop=True)


@dataclass(frozen=True)
class SinceLast:
    """What a crew did between its last retrospective (or its start) and a day."""

    group: str
    since: pd.Timestamp | None     # the last retrospective's day; None: since the crew began
    until: pd.Timestamp
    points: pd.DataFrame           # member x "1 Listening"… and total, in the period
    meetings: int
    attendance: pd.DataFrame       # member, attended, missed, streak (at the latest meeting)
    conflicts_opened: int
    conflicts_closed: int
    actions: pd.DataFrame          # the last retrospective's actions, done or not (see ``actions``)


def since_last(ledger: Ledger, group: str, on=None, include_private: bool = False) -> SinceLast:
    """What ``group`` did since its last retrospective before ``on`` (default today), from the ledger's
    points, meetings and conflicts: what a retrospective opens with."""
    until, name = _day(on), ledger.group_name(group)
    held = retrospectives(ledger, name)
    held = held[held["date"] < until]
    since = held["date"].iloc[-1] if not held.empty else None

    def within(dates: pd.Series) -> pd.Series:
        return (dates <= until) & (dates > since if since is not None else True)

    awards = ledger.points()
    awards = awards[(awards["group"] == name) & within(awards["date"])]
    labels = levels.labels()
    points = awards.pivot_table(index="member", columns="level", values="points", aggfunc="sum", fill_value=0)
    points = points.reindex(columns=list(labels), fill_value=0).rename(columns=labels)
    points["total"] = points.sum(axis=1)
    att = ledger.table("attendance", name)
    att = att[within(att["date"])]
    by = att.groupby("member")
    attendance = pd.DataFrame({"attended": by["attended"].sum().astype(int),
                               "missed": (~att["attended"]).groupby(att["member"]).sum().astype(int),
                               "streak": by["streak"].last().astype(int)}).rename_axis("member").reset_index()
    conflicts = ledger.table("conflicts", name)
    last_actions = actions(ledger, name, int(held["id"].iloc[-1]), include_private) if since is not None else \
        actions(ledger, name, include_private=include_private).iloc[0:0]
    return SinceLast(name, since, until, points.sort_values("total", ascending=False, kind="stable"),
                     int(att["event_id"].nunique()), attendance, int(within(conflicts["date"]).sum()),
                     int(within(conflicts["closed"].dropna()).sum()), last_actions)


__all__ = ["COLUMNS", "SinceLast", "Standing", "actions", "closed_crews", "reflections", "retrospectives", "seasons",
           "since_last", "standing", "standings", "topics", "votes_left"]
