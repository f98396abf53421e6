"""Altair charts of trust building over time. Each function returns an ``alt.Chart``.

Data is aggregated in pandas (``review``) before it reaches Vega, so a chart's size does not grow
with the ledger's history: no chart carries more than ``scoring.MAX_ROWS`` rows. Members keep one
colour everywhere (``review.member_colours``); pass the same ``colours`` mapping to every chart.
"""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import platformdirs
from babel import dates

from . import i18n, levels, review, scoring
from .review import ReviewData, Selection
from .i18n import N_, _, ngettext

WIDTH = "container"

READABLE = 16  # px: the smallest type in a chart, read on a projector from the back of a room
# Each member (or group) also has a shape on its line's points, so no line is told apart by colour alone.
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right", "triangle-left"]


def _scale(names, colours) -> alt.Scale:
    """A colour scale fixed to ``colours``, listing only the names the chart shows."""
    colours = colours or review.cycle_colours(names)
    names = sorted(set(names), key=lambda n: (str(n).casefold(), str(n)))
    return alt.Scale(domain=names, range=[colours[n] for n in names])


def _level_scale() -> alt.Scale:
    """Each level in its own colour, in playing order."""
    return alt.Scale(domain=list(levels.labels().values()), range=levels.colours())


def _shapes(names) -> alt.Scale:
    names = sorted(set(names), key=lambda n: (str(n).casefold(), str(n)))
    return alt.Scale(domain=names, range=[SHAPES[i % len(SHAPES)] for i in range(len(names))])


def _span(dates: pd.Series) -> str:
    if dates.empty:
        return _("nothing recorded yet")
    return review.span_words(dates.min(), dates.max())


# Up to this many points from the lowest tick to the highest, every whole number gets its tick.
EVERY_POINT = 10


def _points_axis(values=(), **kwargs) -> alt.Axis:
    """An axis of points, ``values`` the highest and lowest drawn: whole numbers only (a point is never
    split), "1" rather than "0.2, 0.4…". Vega's ``tickMinStep`` alone still halves a short scale (it
    allows one tick more than the span holds: 0, 0.5, 1), so a short one is given its ticks."""
    values = pd.Series(values, dtype=float).dropna()
    low = int(np.floor(min(0.0, values.min()))) if len(values) else 0
    high = int(np.ceil(max(1.0, values.max()))) if len(values) else 1
    if high - low <= EVERY_POINT:
        kwargs["values"] = list(range(low, high + 1))
    return alt.Axis(tickMinStep=1, format="d", **kwargs)


def _stacked(data: pd.DataFrame, by: str) -> pd.Series:
    """The ends of stacked bars (gains up, losses down), for ``_points_axis``."""
    if data.empty:
        return pd.Series(dtype=float)
    up = data["points"].clip(lower=0).groupby(data[by]).sum()
    down = data["points"].clip(upper=0).groupby(data[by]).sum()
    return pd.concat([up, down])


# Vega works a scale's extent out from the data; with no rows it is [Infinity, -Infinity] and the
# browser's console fills with "Infinite extent" warnings. An empty chart gets its domains given.
NO_POINTS = alt.Scale(domain=[0, 1])


def _no_days(start=None, end=None) -> alt.Scale:
    """A time scale for a chart with nothing in it: the chosen days, else today."""
    first = pd.Timestamp(start if start is not None else end if end is not None else pd.Timestamp.today()).normalize()
    last = pd.Timestamp(end).normalize() if end is not None else first
    last = max(last, first + pd.Timedelta(days=1))  # a domain of one instant has no width to draw in
    return alt.Scale(domain=[alt.DateTime(year=d.year, month=d.month, date=d.day) for d in (first, last)])


# Markers of several members on the same spot (the same points on the same day: every member of a
# crew after its first listening round) are drawn side by side, this many pixels apart, in the
# legend's order, so each one's colour and shape stays in sight; the line keeps each value exact.
SIDE_BY_SIDE = 15
MARKER_SIZE = 140  # px², about 13 px across: a shape told from another at the back of a room
MARKER = dict(filled=True, size=MARKER_SIZE, stroke="white", strokeWidth=1, xOffset=alt.ExprRef("datum.nudge"))

# Legends go under the drawing, in as many columns as its width holds: at its right, a crew's eight
# names took half a phone's chart (its dates then ran into each other) and were cut to a few letters.
LEGEND_LABEL = 260  # px, the longest name shown whole


def _legend(**kwargs) -> alt.Legend:
    # Columns from the container's width, not the drawing's: Vega settles that width after laying the
    # legend out, so a legend counted from it kept the height of another number of columns, its last
    # row cut off. Drawn with no container (an export, a phone's picture), the drawing's width it is.
    return alt.Legend(orient="bottom", direction="vertical", symbolSize=MARKER_SIZE,
                      columns=alt.ExprRef(f"max(1, floor((containerSize()[0] || width) / {LEGEND_LABEL + 40}))"),
                      labelLimit=alt.ExprRef(f"min(width - 40, {LEGEND_LABEL})"), **kwargs)


