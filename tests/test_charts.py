"""The review charts, checked through their Vega-Lite specs."""

from __future__ import annotations

import datetime as dt
import json
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

from microsolidarity_widgets import Ledger, charts, demo, levels, review, scoring
from microsolidarity_widgets.review import ReviewData, Selection
from microsolidarity_widgets.scoring import MAX_ROWS


def rows(chart: alt.Chart) -> list[dict]:
    spec = chart.to_dict()
    return spec["datasets"][spec["data"]["name"]]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    with Ledger.open(demo.write(tmp_path_factory.mktemp("demo") / "demo.sqlite")) as ledger:
        yield ReviewData.load(ledger)


@pytest.fixture(scope="module")
def kestrels(data):
    return charts.review_charts(data, Selection(groups=("Kestrels",)))


def test_every_chart_is_an_altair_chart(kestrels):
    assert set(kestrels) == set(charts.chart_titles())
    for key, chart in kestrels.items():
        assert isinstance(chart, alt.Chart), key
        assert charts.title_text(chart) == charts.chart_titles()[key]


def test_trust_lines_end_at_ledger_points(data, kestrels):
    spec = kestrels["trust"].to_dict()
    assert spec["mark"]["type"] == "line" and spec["mark"]["interpolate"] == "step-after"
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == ("date", "cumulative", "member")
    assert {t["field"] for t in enc["tooltip"]} == {"member", "date", "cumulative", "points"}
    last = pd.DataFrame(rows(kestrels["trust"])).groupby("member")["cumulative"].last().to_dict()
    pts = data.points[data.points["group"] == "Kestrels"]
    assert last == pts.groupby("member")["points"].sum().to_dict()


def test_levels_bars_add_up_to_ledger_totals(data, kestrels):
    spec = kestrels["levels"].to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["y"]["stack"] == "zero"
    assert spec["encoding"]["color"]["scale"]["domain"] == list(levels.labels().values())
    got = pd.DataFrame(rows(kestrels["levels"])).groupby("level")["points"].sum().to_dict()
    pts = data.points[data.points["group"] == "Kestrels"]
    assert got == pts.groupby("level")["points"].sum().to_dict()


def test_groups_compares_the_whole_congregation(data, kestrels):
    spec = kestrels["groups"].to_dict()
    assert spec["mark"]["type"] == "line" and spec["encoding"]["color"]["field"] == "group"
    frame = pd.DataFrame(rows(kestrels["groups"]))
    assert frame.groupby("group")["cumulative"].last().to_dict() == data.points.groupby("group")["points"].sum().to_dict()
    assert set(frame.loc[frame["selected"], "group"]) == {"Kestrels"}


def test_network_counts_ties(data, kestrels):
    spec = kestrels["network"].to_dict()
    assert spec["mark"]["type"] == "rect"
    assert (spec["encoding"]["x"]["field"], spec["encoding"]["y"]["field"], spec["encoding"]["color"]["field"]) == \
        ("b", "a", "ties")
    cells = {(r["a"], r["b"]): r["ties"] for r in rows(kestrels["network"])}
    t = data.ties[data.ties["group"] == "Kestrels"]
    caz_eve = ((t["source"] == "Caz") & (t["target"] == "Eve")) | ((t["source"] == "Eve") & (t["target"] == "Caz"))
    assert cells[("Caz", "Eve")] == cells[("Eve", "Caz")] == caz_eve.sum() > 0
    assert sum(cells.values()) == 2 * len(t)


def test_attendance_grid_matches_ledger(data, kestrels):
    spec = kestrels["attendance"].to_dict()
    assert spec["mark"]["type"] == "text" and spec["encoding"]["text"]["field"] == "mark"
    grid = pd.DataFrame(rows(kestrels["attendance"]))
    att = data.attendance[data.attendance["group"] == "Kestrels"]
    assert len(grid) == len(att[att["event_id"].isin(att["event_id"].drop_duplicates().tail(36))])
    assert (grid["status"] == "missed").sum() == (grid["mark"] == "✗").sum() > 0


def test_a_member_has_one_colour_in_every_chart(data):
    colours = data.colours()
    both = charts.review_charts(data, Selection(groups=("Kestrels", "Ama+Bo")))
    scale = both["trust"].to_dict()["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"])) == {m: colours[m] for m in scale["domain"]}
    for key in ("network", "attendance"):
        expr = both[key].to_dict()["encoding"]["y"]["axis"]["labelColor"]["expr"]
        mapping = json.loads(expr[1:expr.index(")")])
        members = {r["row"] if key == "attendance" else r["a"]: r.get("member", r.get("a")) for r in rows(both[key])}
        assert mapping == {label: colours[members[label]] for label in mapping} and mapping


