"""Data for the trust review: what each chart shows, aggregated in pandas, and the summary in words.

Pure pandas, no widgets. Every function takes plain frames (the ones the ``Ledger`` API returns)
so a chart's input can be checked, or generated at scale, without a ledger. Each aggregation
keeps its output under ``scoring.MAX_ROWS`` however long the history is: time is bucketed coarser
(day → week → month → quarter → year) and the number of members shown is capped. Trust over time
(each member's running total, the chart every page draws) is scoring's: ``scoring.cumulative``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from babel import dates

from . import i18n, levels
from .i18n import SOURCE, _, ngettext, words
from .scoring import FREQ_WORDS, FREQS, MAX_ROWS, cumulative, largest, period_end
from .seasons.queries import Standing, standings
from .values import day_words

# Eight colours (a crew has at most 8 members), each at least 3:1 against white, and any two of them
# at least 12 apart (CIEDE2000) with normal vision and as seen with protanopia, deuteranopia or
# tritanopia (tests/test_palettes.py simulates them). From Okabe–Ito and Paul Tol's palettes, with
# black and dark grey; a line also has a shape, so colour is never the only difference.
PALETTE = ["#0072B2", "#D55E00", "#000000", "#555555", "#332288", "#B2182B", "#009E73", "#CC79A7"]


# --- the data a review reads, and what the pickers chose -------------------------------------


@dataclass
class ReviewData:
    """What a review is drawn from, read once from a ledger (or built by hand in tests).

    Only what the charts and the summary use is kept, so a long history fits in memory: no
    events or participants, but the ties (worked out once, not on every change of the pickers),
    the conflicts and the first and last day.
    """

    points: pd.DataFrame        # Ledger.points()
    ties: pd.DataFrame          # Ledger.ties()
    conflicts: pd.DataFrame     # ledger.table("conflicts")
    span: tuple[dt.date, dt.date] | None  # the first and last day anything (not voided) happened
    attendance: pd.DataFrame    # ledger.table("attendance")
    memberships: pd.DataFrame   # Ledger.memberships()
    groups: pd.DataFrame        # Ledger.groups()
    seasons: list[Standing] = field(default_factory=list)  # each crew's season on the day the ledger was read

    @classmethod
    def load(cls, ledger) -> "ReviewData":
        events = ledger.events(texts=False)
        days = events.loc[~events["voided"], "date"]
        span = (days.min().date(), days.max().date()) if len(days) else None
        seasons = standings(ledger, events=events)
        del events, days  # before the next reads: at a million events every frame is 100 MB or more
        # Names, kinds and reasons held as categories (a small code per row instead of a pointer):
        # at a million events these frames hold millions of rows each.
        points = _coded(ledger.points(), "group", "member", "reason")
        ties = _coded(ledger.ties(), "group", "kind", "source", "target")
        attendance = _coded(ledger.table("attendance"), "group", "member")
        return cls(points, ties, ledger.table("conflicts"), span, attendance, ledger.memberships(), ledger.groups(),
                   seasons)

    def group_names(self) -> list[str]:
        return self.groups["group"].tolist()

    def members_of(self, groups) -> list[str]:
        """Everyone who ever belonged to any of the groups (all groups when none is given)."""
        m = self.memberships
        if groups:
            m = m[m["group"].isin(list(groups))]
        return sorted(m["member"].unique().tolist(), key=str.casefold)

    def date_span(self) -> tuple[dt.date, dt.date]:
        """The first and last day of the history (today for an empty ledger)."""
        if self.span is None:
            today = dt.date.today()
            return today, today
        return self.span

    def colours(self) -> dict[str, str]:
        return member_colours(self.memberships)


def _coded(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.astype({col: "category" for col in columns})


@dataclass(frozen=True)
class Selection:
    """What the pickers chose. Empty groups or members mean everyone; dates are inclusive."""

    groups: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    def __post_init__(self):
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, pd.Timestamp(value).normalize())
        object.__setattr__(self, "groups", tuple(self.groups))
        object.__setattr__(self, "members", tuple(self.members))

    def who(self, frame: pd.DataFrame, member_col: str = "member") -> pd.DataFrame:
        """Rows of the chosen groups and members, whatever their date."""
        keep = np.ones(len(frame), dtype=bool)
        if self.groups:
            keep &= frame["group"].isin(self.groups).to_numpy()
        if self.members:
            keep &= frame[member_col].isin(self.members).to_numpy()
        return frame[keep]

    def when(self, frame: pd.DataFrame, col: str = "date") -> pd.DataFrame:
        keep = np.ones(len(frame), dtype=bool)
        if self.start is not None:
            keep &= (frame[col] >= self.start).to_numpy()
        if self.end is not None:
            keep &= (frame[col] <= self.end).to_numpy()
        return frame[keep]


# --- colours ---------------------------------------------------------------------------------


def member_colours(memberships: pd.DataFrame, palette=PALETTE) -> dict[str, str]:
    """One colour per member of the congregation, the same in every chart.

    Members are coloured in sorted order, each taking the first colour no one sharing a group
    with them already has, so the members of one crew or partnership never look alike (a crew
    has at most 8 members, the palette 8 colours).
    """
    pairs = memberships[["group", "member"]].drop_duplicates()
    members = sorted(pairs["member"].unique().tolist(), key=lambda m: (m.casefold(), m))
    mates = pairs.merge(pairs, on="group")
    mates = mates[mates["member_x"] != mates["member_y"]].groupby("member_x")["member_y"].agg(set)
    colours: dict[str, str] = {}
    used = dict.fromkeys(palette, 0)
    for member in members:
        taken = {colours[m] for m in mates.get(member, ()) if m in colours}
        # the least used free colour, so members of different crews also differ where they can
        colour = min((c for c in palette if c not in taken), key=used.get, default=None) or min(palette, key=used.get)
        colours[member] = colour
        used[colour] += 1
    return colours


def cycle_colours(names, palette=PALETTE) -> dict[str, str]:
    ordered = sorted(set(names), key=lambda n: (str(n).casefold(), str(n)))
    return {n: palette[i % len(palette)] for i, n in enumerate(ordered)}


# --- 1. cumulative points per member: ``scoring.cumulative`` (trust over time is scoring's) --------


# --- 2. points per level per month -----------------------------------------------------------


def by_level(points: pd.DataFrame, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Points per level per month (coarser when the history is long), gains and losses apart.

    Losses (missed meetings, conflicts closed unresolved) are their own rows so a stacked bar
    shows them below zero instead of hiding them in a net total. Columns: period, level,
    level_name, sign ("earned"/"lost"), points.
    """
    # Summed per day first: bucketing then works on a few thousand days, not on every award.
    lost = pd.Series(points["points"].to_numpy() < 0, index=points.index, name="lost")
    daily = points.groupby([points["date"], points["level"], lost], sort=False)["points"].sum().reset_index()
    sign = np.where(daily["lost"], "lost", "earned")
    for freq in FREQS[2:]:
        period = daily["date"].dt.to_period(freq).dt.start_time
        out = daily.groupby([period.rename("period"), daily["level"], pd.Series(sign, index=daily.index, name="sign")],
                            sort=True)["points"].sum().reset_index()
        if len(out) <= max_rows:
            break
    out = out[out["points"] != 0].reset_index(drop=True)
    out.insert(2, "level_name", out["level"].map(levels.labels()))
    out.attrs = {"bucket": FREQ_WORDS[freq]}
    return out