def _side_by_side(data: pd.DataFrame, key: str, value: str = "cumulative") -> pd.DataFrame:
    """``data`` with a ``nudge`` column: each marker's offset in pixels from its day (0 when alone)."""
    names = data[key].astype(str)
    order = sorted(range(len(data)), key=lambda i: (names.iat[i].casefold(), names.iat[i]))
    ranked = data.iloc[order]
    same_spot = ranked.groupby(["date", value], sort=False, observed=True)[key]
    nudge = (same_spot.cumcount() - (same_spot.transform("size") - 1) / 2) * SIDE_BY_SIDE
    return data.assign(nudge=nudge.reindex(data.index).fillna(0))


def _label_colours(colours, names) -> alt.ExprRef | str:
    """Axis labels in each member's colour, so a matrix or grid row reads like the lines."""
    if not colours:
        return "black"
    mapping = json.dumps({n: colours[n] for n in names if n in colours})
    return alt.ExprRef(expr=f"({mapping})[datum.value] || 'black'")


# Vega never wraps a title: a line longer than the drawing is cut at its edge. A phone held upright
# gives a chart about 320 px (less inside a section), which holds this many characters of title
# (21 px bold) or of subtitle (16 px).
TITLE_LINE = 26
SUBTITLE_LINE = 38


def _lines_of(text, width: int) -> list[str]:
    lines = [text] if isinstance(text, str) else list(text)
    return [part for line in lines for part in (textwrap.wrap(line, width, break_long_words=False) or [""])]


def _fit_title(title):
    """The title and subtitle broken into lines that fit a phone's width (a title that fits stays one string)."""
    if isinstance(title, str):
        title = alt.Title(title)
    if not isinstance(title, alt.Title):
        return title
    title = title.copy()
    lines = _lines_of(title.text, TITLE_LINE)
    title.text = lines[0] if len(lines) == 1 else lines
    if title.subtitle is not alt.Undefined:
        title.subtitle = _lines_of(title.subtitle, SUBTITLE_LINE)
    return title


def title_text(chart) -> str:
    """A chart's title as one line of words, however it is broken for the drawing."""
    text = chart.title.text if hasattr(chart.title, "text") else chart.title
    return " ".join(text) if isinstance(text, list) else str(text or _("Chart"))


# What an axis with no title of its own shows, by its field: the chart's description names each axis.
AXIS_WORDS = {"date": N_("dates"), "period": N_("dates"), "a": N_("members"), "b": N_("members"),
              "row": N_("members"), "crew": N_("crews"), "day": N_("days of the week"),
              "part": N_("parts of the day")}
GUIDES = (("x", "axis", N_("Horizontal axis: %(what)s.")), ("y", "axis", N_("Vertical axis: %(what)s.")),
          *((channel, "legend", N_("Legend: %(what)s.")) for channel in ("color", "shape", "size", "fill", "stroke")))


def _channel_words(channel) -> str | None:
    """What a channel shows, in the language spoken: its own title, else its field's word."""
    title = channel["title"]
    if isinstance(title, str) and title:
        return title
    field = alt.utils.parse_shorthand(channel.shorthand).get("field") if isinstance(channel.shorthand, str) else None
    return _(AXIS_WORDS[field]) if field in AXIS_WORDS else None


def _guides(chart) -> list[str]:
    """What each axis and legend of ``chart`` (and of its layers) shows, one sentence each, in the language
    spoken ("Horizontal axis: dates."); a legend two channels share is said once."""
    said = []
    for layer in [chart, *(chart.layer if isinstance(chart, alt.LayerChart) else ())]:
        encoding = layer["encoding"]
        if encoding is alt.Undefined:
            continue
        for name, part, sentence in GUIDES:
            channel = encoding[name]
            if not isinstance(channel, alt.FieldChannelMixin) or channel[part] is None:
                continue
            what = _channel_words(channel)
            if what is not None and _(sentence, what=what) not in said:
                said.append(_(sentence, what=what))
    return said