def test_trust_chart_keeps_its_signature(data):
    with pytest.raises(TypeError):
        charts.trust_chart()
    trust = data.points[data.points["group"] == "Wrens"]
    trust = scoring.cumulative(trust)  # any frame with date, member, points
    chart = charts.trust_chart(trust, "Wrens")
    assert isinstance(chart, alt.Chart) and chart.to_dict()["title"]["text"] == "Wrens"


def test_empty_selection_draws_empty_charts(data):
    empty = charts.review_charts(data, Selection(groups=("Wrens",), start="2025-03-01", end="2025-03-02"))
    for key, chart in empty.items():
        chart.to_dict()  # valid specs, no exception
    # the window has no points, but its members are still Wrens: each drawn at 0 on the window's first day
    assert {(r["member"], r["cumulative"], r["date"][:10]) for r in rows(empty["trust"])} == \
        {(m, 0, "2025-03-01") for m in data.members_of(["Wrens"])}
    assert rows(empty["attendance"]) == []


# --- a very long history -----------------------------------------------------------------------


def synthetic(n: int = 1_000_000, seed: int = 4):
    """Points, ties and attendance shaped like the ledger's for ``n`` events: 40 crews of 8 over 30 years."""
    rng = np.random.default_rng(seed)
    groups = np.array([f"Crew {i:02}" for i in range(40)], dtype=object)
    names = np.array([f"m{i // 8}-{i % 8}" for i in range(40 * 8)], dtype=object)  # member g-k is names[8g + k]
    days = pd.Timestamp("1996-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 30 * 365, n)), unit="D")
    g = rng.integers(0, 40, n)
    points = pd.DataFrame({"date": days, "group": groups[g], "member": names[8 * g + rng.integers(0, 8, n)],
                           "level": rng.integers(1, 6, n), "points": rng.choice([1, 5, 3, -5, 10, 100], n),
                           "event_id": np.arange(n), "reason": "synthetic"})
    kinds = rng.choice(np.array(["meeting", "money", "listening"], dtype=object), n, p=[0.4, 0.2, 0.4])
    events = pd.DataFrame({"id": np.arange(n), "kind": kinds, "date": days, "group_id": g, "outcome": None,
                           "ref_id": np.nan})
    meetings, money = np.flatnonzero(kinds == "meeting"), np.flatnonzero(kinds == "money")
    parts = [pd.DataFrame({"event_id": meetings, "member_id": 8 * g[meetings] + k, "role": "attended"})
             for k in range(4)]
    parts += [pd.DataFrame({"event_id": money, "member_id": 8 * g[money] + k, "role": role})
              for k, role in [(4, "speaker"), (5, "offer"), (6, "offer"), (5, "respectful")]]
    participants = pd.concat(parts, ignore_index=True)
    streak = rng.integers(0, 12, len(meetings) * 8)
    attendance = pd.DataFrame({"event_id": np.repeat(meetings, 8), "group": np.repeat(groups[g[meetings]], 8),
                               "date": np.repeat(days[meetings], 8),
                               "member": names[8 * np.repeat(g[meetings], 8) + np.tile(np.arange(8), len(meetings))],
                               "attended": streak > 0, "nth": streak, "streak": streak,
                               "points": np.where(streak > 0, 5, -5)})
    t = scoring.ties(events, participants, levels.all_levels())  # as Ledger.ties() names them
    ties = t.assign(group=groups[t.pop("group_id")], source=names[t["source"]], target=names[t["target"]])
    return points, ties, attendance


@pytest.mark.slow
def test_a_million_events_fit_in_every_chart():
    points, ties, attendance = synthetic()
    colours = review.cycle_colours(points["member"].unique())
    made = {
        "trust": charts.cumulative_chart(points, colours),
        "levels": charts.levels_chart(points),
        "groups": charts.groups_chart(points, selected=["Crew 03"]),
        "network": charts.network_chart(ties, colours),
        "attendance": charts.attendance_chart(attendance, colours),
    }
    for key, chart in made.items():
        n = len(rows(chart))  # to_dict() itself raises MaxRowsError past 5,000 rows
        assert 0 < n <= MAX_ROWS, (key, n)


def test_type_is_large_enough_for_a_projector(kestrels):
    for key, chart in kestrels.items():
        config = chart.to_dict()["config"]
        sizes = [config["axis"]["labelFontSize"], config["axis"]["titleFontSize"], config["legend"]["labelFontSize"],
                 config["title"]["subtitleFontSize"]]
        assert min(sizes) >= 15 and config["title"]["fontSize"] > 15, key


def x_labels(chart: alt.Chart) -> list[str]:
    """The x axis's tick labels as Vega draws them (rendered to SVG by vl-convert)."""
    import re

    svg = drawn(chart)
    axis = svg[svg.index('aria-label="X-axis'):]
    axis = axis[:axis.index('aria-label="Y-axis')] if 'aria-label="Y-axis' in axis else axis
    return re.findall(r"<text[^>]*>([^<]+)</text>", axis)


@pytest.mark.parametrize("days", [0, 3, 20, 70, 200, 900, 2000])
def test_time_axes_never_repeat_a_label(days):
    """An evening, a month, a season or years: one tick per day, week, month or year as the span needs."""
    dates = pd.date_range("2026-10-01", periods=4, freq=f"{max(days // 3, 1)}D")[: 1 if days == 0 else 4]
    points = pd.DataFrame({"date": list(dates) * 2, "member": ["Zoë"] * len(dates) + ["Ngozi"] * len(dates),
                           "points": 1, "group": ["Kestrels"] * len(dates) + ["Herons"] * len(dates), "level": 1})
    for chart in (charts.cumulative_chart(points), charts.groups_chart(points), charts.trust_chart(points),
                  charts.levels_chart(points)):
        labels = x_labels(chart)
        assert labels and len(labels) == len(set(labels)), labels


# --- every chart described in words (issue 15, item 4) ---------------------------------------------


def congregation_charts() -> dict[str, alt.TopLevelMixin]:
    tree = pd.DataFrame({"name": ["Abi", "Bram", "Cleo"], "inviter": [None, "Abi", "Bram"], "generation": [0, 1, 2],
                         "x": [0, 1, 2], "y": [0, 0, 0], "parent_x": [None, 0, 1], "parent_y": [None, 0, 0]})
    slots = pd.DataFrame({"day": ["Tue", "Tue"], "part": ["morning", "evening"], "people": [1, 3]})
    compare = pd.DataFrame({"crew": ["Harbour crew 1"], "formed": [pd.Timestamp("2026-01-05")],
                            "level_name": [list(levels.labels().values())[0]], "points": [4]})
    return {"invitations": charts.invitation_chart(tree), "availability": charts.availability_chart(slots),
            "crews": charts.crews_chart(compare)}


def test_every_chart_says_in_words_what_it_draws(kestrels):
    """A screen reader announces the drawing by its Vega-Lite description (the SVG's aria-label):
    each chart has one, saying more than its title."""
    made = {**kestrels, **congregation_charts()}
    for key, chart in made.items():
        spec = chart.to_dict()
        title = charts.title_text(chart)
        description = spec.get("description", "")
        assert description.startswith(("Line chart", "Stacked bar chart", "Bar chart", "Matrix", "Grid", "Tree")), \
            (key, description)
        assert title in description and len(description) > len(title) + 30, (key, description)
    assert "the most, 3, on Tue evening" in made["availability"].to_dict()["description"]


def test_titles_come_in_lines_that_fit_a_phone(kestrels):
    """Vega cuts a title line at the drawing's edge: every line of a title or subtitle fits a phone's width."""
    for key, chart in {**kestrels, **congregation_charts()}.items():
        title = chart.to_dict()["title"]
        lines = [title["text"]] if isinstance(title["text"], str) else title["text"]
        assert all(len(line) <= charts.TITLE_LINE for line in lines), (key, lines)
        assert all(len(line) <= charts.SUBTITLE_LINE for line in title.get("subtitle", [])), (key, title["subtitle"])
        assert " ".join(lines) == charts.title_text(chart)
    assert charts.title_text(kestrels["groups"]) == "Groups of the congregation compared"


# --- a crew's first evening (issue 21, item 9) ------------------------------------------------------

PHONE_WIDTH = 300  # px of plot, as the phones draw their crew's chart (members.PHONE_CHART_WIDTH)


@pytest.fixture(scope="module")
def evening(tmp_path_factory):
    from test_review import play_one_evening

    with Ledger.open(tmp_path_factory.mktemp("evening") / "evening.sqlite") as ledger:
        play_one_evening(ledger, dt.date(2026, 12, 7))
        yield ledger


def drawn(chart: alt.TopLevelMixin, width: int = 760) -> str:
    from microsolidarity_widgets import export

    # With Vega's ARIA labels back on (the pages have them off): ``axis_labels`` finds an axis by its label.
    chart = chart.copy(deep=True)
    chart.config.aria = chart.config.axis.aria = True
    return export.chart_svg(chart, width=width).decode()


def marker_spots(svg: str) -> list[tuple[float, float]]:
    """Where each line's markers are drawn (the legend's symbols left out)."""
    spots = []
    for group in re.findall(r'<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)</g>', svg):
        spots += [(float(x), float(y)) for x, y in re.findall(r'translate\(([-\d.e]+),([-\d.e]+)\)', group)]
    return spots


def axis_labels(svg: str, axis: str) -> list[str]:
    part = svg[svg.index(f'aria-label="{axis}-axis'):]
    part = part[:part.index("role-axis-domain")]
    return re.findall(r"<text[^>]*>([^<]+)</text>", part)


def test_markers_on_the_same_spot_are_drawn_side_by_side(evening):
    """After one evening, three members have 0 points, three 1 and two 7, all on the same day: each
    of the eight markers is drawn where it can be seen, on the review (projector and phone widths) and
    on the phones' chart, at its exact height."""
    data = ReviewData.load(evening)
    trust = evening.trust_over_time()
    for chart, width in [(charts.review_charts(data, Selection(groups=("Evening crew",)))["trust"], 1100),
                         (charts.review_charts(data, Selection(groups=("Evening crew",)))["trust"], 300),
                         (charts.trust_chart(trust, "Trust in Evening crew"), PHONE_WIDTH)]:
        spots = marker_spots(drawn(chart, width))
        expected = 8 if "datasets" in chart.to_dict() and len(rows(chart)) == 8 else 5  # the phones' frame: scorers
        assert len(spots) == expected, spots
        for i, (x1, y1) in enumerate(spots):
            for x2, y2 in spots[i + 1:]:
                assert abs(x1 - x2) >= 12 or abs(y1 - y2) >= 12, (spots, width)
        heights = sorted({round(y, 3) for _, y in spots})
        assert len(heights) == (3 if expected == 8 else 2), heights  # 0, 1 and 7 points: not moved up or down


def test_points_axes_tick_in_whole_numbers(evening):
    """A crew whose members have 1 point each: the phones' chart read 0.2, 0.4 … 1.0 points."""
    one_round = pd.DataFrame({"date": pd.Timestamp("2026-12-07"), "member": ["Ama", "Bo", "Caz"], "points": 1})
    phone = drawn(charts.trust_chart(one_round, "Trust in Kestrels"), PHONE_WIDTH)
    assert axis_labels(phone, "Y") == ["0", "1"]
    data = ReviewData.load(evening)
    made = charts.review_charts(data, Selection(groups=("Evening crew",)))
    for key, axis in [("trust", "Y"), ("levels", "Y"), ("groups", "Y")]:
        labels = axis_labels(drawn(made[key], 300), axis)
        assert labels and all(re.fullmatch(r"-?\d+", label) for label in labels), (key, labels)
        assert made[key].to_dict()["encoding"]["y"]["axis"]["format"] == "d", key
    crews = congregation_charts()["crews"]
    assert all(re.fullmatch(r"\d+", label) for label in axis_labels(drawn(crews, 300), "X"))


def test_an_empty_chart_has_its_domains_given(tmp_path):
    """Vega warns "Infinite extent" for a scale it must work out from no rows (the browser test reads
    the console); every continuous scale of an empty chart is given its domain instead."""
    with Ledger.open(tmp_path / "empty.sqlite") as ledger:
        made = charts.review_charts(ReviewData.load(ledger), Selection())
        made["phone"] = charts.trust_chart(ledger.trust_over_time(), "Trust in Kestrels")
        made["crews"] = charts.crews_chart(pd.DataFrame(columns=["crew", "formed", "level_name", "points"]))
    for key, chart in made.items():
        encoding = chart.to_dict()["encoding"]
        for channel, enc in encoding.items():
            if isinstance(enc, dict) and enc.get("type") in ("quantitative", "temporal") and channel in ("x", "y", "color"):
                assert "domain" in enc.get("scale", {}), (key, channel, enc)