# --- 3. groups compared ----------------------------------------------------------------------


def group_growth(points: pd.DataFrame, start=None, end=None, selected=(), max_groups: int = 20,
                 max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Each group's running total by month (or coarser): date, group, points, cumulative, selected."""
    # A point earned by ``end`` counts even though its month ends after ``end`` (the current month,
    # above all): the month's point is drawn on ``end`` itself, which is the last day anything
    # happened when no end is chosen (never a day in the future).
    if end is not None:
        end = pd.Timestamp(end)
        points = points[points["date"] <= end]
    elif len(points):
        end = points["date"].max()
    monthly = points.assign(date=period_end(points["date"], "M").clip(upper=end))
    out = cumulative(monthly, key="group", start=start, end=end, max_series=max_groups, max_rows=max_rows,
                     keep=selected)
    bucket = "month" if out.attrs["bucket"] in ("day", "week") else out.attrs["bucket"]
    out["selected"] = out["group"].isin(list(selected)) if selected else True
    out.attrs = {"bucket": bucket, "left_out": out.attrs["left_out"]}
    return out


# --- 4. ties between members -----------------------------------------------------------------


def tie_strength(ties: pd.DataFrame, members=None, max_members: int = 30, keep=()) -> pd.DataFrame:
    """Member × member tie counts, each pair in both orders (a symmetric matrix).

    Columns: a, b, ties (all kinds), then for each directed kind (``levels.directed_ties``, an
    offer) ``<kind>s_given`` (a to b) and ``<kind>s_received``, then one column per undirected kind,
    in the levels' order. Members are capped at the ``max_members`` with the most ties.
    """
    kinds, directed = list(levels.tie_words()), levels.directed_ties()
    t = ties if members is None else ties[ties["source"].isin(members) & ties["target"].isin(members)]
    counts = t.groupby(["source", "target", "kind"], sort=False, observed=False).size().unstack("kind", fill_value=0)
    # Names held as categories keep every member of the ledger: only pairs with a tie are pairs (a crew
    # with no ties yet showed another crew's members).
    counts = counts[counts.to_numpy().sum(axis=1) > 0]
    counts = counts.reindex(columns=kinds, fill_value=0).reset_index()
    fwd = counts.rename(columns={"source": "a", "target": "b"})
    back = counts.rename(columns={"source": "b", "target": "a"})
    one_way = [column for kind in directed for column in (f"{kind}s_given", f"{kind}s_received")]
    both = pd.concat([fwd.assign(**{f"{k}s_given": fwd[k] for k in directed}, **{f"{k}s_received": 0 for k in directed}),
                      back.assign(**{f"{k}s_given": 0 for k in directed}, **{f"{k}s_received": back[k] for k in directed})],
                     ignore_index=True)
    both = both.drop(columns=directed).groupby(["a", "b"], sort=True).sum().reset_index()
    undirected = [k for k in kinds if k not in directed]
    both["ties"] = both[[*one_way, *undirected]].sum(axis=1)
    per_member = both.groupby("a")["ties"].sum()
    shown = largest(per_member, max_members, keep=[k for k in keep if k in per_member.index])
    both = both[both["a"].isin(shown) & both["b"].isin(shown)].reset_index(drop=True)
    both.attrs = {"members": sorted(shown, key=lambda m: (m.casefold(), m)), "left_out": len(per_member) - len(shown)}
    return both[["a", "b", "ties", *one_way, *undirected]]


# --- 5. Level 3 attendance -------------------------------------------------------------------


def attendance_grid(attendance: pd.DataFrame, max_meetings: int = 36, max_members: int = 40,
                    several_groups: bool | None = None) -> pd.DataFrame:
    """Meetings × members: date, group, member, row (the y label), status, streak, points, mark.

    Only the latest ``max_meetings`` meetings are kept (the grid is a register, not a history);
    ``mark`` is what the cell shows: the streak after an attended meeting, ✗ for a missed one.
    """
    att = attendance
    meetings = att[["event_id", "date"]].drop_duplicates("event_id").sort_values(["date", "event_id"])
    att = att[att["event_id"].isin(meetings["event_id"].tail(max_meetings))]
    if several_groups is None:
        several_groups = att["group"].nunique() > 1
    member, group = att["member"].astype(str), att["group"].astype(str)  # text, not categories: joined below
    rows = (member + " · " + group) if several_groups else member
    out = pd.DataFrame({
        "date": att["date"], "group": group, "member": member, "row": rows,
        "status": np.where(att["attended"], "attended", "missed"), "streak": att["streak"], "points": att["points"],
    })
    out["mark"] = np.where(att["attended"], att["streak"].astype(str), "✗")
    if out["row"].nunique() > max_members:  # the longest streaks stay
        best = out.groupby("row")["streak"].max().sort_values(ascending=False, kind="stable")
        out = out[out["row"].isin(best.index[:max_members])]
    return out.sort_values(["date", "group", "member"], kind="stable").reset_index(drop=True)


def grid_rows(grid: pd.DataFrame) -> list[str]:
    """The grid's row labels in reading order: by group, then member."""
    rows = grid.drop_duplicates("row")
    return sorted(rows["row"], key=dict(zip(rows["row"], zip(rows["group"].astype(str).str.casefold(),
                                                              rows["member"].astype(str).str.casefold()))).get)


def current_streaks(attendance: pd.DataFrame) -> pd.DataFrame:
    """Each member's streak after their latest meeting in each group: group, member, streak, date."""
    last = attendance.sort_values(["date", "event_id"], kind="stable").groupby(["group", "member"], sort=True).tail(1)
    return last[["group", "member", "streak", "date"]].reset_index(drop=True)


# --- 6. each member's totals ------------------------------------------------------------------


def member_totals(points: pd.DataFrame, everyone=()) -> pd.DataFrame:
    """Points per member (rows) and level (columns, by name), with a total, highest first: what a
    crew asks at the end of an evening, on the page and in the report alike. Each of ``everyone``
    has a row, of 0 when they have scored nothing yet (as the phones list them)."""
    table = points.pivot_table(index="member", columns="level", values="points", aggfunc="sum", fill_value=0,
                               observed=True)
    names = levels.labels()
    table.index = table.index.astype(str)
    table = table.reindex(index=list(dict.fromkeys([*table.index, *everyone])), columns=list(names), fill_value=0)
    table.columns = list(names.values())
    table["total"] = table.sum(axis=1)
    table.index.name = "member"
    return table.sort_values(["total"], ascending=False, kind="stable")


def chosen_members(data: ReviewData, sel: Selection) -> list[str]:
    """Everyone the review speaks of: the chosen members, else every member of the chosen groups."""
    return list(sel.members) or data.members_of(sel.groups)


def season_lines(data: ReviewData, sel: Selection, w: i18n.Words | None = None) -> list[str]:
    """Where each chosen crew (every crew when none is chosen) is in its season, one sentence each."""
    return [where.words(w) for where in data.seasons if not sel.groups or where.group in sel.groups]


# --- 7. the summary --------------------------------------------------------------------------


NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _num(n: int) -> str:
    """A count as the summary says it: small ones in words in English ("three meetings"), digits in the
    language's way otherwise (the catalogs spell no numbers)."""
    w = words()
    return NUMBER_WORDS[n] if w.lang == SOURCE and 0 <= n < len(NUMBER_WORDS) else w.number(n)


def _pts(n: int) -> str:
    return ngettext("%(num)s point", "%(num)s points", n)


def _month(day) -> str:
    """"April 2026", "abril de 2026": a month as the language names it (Babel's skeleton)."""
    return dates.format_skeleton("yMMMM", pd.Timestamp(day).date(), locale=words().locale)


def _none(who: str, n: int, span: str) -> str:
    """"Kestrels earned no points…", "Ama and Bo earned no points…": the verb agrees with ``n`` (one group
    or person, or several) in the languages where it does."""
    return ngettext("%(who)s earned no points %(span)s.", "%(who)s earned no points %(span)s.", n, who=who, span=span)


def span_words(first, last) -> str:
    """"from 1 May 2026 to 30 June 2026", or "on 7 December 2026" when both are the same day."""
    first, last = pd.Timestamp(first).date(), pd.Timestamp(last).date()
    if first == last:
        return _("on %(day)s", day=day_words(first))
    return _("from %(first)s to %(last)s", first=day_words(first), last=day_words(last))


def open_conflicts_at(conflicts: pd.DataFrame, end=None) -> pd.DataFrame:
    """Of ``ledger.table("conflicts")``, those opened by ``end`` and not closed by then: id, group, date, parties."""
    if end is None:
        still = conflicts["closed"].isna()
    else:
        end = pd.Timestamp(end)
        still = (conflicts["date"] <= end) & ~(conflicts["closed"] <= end)
    return conflicts.loc[still, ["id", "group", "date", "parties"]].reset_index(drop=True)


def selected_ties(data: ReviewData, sel: Selection) -> pd.DataFrame:
    """Ties in the chosen groups and dates that involve a chosen member."""
    t = sel.when(data.ties)
    if sel.groups:
        t = t[t["group"].isin(sel.groups)]
    if sel.members:
        t = t[t["source"].isin(sel.members) | t["target"].isin(sel.members)]
    return t


def summary(data: ReviewData, sel: Selection) -> list[str]:
    """A few plain sentences about the chosen groups, members and dates (text, not markup)."""
    groups = list(sel.groups) or data.group_names()
    pts = sel.when(sel.who(data.points))
    first, final = (pd.Timestamp(d) for d in data.date_span())
    first, final = sel.start or first, sel.end or final
    w = words()  # the summary is said in the language spoken (``i18n.speaking``)
    span = span_words(first, final)
    lines = [] if groups else [_("Nothing is recorded yet: set up a crew, play a round, and come back.")]
    if sel.members:
        lines.append(_("Showing %(names)s.", names=w.list(sel.members)))
    for group in groups:
        mine = pts[pts["group"] == group]
        if mine.empty:
            lines.append(_none(group, 1, span))
            continue
        month = mine["date"].dt.to_period("M")
        last = mine[month == month.max()]
        if len(last) == len(mine) and first.to_period("M") == final.to_period("M"):
            # the whole window is one month (one evening, above all): its total said once
            lines.append(_("%(group)s earned %(points)s %(span)s.", group=group, points=_pts(int(mine["points"].sum())),
                           span=span))
            continue
        lines.append(_("%(group)s earned %(points)s in %(month)s and %(total)s %(span)s.", group=group,
                       points=_pts(int(last["points"].sum())), month=_month(last["date"].iloc[0]),
                       total=_pts(int(mine["points"].sum())), span=span))
    scored = set(pts["member"].astype(str))
    nothing_yet = [m for m in chosen_members(data, sel) if m not in scored] if groups else []
    if nothing_yet:
        # named as a crew's members are (eight at most); a whole congregation's are counted
        who = (w.list(nothing_yet) if len(nothing_yet) <= 8
               else ngettext("%(num)s member", "%(num)s members", len(nothing_yet)))
        lines.append(_none(who, len(nothing_yet), span))
    streaks = current_streaks(sel.who(sel.when(data.attendance)))
    for group in groups:
        mine = streaks[(streaks["group"] == group) & (streaks["streak"] > 0)]
        if len(mine):
            longest = int(mine["streak"].max())
            best = sorted(mine.loc[mine["streak"] == longest, "member"].astype(str), key=str.casefold)
            streak = ngettext("%(num)s meeting", "%(num)s meetings", longest, num=_num(longest))
            lines.append(_("In %(group)s, %(name)s's streak is %(streak)s.", group=group, name=best[0], streak=streak)
                         if len(best) == 1 else
                         _("In %(group)s, the longest streak is %(streak)s, shared by %(names)s.", group=group,
                           streak=streak, names=w.list(best)))
    conflicts = open_conflicts_at(data.conflicts[data.conflicts["group"].isin(groups)], sel.end)
    if sel.members:
        conflicts = conflicts[conflicts["parties"].str.split(", ").map(lambda ps: bool(set(ps) & set(sel.members)))]
    n = len(conflicts)
    said = (ngettext("%(num)s conflict is open", "%(num)s conflicts are open", n, num=_num(n)) if n
            else _("No conflicts are open"))
    lines.append(said[:1].upper() + said[1:]
                 + (f" ({'; '.join(conflicts['group'] + ': ' + conflicts['parties'])})." if n else "."))
    t = selected_ties(data, sel)
    if len(t):
        # counted per (source, target) first, so the names are compared on a few rows, not on every tie
        pairs = t.groupby(["source", "target"], observed=True).size().reset_index(name="n")
        a, b = pairs["source"].astype(str).to_numpy(), pairs["target"].astype(str).to_numpy()
        strength = pairs.assign(a=np.minimum(a, b), b=np.maximum(a, b)).groupby(["a", "b"])["n"].sum()
        n = int(strength.max())
        strongest = [w.list([a, b]) for a, b in strength.index[strength.to_numpy() == n]]
        ties = ngettext("%(num)s tie", "%(num)s ties", n, num=_num(n))
        lines.append(_("The strongest tie is between %(pair)s: %(ties)s.", pair=strongest[0], ties=ties)
                     if len(strongest) == 1 else
                     _("The strongest ties, %(ties)s each, are between %(pairs)s.", ties=ties,
                       pairs="; ".join(strongest)))
    return lines