def _readable(chart: alt.Chart, description: str = "") -> alt.Chart:
    """Type large enough to read on a projector at the back of a room, titles in lines that fit a phone,
    and a description that screen readers announce for the whole chart (Vega-Lite ``description``, the
    drawing's ``aria-label``): the chart's own sentence (which says its title), the subtitle's notes and
    what each axis and legend shows, all in the page's language.

    Vega's own descriptions of the title, axes and legends ("X-axis titled '…' for a time scale…") are
    English whatever the page's language, and a guide's ``description`` does not replace them (Vega's
    renderer labels a guide from its items, which Vega-Lite cannot encode): axes and legends are taken
    out of the accessibility tree (``aria=False``), and so is the title when the description says it
    (every chart's does): the description says them instead. So are
    single marks: the page shows the chart's figures as a table. (Vega-Lite's ``config.aria`` is left
    alone: it also unlabelled the marks' containers, which axe reports.)"""
    guides = _guides(chart)
    if chart.title is not alt.Undefined:
        title = chart.title if isinstance(chart.title, alt.Title) else alt.Title(chart.title)
        notes = title.subtitle if title.subtitle is not alt.Undefined else []
        guides = ([notes] if isinstance(notes, str) else list(notes)) + guides
        said = title_text(chart)
        title = _fit_title(title)
        title.aria = not (description and said in description)  # else the title would go unsaid
        chart = chart.properties(title=title)
    if description:
        chart = chart.properties(description=" ".join([description, *guides]))
    return (chart.configure_mark(aria=False)
            .configure_axis(aria=False, labelFontSize=READABLE, titleFontSize=READABLE)
            .configure_legend(aria=False, labelFontSize=READABLE, titleFontSize=READABLE)
            .configure_title(fontSize=READABLE + 5, subtitleFontSize=READABLE, subtitleColor="#444", anchor="start")
            .configure_view(strokeWidth=0))


def _when() -> alt.Tooltip:
    return alt.Tooltip("date:T", title=_("as of"), format="%d %b %Y")


def _each(n: int, key: str) -> str:
    """"each of 8 members", "1 member": how many lines (members or groups) a description speaks of."""
    if key == "group":
        return (ngettext("%(num)s group", "%(num)s groups", n) if n == 1
                else ngettext("each of %(num)s group", "each of %(num)s groups", n))
    return (ngettext("%(num)s member", "%(num)s members", n) if n == 1
            else ngettext("each of %(num)s member", "each of %(num)s members", n))


def _subtitle(*notes) -> list[str]:
    return [n for n in notes if n]


def _left_out(n: int, key: str) -> str | None:
    if not n:
        return None
    if key == "group":
        return ngettext("%(num)s more group not shown (the most active are).",
                        "%(num)s more groups not shown (the most active are).", n)
    return ngettext("%(num)s more member not shown (the most active are).",
                    "%(num)s more members not shown (the most active are).", n)


# How a chart names a series' key (its legend) and a bucket of time (its tooltips, its subtitles).
KEY_WORDS = {"member": (N_("Member"), N_("member")), "group": (N_("Group"), N_("group"))}
BUCKET_WORDS = {"day": N_("day"), "week": N_("week"), "month": N_("month"), "quarter": N_("quarter"),
                "year": N_("year")}
NOTHING_YET = N_("Nothing recorded in this choice yet.")


# (longest span in days, tick interval, step, label format): labels that differ from tick to tick.
TIME_TICKS = ((14, "day", 1, "%d %b"), (120, "week", 1, "%d %b"), (550, "month", 1, "%b %Y"),
              (366 * 3, "month", 3, "%b %Y"))


def _time_axis(dates: pd.Series) -> alt.Axis:
    """A date axis with one tick per day, week, month (or quarter) or year as the span needs, so no
    label repeats: Vega's own ticks for a short span fall on days, all labelled with the same month."""
    dates = pd.to_datetime(pd.Series(dates)).dropna()
    span = (dates.max() - dates.min()).days if len(dates) else 0
    interval, step, fmt = "year", 1, "%Y"
    for longest, unit, unit_step, unit_fmt in TIME_TICKS:
        if span <= longest:
            interval, step, fmt = unit, unit_step, unit_fmt
            break
    # labelBound: a date whose label would hang past the drawing's edge (the last month, centred on its
    # tick near a phone's right edge) is left out rather than cut in half.
    return alt.Axis(format=fmt, tickCount={"interval": interval, "step": step}, labelOverlap="greedy",
                    labelSeparation=12, labelBound=True)


def _lines(data: pd.DataFrame, key: str, colours, title: str, y_title: str, notes=(), start=None,
           end=None) -> alt.Chart:
    pick = alt.selection_point(fields=[key], bind="legend")
    n = data[key].nunique()
    empty = data.empty
    legend_title, tip_title = (_(w) for w in KEY_WORDS[key])
    return _readable(
        alt.Chart(_side_by_side(data, key), title=alt.Title(title, subtitle=_subtitle(
            *notes, _(NOTHING_YET) if empty else None)))
        .mark_line(point=alt.OverlayMarkDef(**MARKER), interpolate="step-after", strokeWidth=2.5,
                   xOffset=MARKER["xOffset"])
        .encode(
            x=alt.X("date:T", title=None, axis=_time_axis(data["date"]),
                    scale=_no_days(start, end) if empty else alt.Undefined),
            y=alt.Y("cumulative:Q", title=y_title, axis=_points_axis(data["cumulative"]),
                    scale=NO_POINTS if empty else alt.Undefined),
            color=alt.Color(f"{key}:N", title=legend_title, scale=_scale(data[key], colours),
                            legend=_legend()),
            shape=alt.Shape(f"{key}:N", title=legend_title, scale=_shapes(data[key])),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.15)),
            tooltip=[alt.Tooltip(f"{key}:N", title=tip_title), _when(),
                     alt.Tooltip("cumulative:Q", title=_("points so far")),
                     alt.Tooltip("points:Q", title=_("earned since the last point"))],
        )
        .add_params(pick)
        .properties(width=WIDTH, height=260),
        _("Line chart, %(title)s: points so far for %(each)s, %(span)s.", title=title, each=_each(n, key),
          span=_span(data["date"]))
    )


def trust_chart(trust: pd.DataFrame, title: str = N_("Trust over time"), colours=None) -> alt.Chart:
    """Cumulative points per member by date, from ``Ledger.trust_over_time()`` (one group's rows).
    Every chart says its words in the language spoken (``i18n.speaking``); a title given in English
    that the catalogs know is said in it too."""
    data = scoring.cumulative(trust[["date", "member", "points"]])
    return _lines(data, "member", colours, _(title), _("Points so far"),
                  [_left_out(data.attrs["left_out"], "member")])


def cumulative_chart(points: pd.DataFrame, colours=None, start=None, end=None, max_members: int = 12,
                     title: str = N_("Trust built, member by member"), everyone=()) -> alt.Chart:
    """1. Each member's running total of points, from ``Ledger.points()`` rows; each of ``everyone``
    with no points is drawn at 0."""
    data = scoring.cumulative(points, start=start, end=end, max_series=max_members, everyone=everyone)
    bucket = data.attrs["bucket"]
    return _lines(data, "member", colours, _(title), _("Points so far"), [
        _("Click a name in the legend to follow one member."),
        None if bucket == "day" else _("One point per %(bucket)s: the history is long.", bucket=_(BUCKET_WORDS[bucket])),
        _left_out(data.attrs["left_out"], "member")], start=start, end=end)


def levels_chart(points: pd.DataFrame, title: str = N_("Which levels the crew plays"), start=None,
                 end=None) -> alt.Chart:
    """2. Points per level per month, stacked; losses (missed meetings…) below zero. ``start`` and
    ``end`` only give an empty chart its dates."""
    data = review.by_level(points)
    bucket = data.attrs["bucket"]
    per = _(BUCKET_WORDS[bucket])
    empty = data.empty
    title = _(title)
    return _readable(
        alt.Chart(data, title=alt.Title(title, subtitle=_subtitle(
            _("Points per %(bucket)s, by level; below zero: points lost.", bucket=per),
            _(NOTHING_YET) if empty else None)))
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=None, timeUnit="yearmonth" if bucket == "month" else "yearquarter"
                    if bucket == "quarter" else "year", scale=_no_days(start, end) if empty else alt.Undefined),
            y=alt.Y("sum(points):Q", title=_("Points per %(bucket)s", bucket=per), stack="zero",
                    axis=_points_axis(_stacked(data, "period")),
                    scale=NO_POINTS if empty else alt.Undefined),
            color=alt.Color("level_name:N", title=_("Level"), scale=_level_scale(), legend=_legend()),
            order=alt.Order("level:Q"),
            tooltip=[alt.Tooltip("period:T", title=per, format="%B %Y" if bucket == "month" else "%Y"),
                     alt.Tooltip("level_name:N", title=_("level")), alt.Tooltip("sign:N", title=_("points")),
                     alt.Tooltip("sum(points):Q", title=_("how many"))],
        )
        .properties(width=WIDTH, height=240),
        _("Stacked bar chart, %(title)s: points per %(bucket)s at each level, %(span)s; points lost are drawn "
          "below zero.", title=title, bucket=per, span=_span(data["period"]))
    )


def groups_chart(points: pd.DataFrame, start=None, end=None, selected=(), colours=None,
                 title: str = N_("Groups of the congregation compared")) -> alt.Chart:
    """3. Every group's running total by month: the height is its total, the slope its growth."""
    data = review.group_growth(points, start=start, end=end, selected=selected)
    colours = colours or review.cycle_colours(data["group"])
    pick = alt.selection_point(fields=["group"], bind="legend")
    empty = data.empty
    title = _(title)
    return _readable(
        alt.Chart(_side_by_side(data, "group"), title=alt.Title(title, subtitle=_subtitle(
            _("Points so far, %(bucket)s by %(bucket)s: the steeper, the faster a group grows.",
              bucket=_(BUCKET_WORDS[data.attrs["bucket"]])),
            _("Chosen groups are drawn thick.") if selected else None,
            _left_out(data.attrs["left_out"], "group"), _(NOTHING_YET) if empty else None)))
        .mark_line(point=alt.OverlayMarkDef(**MARKER), xOffset=MARKER["xOffset"])
        .encode(
            x=alt.X("date:T", title=None, axis=_time_axis(data["date"]),
                    scale=_no_days(start, end) if empty else alt.Undefined),
            y=alt.Y("cumulative:Q", title=_("Points so far"), axis=_points_axis(data["cumulative"]),
                    scale=NO_POINTS if empty else alt.Undefined),
            color=alt.Color("group:N", title=_("Group"), scale=_scale(data["group"], colours),
                            legend=_legend()),
            shape=alt.Shape("group:N", title=_("Group"), scale=_shapes(data["group"])),
            strokeWidth=alt.condition("datum.selected", alt.value(3.5), alt.value(1.5)),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.15)),
            tooltip=[alt.Tooltip("group:N", title=_("group")), _when(),
                     alt.Tooltip("cumulative:Q", title=_("total so far")),
                     alt.Tooltip("points:Q", title=_("growth that month"))],
        )
        .add_params(pick)
        .properties(width=WIDTH, height=260),
        _("Line chart, %(title)s: points so far for %(each)s, %(span)s.", title=title,
          each=_each(data["group"].nunique(), "group"), span=_span(data["date"]))
    )


ROW = 26  # px, a row of the tie matrix


def _tie_tooltips() -> list[alt.Tooltip]:
    """One tooltip per kind of tie the levels find: a directed kind given and received, the others as such."""
    words, directed = levels.tie_words(), levels.directed_ties()
    return [tip for kind, said in words.items() for tip in (
        [alt.Tooltip(f"{kind}s_given:Q", title=_("%(ties)s made to them", ties=said)),
         alt.Tooltip(f"{kind}s_received:Q", title=_("%(ties)s received from them", ties=said))] if kind in directed
        else [alt.Tooltip(f"{kind}:Q", title=said)])]


def network_chart(ties: pd.DataFrame, colours=None, members=None, max_members: int = 30,
                  title: str = N_("Who is tied to whom")) -> alt.Chart:
    """4. Member × member matrix of ties (``Ledger.ties()`` rows); darker means more ties."""
    data = review.tie_strength(ties, members=members, max_members=max_members)
    names = data.attrs["members"]
    axis = dict(sort=names, title=None)
    labels = _label_colours(colours, names)
    title = _(title)
    # The legend lies under the matrix: at its right it had to end above the last row (Vega leaves what
    # hangs below out of the drawing), which left two members' scale 16 px for its labels, drawn on top
    # of one another. With fewer than two people there is no pair, so no scale (it would count from NaN)
    # and no legend; with no one at all, the subtitle says why it is empty.
    legend = alt.Legend(orient="bottom", direction="horizontal", gradientLength=160, tickMinStep=1, format="d") \
        if len(names) > 1 else None
    # The names over the columns stand upright: slanted, the last one ran past the drawing's right edge.
    return _readable(
        alt.Chart(data, title=alt.Title(title, subtitle=_subtitle(
            _("Each cell counts what two members did together: offers (either way), respectful exchanges,"),
            _("meetings both attended, conflicts both resolved, ventures both own."),
            _left_out(data.attrs["left_out"], "member"), None if names else _("Nothing done together in this choice."))))
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("b:N", **axis, axis=alt.Axis(orient="top", labelAngle=-90, labelColor=labels,
                                                 labelFontWeight="bold", labelLimit=120)),
            y=alt.Y("a:N", **axis, axis=alt.Axis(labelColor=labels, labelFontWeight="bold", labelLimit=120)),
            color=alt.Color("ties:Q", title=_("Ties"), legend=legend,
                            scale=alt.Scale(scheme="blues", domainMin=0) if len(data) else
                            alt.Scale(scheme="blues", domain=[0, 1])),
            tooltip=[alt.Tooltip("a:N", title=_("member")), alt.Tooltip("b:N", title=_("with")),
                     alt.Tooltip("ties:Q", title=_("ties in all")),
                     *_tie_tooltips()],
        )
        .properties(width=WIDTH, height=alt.Step(ROW)),
        _("Matrix, %(title)s: for each pair of %(num)s members, how many things they did together; a darker cell "
          "means more.", title=title, num=len(names))
    )


# A member's part in a meeting, as the attendance grid keeps it (``review.attendance_grid``) and as its
# legend and tooltips say it.
STATUS_WORDS = {"attended": N_("attended"), "missed": N_("missed")}


def attendance_chart(attendance: pd.DataFrame, colours=None, max_meetings: int = 36,
                     title: str = N_("Level 3: who came to each meeting")) -> alt.Chart:
    """5. Meetings × members from ``ledger.table("attendance")``: the streak number, or ✗ when missed."""
    data = review.attendance_grid(attendance, max_meetings=max_meetings)
    data["status"] = data["status"].map({key: _(said) for key, said in STATUS_WORDS.items()})
    rows = review.grid_rows(data)
    member_of = dict(zip(data["row"], data["member"]))
    labels = _label_colours({r: colours[m] for r, m in member_of.items() if m in colours} if colours else None, rows)
    title = _(title)
    # No meeting: no rows, no height, and the legend cut off below (as in the network chart).
    return _readable(
        alt.Chart(data, title=alt.Title(title, subtitleFontWeight="normal", subtitle=_subtitle(
            _("Each number is a streak: meetings attended in a row. ✗: missed (−5 points)."),
            _("The latest %(num)s meetings.", num=max_meetings) if data["date"].nunique() >= max_meetings else None,
            None if rows else _("No meeting in this choice."))))
        .mark_text(fontSize=READABLE, fontWeight="bold")
        .encode(
            x=alt.X("date:O", timeUnit="yearmonthdate", title=None,
                    axis=alt.Axis(format="%d %b %y", labelAngle=-50, grid=True)),
            y=alt.Y("row:N", sort=rows, title=None,
                    axis=alt.Axis(labelColor=labels, labelFontWeight="bold", labelLimit=200, grid=True)),
            text=alt.Text("mark:N"),
            color=alt.Color("status:N", title=_("Meeting"),
                            scale=alt.Scale(domain=[_(said) for said in STATUS_WORDS.values()],
                                            range=["#0072B2", "#D55E00"]),
                            legend=alt.Undefined if rows else None),
            tooltip=[alt.Tooltip("member:N", title=_("member")), alt.Tooltip("group:N", title=_("group")),
                     alt.Tooltip("date:T", title=_("meeting"), format="%d %b %Y"),
                     alt.Tooltip("status:N", title=_("status")),
                     alt.Tooltip("streak:Q", title=_("streak")), alt.Tooltip("points:Q", title=_("points"))],
        )
        .properties(width=WIDTH, height=alt.Step(24)),
        _("Grid, %(title)s: one row per member, one column per meeting (%(meetings)s, %(span)s); a number is the "
          "member's streak of meetings attended, a cross a missed meeting.", title=title,
          meetings=ngettext("%(num)s meeting", "%(num)s meetings", data["date"].nunique()), span=_span(data["date"]))
    )


CHART_TITLES = {
    "trust": N_("Trust built, member by member"),
    "levels": N_("Which levels the crew plays"),
    "groups": N_("Groups of the congregation compared"),
    "network": N_("Who is tied to whom"),
}


def chart_titles() -> dict[str, str]:
    """Every review chart's title by its key, in the language spoken: the shared ones, then each level's
    own (``Level.review_chart``)."""
    return {key: _(title) for key, title in CHART_TITLES.items()} | {
        lv.review_chart.key: _(lv.review_chart.title) for lv in levels.all_levels() if lv.review_chart}


def review_charts(data: ReviewData, sel: Selection) -> dict[str, alt.Chart]:
    """The review charts for what the pickers chose, keyed as ``chart_titles()``: the shared four, then
    each level's own."""
    colours = data.colours()
    points = sel.who(data.points)
    in_window = sel.when(points)
    return {
        "trust": cumulative_chart(points, colours, start=sel.start, end=sel.end, title=CHART_TITLES["trust"],
                                  everyone=review.chosen_members(data, sel)),
        "levels": levels_chart(in_window, title=CHART_TITLES["levels"], start=sel.start, end=sel.end),
        "groups": groups_chart(_everyone_of(data.points, sel), start=sel.start, end=sel.end, selected=sel.groups,
                               colours=review.cycle_colours(data.group_names()), title=CHART_TITLES["groups"]),
        "network": network_chart(review.selected_ties(data, sel), colours, title=CHART_TITLES["network"]),
        **{lv.review_chart.key: lv.review_chart.drawn(data, sel, colours)
           for lv in levels.all_levels() if lv.review_chart},
    }


def _everyone_of(points: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Every group's points (the comparison is of the whole congregation), the chosen members only."""
    return points if not sel.members else points[points["member"].isin(sel.members)]


# --- the congregation ------------------------------------------------------------------------------


def invitation_chart(tree: pd.DataFrame, title: str = N_("Who brought whom into the pool")) -> alt.Chart:
    """The invitation tree from ``Congregation.invitation_tree()``: the hosts on the left, each person one
    step right of whoever invited them, a line from inviter to invitee."""
    title = _(title)
    nodes = tree.assign(kind=tree["generation"].map(
        lambda g: _("hosts") if g == 0 else _("generation %(num)s", num=g)))
    edges = tree.dropna(subset=["parent_x"])
    height = max(120, 26 * (int(tree["y"].max()) + 1)) if len(tree) else 120
    right = float(tree["x"].max()) + 1.2 if len(tree) else 1.0
    x = alt.X("x:Q", title=None, axis=None, scale=alt.Scale(domain=[-0.2, right]))
    y = alt.Y("y:Q", title=None, axis=None, scale=alt.Scale(reverse=True))
    lines = alt.Chart(edges).mark_rule(color="#9aa7b5", strokeWidth=1.5).encode(
        x=alt.X("parent_x:Q", title=None, axis=None, scale=alt.Scale(domain=[-0.2, right])),
        y=alt.Y("parent_y:Q", title=None, axis=None, scale=alt.Scale(reverse=True)), x2="x:Q", y2="y:Q")
    dots = alt.Chart(nodes).mark_circle(size=140, opacity=1).encode(
        x=x, y=y, color=alt.Color("kind:N", title=_("Who"), scale=alt.Scale(scheme="tableau10")),
        tooltip=[alt.Tooltip("name:N", title=_("person")), alt.Tooltip("inviter:N", title=_("invited by")),
                 alt.Tooltip("generation:Q", title=_("generation"))])
    labels = alt.Chart(nodes).mark_text(align="left", dx=9, fontSize=READABLE).encode(x=x, y=y, text="name:N")
    generations = int(tree["generation"].max()) if len(tree) else 0
    return _readable(alt.layer(lines, dots, labels, title=alt.Title(title, subtitle=_subtitle(
        _("Left to right: the hosts, the people they invited, the people those invited, and so on."),
        _("No one yet.") if len(tree) <= 1 else None))).properties(width=WIDTH, height=height),
        _("Tree, %(title)s: %(people)s, the hosts on the left and each person one step right of whoever invited "
          "them, a line from inviter to invitee; %(generations)s.", title=title,
          people=ngettext("%(num)s person", "%(num)s people", len(tree)),
          generations=ngettext("%(num)s generation of invitations", "%(num)s generations of invitations",
                               generations)))


def availability_chart(slots: pd.DataFrame, title: str = N_("The pool by availability")) -> alt.Chart:
    """How many people of the pool can meet in each weekly slot (``Congregation.availability()``)."""
    from .formation import DAYS, PARTS

    title = _(title)
    x = alt.X("day:N", sort=list(DAYS), title=None, axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y("part:N", sort=list(PARTS), title=None)
    # No colour legend: each cell has its number written in it, and the legend's scale, taller than the
    # three rows, hung its lowest label below the drawing, cut off.
    cells = alt.Chart().mark_rect(stroke="white", strokeWidth=2).encode(
        x=x, y=y, color=alt.Color("people:Q", title=_("People"), scale=alt.Scale(scheme="greens", domainMin=0),
                                  legend=None),
        tooltip=[alt.Tooltip("day:N", title=_("day")), alt.Tooltip("part:N", title=_("part of the day")),
                 alt.Tooltip("people:Q", title=_("people"))])
    counts = alt.Chart().mark_text(fontSize=READABLE, fontWeight="bold").encode(
        x=x, y=y, text="people:Q",
        color=alt.condition(f"datum.people > {max(1, int(slots['people'].max()) if len(slots) else 1) / 2}",
                            alt.value("white"), alt.value("#10311b")))
    without = int(slots.attrs.get("without", 0))
    best = slots.sort_values("people", ascending=False, kind="stable").head(1) if len(slots) else slots
    most = (_("the most, %(num)s, on %(day)s %(part)s", num=int(best["people"].iloc[0]), day=best["day"].iloc[0],
              part=best["part"].iloc[0])
            if len(best) and int(best["people"].iloc[0]) else _("nobody has given a slot yet"))
    return _readable(alt.layer(cells, counts, data=slots, title=alt.Title(title, subtitle=_subtitle(
        _("People who can meet each week in each slot; a crew needs one slot all its members share."),
        ngettext("%(num)s person gave no slot yet.", "%(num)s people gave no slot yet.", without) if without
        else None))).properties(width=WIDTH, height=alt.Step(44)),
        _("Grid, %(title)s: one column per day, one row per part of the day, each cell the number of people of the "
          "pool who can meet then, written in the cell; %(most)s.", title=title, most=most))


def crews_chart(compare: pd.DataFrame, title: str = N_("The crews that formed, compared")) -> alt.Chart:
    """Points per crew formed by the congregation since it formed (``Congregation.compare_crews()``)."""
    title = _(title)
    return _readable(
        alt.Chart(compare, title=alt.Title(title, subtitle=_subtitle(
            _("Each crew's points since its formation round, by level."),
            _("No crews formed yet.") if compare.empty else None)))
        .mark_bar()
        .encode(y=alt.Y("crew:N", title=None, sort="-x"),
                x=alt.X("points:Q", title=_("Points since forming"), stack="zero",
                        axis=_points_axis(_stacked(compare, "crew")),
                        scale=alt.Undefined if len(compare) else NO_POINTS),
                color=alt.Color("level_name:N", title=_("Level"),
                                scale=_level_scale()),
                tooltip=[alt.Tooltip("crew:N", title=_("crew")),
                         alt.Tooltip("formed:T", title=_("formed"), format="%d %b %Y"),
                         alt.Tooltip("level_name:N", title=_("level")), alt.Tooltip("points:Q", title=_("points"))])
        .properties(width=WIDTH, height=alt.Step(30)),
        _("Bar chart, %(title)s: for each of %(num)s crews, its points since its formation round, stacked by level.",
          title=title, num=compare["crew"].nunique() if len(compare) else 0)
    )


# --- drawing with no internet: Vega bundled locally, built once per machine ------------------------
#
# Altair's ``JupyterChart`` loads Vega from a CDN unless switched to offline mode, and building the
# offline bundle with vl-convert takes over a second. We build it once, keep it on disk keyed by
# the versions that shape it, and let every kernel load it from there.

CACHE_ENV = "MICROSOLIDARITY_CACHE"
# Set by `microsolidarity serve`: where that server offers the bundle as a cacheable file.
BUNDLE_URL_ENV = "MICROSOLIDARITY_CHART_BUNDLE_URL"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_path("microsolidarity-widgets", appauthor=False))


def bundle_path() -> Path:
    import vl_convert

    return cache_dir() / f"jupyterchart-altair{alt.__version__}-vlc{vl_convert.__version__}.js"


def build_bundle() -> Path:
    """Build the bundle (if missing) and return its path; safe when several processes race."""
    path = bundle_path()
    if path.exists():
        return path
    if not alt.JupyterChart._is_offline:
        alt.JupyterChart.enable_offline()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(alt.JupyterChart._esm)
    os.replace(tmp, path)
    return path


def enable_offline_charts() -> None:
    """Make every ``alt.JupyterChart`` (and plain chart display) use the local Vega bundle."""
    if not alt.JupyterChart._is_offline:
        url = os.environ.get(BUNDLE_URL_ENV)
        path = bundle_path()
        if url and path.exists():
            # A few bytes per chart widget: the browser fetches (and caches) the bundle from our own
            # server, once, however many charts and pages there are.
            alt.JupyterChart._esm = loader_module(url)
            alt.JupyterChart._is_offline = True
        else:
            try:
                alt.JupyterChart._esm = path.read_text(encoding="utf-8")
                alt.JupyterChart._is_offline = True
            except OSError:
                build_bundle()
    alt.renderers.enable("jupyter", offline=True)


def loader_module(url: str) -> str:
    """An ES module that re-exports the chart widget's code from ``url`` (a path on this server).

    anywidget runs the module from a blob: URL, against which a path cannot resolve; the page's
    own address can.
    """
    # A chart as wide as its container is measured when drawn and again only on a window resize:
    # drawn while Voilà still hides the page, it would stay 0 px wide. Re-measure when the
    # widget's own box changes size.
    return f"""const bundle = await import(new URL({json.dumps(url)}, document.baseURI).href);
const widget = bundle.default;
export default {{
  ...widget,
  async render(context) {{
    const cleanup = await widget.render(context);
    const watch = new ResizeObserver(() => window.dispatchEvent(new Event("resize")));
    watch.observe(context.el);
    return () => {{ watch.disconnect(); if (typeof cleanup === "function") cleanup(); }};
  }},
}};
"""


def time_format_locale(w: i18n.Words | None = None) -> dict:
    """d3's ``timeFormatLocale`` for the language of ``w`` (the one spoken, by default), from Babel's month
    and day names: the months on the charts' time axes and tooltips, in the page's language, offline."""
    w = w or i18n.words()

    def names(kind, width, order):
        found = getattr(dates, f"get_{kind}_names")(width, context="format", locale=w.locale)
        return [i18n.pseudo(found[i]) if w.lang == i18n.PSEUDO else found[i] for i in order]

    sunday_first = (6, 0, 1, 2, 3, 4, 5)  # d3 counts days from Sunday, Babel from Monday
    periods = dates.get_period_names(width="abbreviated", context="format", locale=w.locale)
    return {"dateTime": "%x %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
            "periods": [periods["am"], periods["pm"]],
            "days": names("day", "wide", sunday_first), "shortDays": names("day", "abbreviated", sunday_first),
            "months": names("month", "wide", range(1, 13)), "shortMonths": names("month", "abbreviated", range(1, 13))}


def embed_options(w: i18n.Words | None = None) -> dict:
    """vega-embed's options for a chart (a page's widget, an exported report): no menu, dates in the language."""
    return {"actions": False, "timeFormatLocale": time_format_locale(w)}


def chart_widget(chart: alt.TopLevelMixin) -> alt.JupyterChart:
    """A widget showing ``chart`` offline; update it later by setting ``.chart``."""
    enable_offline_charts()
    return alt.JupyterChart(chart, embed_options=embed_options())


def report_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one classic script defining ``vegaEmbed``, for pages
    that must draw charts with no server and no internet (the exported reports).

    vl-convert takes seconds to bundle them, so the result is kept on disk like the widget bundle.
    """
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    version = vl_version_for_vl_convert()
    path = cache_dir() / f"report-vl{version}-vlc{vl_convert.__version__}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    # A "</script" inside the bundle would end the inline <script> element early.
    js = vl_convert.javascript_bundle(vl_version=version).replace("</script", "<\\/script")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(js)
    os.replace(tmp, path)
    return js

