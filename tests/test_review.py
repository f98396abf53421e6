"""The review's data: ties, running totals, levels, groups, attendance, colours and the summary."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from microsolidarity_widgets import Ledger, demo, levels, review, scoring
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money
from microsolidarity_widgets.review import ReviewData, Selection
from test_worked_example import play_worked_example


@pytest.fixture(scope="module")
def worked(tmp_path_factory):
    ledger = Ledger.open(tmp_path_factory.mktemp("worked") / "ledger.sqlite")
    play_worked_example(ledger)
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory):
    ledger = Ledger.open(demo.write(tmp_path_factory.mktemp("demo") / "demo.sqlite"))
    yield ledger
    ledger.close()


def test_ties_of_the_worked_example(worked):
    t = worked.ties()
    found = sorted(zip(t["date"].dt.strftime("%m-%d"), t["kind"], t["source"], t["target"]))
    assert found == [
        ("01-17", "offer", "Ama", "Caz"), ("01-17", "offer", "Dev", "Caz"), ("01-17", "offer", "Dev", "Caz"),
        ("01-17", "respect", "Ama", "Caz"), ("01-17", "respect", "Caz", "Dev"),
        ("02-01", "meeting", "Ama", "Bo"),
        ("02-20", "conflict", "Bo", "Dev"),   # dated when resolved
        ("04-01", "meeting", "Ama", "Bo"),    # 03-01 only Ama came: no tie
        ("05-01", "venture", "Ama", "Caz"),
    ]


def test_ties_skip_voided_and_unresolved(worked, tmp_path):
    ledger = Ledger.open(tmp_path / "l.sqlite")
    play_worked_example(ledger)
    cid = ledger.record(ConflictOpened("Kestrels", "2026-03-01", parties=["Ama", "Caz"]))
    ledger.record(ConflictClosed(cid, "2026-03-05", outcome="unresolved"))
    meeting = ledger.record(Meeting("Ama+Bo", "2026-05-01", attended=["Ama", "Bo"]))
    ledger.void(meeting, reason="wrong day", on="2026-05-02")
    t = ledger.ties()
    assert len(t) == 9 and not ((t["kind"] == "conflict") & (t["source"] == "Ama")).any()


def test_tie_strength_is_a_symmetric_matrix(worked):
    s = review.tie_strength(worked.ties()).set_index(["a", "b"])
    assert s.loc[("Ama", "Caz")].to_dict() == {"ties": 3, "offers_given": 1, "offers_received": 0, "respect": 1,
                                               "meeting": 0, "conflict": 0, "venture": 1}
    assert s.loc[("Caz", "Ama"), "offers_received"] == 1 and s.loc[("Caz", "Ama"), "ties"] == 3
    assert s.loc[("Caz", "Dev"), "offers_received"] == 2 and s.loc[("Dev", "Caz"), "offers_given"] == 2
    assert s.loc[("Bo", "Ama"), "meeting"] == 2 and s.loc[("Dev", "Bo"), "conflict"] == 1
    assert len(s) == 8  # four pairs, each both ways


def test_cumulative_ends_at_each_members_total(demo_ledger):
    points = demo_ledger.points()
    kestrels = points[points["group"] == "Kestrels"]
    data = scoring.cumulative(kestrels)
    last = data.groupby("member")["cumulative"].last().to_dict()
    assert last == kestrels.groupby("member")["points"].sum().to_dict()
    assert data.attrs == {"bucket": "day", "left_out": 0}
    # coarser buckets when rows would not fit, same totals
    squeezed = scoring.cumulative(kestrels, max_rows=60)
    assert len(squeezed) <= 60 and squeezed.attrs["bucket"] in ("month", "quarter")
    assert squeezed.groupby("member")["cumulative"].last().to_dict() == last


def test_cumulative_window_counts_what_came_before(worked):
    p = worked.points()
    data = scoring.cumulative(p, start="2026-03-01", end="2026-04-30")
    ama = data[data["member"] == "Ama"]
    # 1 (listening) + 6 (money) + 1 (first meeting) before March, then +3 on 1 March, +5 on 1 April
    assert ama["cumulative"].tolist() == [8, 11, 16]
    assert ama["date"].iloc[0] == pd.Timestamp("2026-03-01")
    assert data["date"].max() <= pd.Timestamp("2026-04-30")


def test_cumulative_caps_the_members_shown():
    points = pd.DataFrame({"date": pd.Timestamp("2026-01-01"), "member": [f"m{i:02}" for i in range(30)],
                           "points": range(30)})
    data = scoring.cumulative(points, max_series=12)
    assert data["member"].nunique() == 12 and data.attrs["left_out"] == 18
    assert set(data["member"]) == {f"m{i:02}" for i in range(18, 30)}  # the most points


def test_levels_split_gains_and_losses(worked):
    data = review.by_level(worked.points())
    l3 = data[data["level"] == 3]
    assert l3[["period", "sign", "points"]].values.tolist() == [
        [pd.Timestamp("2026-02-01"), "earned", 2], [pd.Timestamp("2026-03-01"), "earned", 3],
        [pd.Timestamp("2026-03-01"), "lost", -5], [pd.Timestamp("2026-04-01"), "earned", 8]]
    assert data.groupby("level")["points"].sum().to_dict() == {1: 3, 2: 24, 3: 8, 4: 20, 5: 200}
    assert set(data["level_name"]) == set(levels.labels().values())


def test_group_growth_marks_the_chosen_groups(demo_ledger):
    points = demo_ledger.points()
    data = review.group_growth(points, selected=["Otters"])
    assert data.groupby("group")["cumulative"].last().to_dict() == points.groupby("group")["points"].sum().to_dict()
    assert set(data.loc[data["selected"], "group"]) == {"Otters"}
    assert data.attrs["bucket"] == "month" and (data["date"].dt.is_month_end | (data["date"] == data["date"].max())).all()


def test_attendance_grid_marks_streaks_and_misses(worked):
    grid = review.attendance_grid(worked.table("attendance"))
    assert grid[["member", "status", "mark"]].values.tolist() == [
        ["Ama", "attended", "1"], ["Bo", "attended", "1"], ["Ama", "attended", "2"], ["Bo", "missed", "✗"],
        ["Ama", "attended", "3"], ["Bo", "attended", "1"]]
    assert list(grid["row"]) == list(grid["member"])  # one group: rows are plain names
    assert len(review.attendance_grid(worked.table("attendance"), max_meetings=1)) == 2


def test_member_colours_differ_within_every_group(demo_ledger):
    memberships = demo_ledger.memberships()
    colours = review.member_colours(memberships)
    assert set(colours.values()) <= set(review.PALETTE)
    for group, members in memberships.groupby("group")["member"]:
        members = set(members)
        assert len({colours[m] for m in members}) == len(members), group
    assert review.member_colours(memberships.iloc[::-1]) == colours  # order of rows does not matter


def test_summary_of_the_worked_example(worked):
    data = ReviewData.load(worked)
    sel = Selection(start="2026-01-01", end="2026-06-30")
    assert review.summary(data, sel) == [
        "Ama+Bo earned 8 points in April 2026 and 8 points from 1 January 2026 to 30 June 2026.",
        "Kestrels earned 200 points in May 2026 and 247 points from 1 January 2026 to 30 June 2026.",
        "In Ama+Bo, Ama's streak is three meetings.",
        "No conflicts are open.",
        "The strongest ties, three ties each, are between Ama and Caz; Caz and Dev.",
    ]
    early = review.summary(data, Selection(groups=("Kestrels",), members=("Bo",), start="2026-01-01",
                                           end="2026-02-10"))
    assert early == ["Showing Bo.",
                     "Kestrels earned 1 point in January 2026 and 1 point from 1 January 2026 to 10 February 2026.",
                     "One conflict is open (Kestrels: Bo, Dev)."]


def test_selection_filters_groups_members_and_dates(demo_ledger):
    points = demo_ledger.points()
    sel = Selection(groups=("Kestrels", "Ama+Bo"), members=("Bo",), start="2025-06-01", end="2025-06-30")
    got = sel.when(sel.who(points))
    assert set(got["group"]) <= {"Kestrels", "Ama+Bo"} and set(got["member"]) == {"Bo"}
    assert got["date"].between("2025-06-01", "2025-06-30").all() and len(got)


def test_an_empty_ledger_reviews_without_error(tmp_path):
    from microsolidarity_widgets import charts

    with Ledger.open(tmp_path / "empty.sqlite") as ledger:
        data = ReviewData.load(ledger)
        assert review.summary(data, Selection()) == [
            "Nothing is recorded yet: set up a crew, play a round, and come back.", "No conflicts are open."]
        for chart in charts.review_charts(data, Selection()).values():
            chart.to_dict()
        ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], kind="crew", on="2026-01-01")
        data = ReviewData.load(ledger)
        assert review.summary(data, Selection(groups=("Kestrels",)))[:2] == [
            "Kestrels earned no points on 1 January 2026.", "Ama, Bo and Caz earned no points on 1 January 2026."]
        for chart in charts.review_charts(data, Selection(groups=("Kestrels",))).values():
            chart.to_dict()


def test_review_page_follows_its_pickers(demo_ledger):
    import datetime as dt

    from microsolidarity_widgets.apps.review import ReviewApp

    app = ReviewApp(demo_ledger)
    assert app.groups.value == ("Herons",) and app.widget.summary_text.startswith("Herons earned")
    before = app.charts["trust"].chart
    app.groups.value = ("Kestrels",)
    assert app.charts["trust"].chart is not before and app.widget.summary_text.startswith("Kestrels earned")
    assert app.members.options == ("Ama", "Bo", "Caz", "Dev", "Eve")

    app.start.value, app.end.value = dt.date(2026, 5, 1), dt.date(2026, 1, 1)
    assert "swap them" in app.message.widget.value
    app.end.value = dt.date(2026, 6, 30)
    assert app.message.widget.value == "" and "from 1 May 2026 to 30 June 2026" in app.widget.summary_text

    app.prepare_downloads()
    names = [f["name"] for f in app.downloads.files]
    assert "Kestrels-report.html" in names and len(names) == 14  # the season report too
    app.groups.value = ("Otters",)
    assert app.downloads.files == []  # stale downloads never outlive the choice they were made for


def test_review_page_reads_new_records_on_request(tmp_path):
    from microsolidarity_widgets.apps.review import ReviewApp

    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        play_worked_example(ledger)
        app = ReviewApp(ledger)
        ledger.record(Listening("Kestrels", "2026-07-04", present=["Ama", "Bo"]))
        assert "July 2026" not in app.widget.summary_text
        app.reread()
        assert app.widget.summary_text.startswith("Kestrels earned 2 points in July 2026")


def test_pairs_of_an_event_are_every_pair_once():
    """Pairs built a gap at a time are exactly the pairs of a self-join, whatever the order of the rows."""
    rng = np.random.default_rng(11)
    people = pd.DataFrame({"event_id": rng.integers(1, 60, 400), "m": rng.integers(0, 12, 400)})
    joined = people.merge(people, on="event_id", suffixes=("_a", "_b"))
    expected = set(joined.loc[joined["m_a"] < joined["m_b"], ["event_id", "m_a", "m_b"]].itertuples(index=False, name=None))
    got = scoring._same_event(people)
    assert len(got) == len(expected) and set(got.itertuples(index=False, name=None)) == expected
    assert scoring._same_event(people.iloc[:0]).empty


def test_choosing_a_member_before_any_conflict_or_tie(crew_ledger):
    """A young crew (a round played, no conflict, no tie yet): the frames hold text, so the summary
    for one member reads them like any other."""
    crew_ledger.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz", "Dev"]))
    for frame in (crew_ledger.table("conflicts"), crew_ledger.table("open_conflicts"), crew_ledger.ties()):
        assert frame.empty and frame["group"].str.len().sum() == 0
    assert crew_ledger.table("conflicts")["parties"].str.split(", ").empty
    lines = review.summary(ReviewData.load(crew_ledger), Selection(members=("Ama",)))
    assert "No conflicts are open." in lines


def _points(rows):
    """Award rows (date, group, member, points) as Ledger.points() shapes them."""
    frame = pd.DataFrame(rows, columns=["date", "group", "member", "points"])
    return frame.assign(date=pd.to_datetime(frame["date"]), level=1)


@pytest.mark.parametrize("end", ["2026-10-01", "2026-10-20", "2026-10-31"])
def test_group_growth_counts_the_current_month(end):
    """A crew that founded a venture this month must not look as if it lost trust: the line reaches
    ``end`` with every point earned by then, on the first, a middle and the last day of a month."""
    points = _points([("2026-09-30", "Kestrels", "Zoë", 5), ("2026-10-01", "Kestrels", "Zoë", 100),
                      ("2026-11-01", "Kestrels", "Zoë", 7)])
    out = review.group_growth(points, end=end)
    last = out.iloc[-1]
    assert last["date"] == pd.Timestamp(end) and last["cumulative"] == 105
    assert out["date"].max() <= pd.Timestamp(end)


def test_group_growth_never_reaches_past_the_last_day():
    points = _points([("2026-10-20", "Kestrels", "Zoë", 3), ("2026-12-02", "Kestrels", "Ngozi", 4)])
    out = review.group_growth(points)
    assert out["date"].tolist() == [pd.Timestamp("2026-10-31"), pd.Timestamp("2026-12-02")]
    assert out["cumulative"].tolist() == [3, 7]


def test_the_exported_report_shows_the_current_month(tmp_path):
    """The report's 'groups compared' data ends on the chosen day with the month's points in it."""
    import json
    import re

    from microsolidarity_widgets import export

    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        ledger.add_group("Kestrels", ["Zoë", "Ngozi", "Łukasz"], on="2026-09-01")
        ledger.record(Listening("Kestrels", "2026-09-15", present=["Zoë", "Ngozi"]))
        ledger.record(Venture("Kestrels", "2026-10-20", name="Pod", form="co-op", owners=["Zoë", "Łukasz"]))
        data = ReviewData.load(ledger)
        files = export.review_files(ledger, data, Selection(groups=("Kestrels",), end="2026-10-20"))
    report = files["Kestrels-report.html"].decode()
    specs = json.loads(re.search(r"const specs = (\{.*?\});\n", report, re.S).group(1))
    groups = next(s for s in specs.values()  # (the title comes in lines that fit a phone)
                  if " ".join(s.get("title", {}).get("text", [])) == "Groups of the congregation compared")
    rows = next(iter(groups["datasets"].values()))
    assert rows[-1]["cumulative"] == 202 and rows[-1]["date"].startswith("2026-10-20")


def test_tie_sentences_name_everyone_tied():
    points = _points([("2026-10-20", "Crew", m, 1) for m in ("Zoë", "Ngozi", "Łukasz", "Ama")])
    ties = pd.DataFrame({"date": pd.to_datetime(["2026-10-20"] * 3), "group": "Crew", "event_id": [1, 2, 3],
                         "kind": "meeting", "source": ["Ngozi", "Ama", "Ama"], "target": ["Zoë", "Łukasz", "Ngozi"]})
    ties = ties.iloc[:2]  # two pairs with one tie each
    attendance = pd.DataFrame({"event_id": [1, 1, 1], "group": "Crew", "date": pd.to_datetime(["2026-10-20"] * 3),
                               "member": ["Zoë", "Ngozi", "Łukasz"], "attended": True, "nth": 1,
                               "streak": [2, 2, 1], "points": 1})
    conflicts = pd.DataFrame(columns=["id", "group", "date", "parties", "closed", "outcome"])
    groups = pd.DataFrame({"group": ["Crew"], "kind": ["crew"], "members": [["Ama", "Ngozi", "Zoë", "Łukasz"]],
                           "size": [4]})
    data = ReviewData(points, ties, conflicts, None, attendance, pd.DataFrame(columns=["group", "member"]), groups)
    lines = review.summary(data, Selection())
    assert "In Crew, the longest streak is two meetings, shared by Ngozi and Zoë." in lines
    assert "The strongest ties, one tie each, are between Ama and Łukasz; Ngozi and Zoë." in lines


def test_review_page_shows_each_members_totals(worked):
    from microsolidarity_widgets.apps.review import ReviewApp

    app = ReviewApp(worked)
    app.groups.value = ()  # everyone, as docs/rules.md's worked example totals them
    cells = [c for c in app.totals.value.split("<td") if c]
    table = app.totals.value
    for member, total in {"Ama": 116, "Bo": 10, "Caz": 108, "Dev": 21}.items():
        assert f"<td>{member}</td>" in table
        assert re.search(rf"<td>{member}</td>(<td[^>]*>-?\d+</td>){{5}}<td class=\"num\">{total}</td>", table), member
    assert "1 Listening" in table and "5 Co-owners" in table and cells
    app.members.value = ("Bo",)
    assert "<td>Ama</td>" not in app.totals.value and "<td>Bo</td>" in app.totals.value


def test_the_review_page_is_built_as_the_level_pages_are(demo_ledger):
    """Issue 12, item 4: its sections, hints, messages and main button are the level pages' own (one
    look, one set of CSS classes); even its page for a ledger it cannot open says why as they do."""
    from pages import find, shown_texts

    from microsolidarity_widgets.apps.review import ReviewApp, _cannot_open
    from microsolidarity_widgets.errors import LedgerError

    app = ReviewApp(demo_ledger)
    assert "ms-page" in app.widget._dom_classes
    assert [t for t in shown_texts(app) if t.startswith("<h3>")] == [
        "<h3>Groups, members and dates</h3>", "<h3>How trust grew</h3>", "<h3>In a few words</h3>",
        "<h3>Where the crews are in their seasons</h3>", "<h3>Points per member</h3>",
            "<h3>Take it home</h3>"]
    assert "ms-primary" in find(app, "Prepare downloads")._dom_classes
    app.start.value, app.end.value = app.end.value, app.start.value
    assert 'class="ms-msg ms-msg-error" role="alert"' in app.message.widget.value
    page = _cannot_open(LedgerError("The ledger is locked."))
    assert page.summary_text == "The ledger is locked."
    assert any('role="alert">The review cannot open its ledger. The ledger is locked.' in t for t in shown_texts(page))


# --- a crew's first evening (issue 21, item 9) ------------------------------------------------------

# Eight members with long names, as a crew that formed tonight may have.
EVENING_CREW = ["Anastasia Featherstonehaugh", "Bartholomew Okonkwo-Lindqvist", "Chiamaka Vasquez-Delacroix",
                "Dagny Rasmussen-Oyelaran", "Evangelina Montgomery", "Fitzgerald Nakamura-Brown",
                "Guinevere Abernathy-Singh", "Hieronymus Wojciechowski"]


def play_one_evening(ledger, day=None, group: str = "Evening crew") -> dt.date:
    """A crew created today with one listening round (five of eight came) and one money round: the
    review a new crew opens at the end of its first evening. Three members have 0 points, three have 1,
    two have 7. Returns the day."""
    day = day or dt.date.today()
    ledger.add_group(group, EVENING_CREW, kind="crew", on=day)
    ledger.record(Listening(group, day, present=EVENING_CREW[:5]))
    ledger.record(Money(group, day, speaker=EVENING_CREW[0], offers=[(EVENING_CREW[1], "introduction")],
                        asks=["an accountant who knows co-ops"], respectful=[EVENING_CREW[1]]))
    return day


@pytest.fixture(scope="module")
def evening(tmp_path_factory):
    ledger = Ledger.open(tmp_path_factory.mktemp("evening") / "ledger.sqlite")
    play_one_evening(ledger, dt.date(2026, 12, 7))
    yield ledger
    ledger.close()


def test_members_with_no_points_are_in_the_totals_the_chart_and_the_summary(evening):
    """As the phones list them: every member of the chosen crew, 0 for those who scored nothing yet."""
    from microsolidarity_widgets import charts, export

    data = ReviewData.load(evening)
    sel = Selection(groups=("Evening crew",), start="2026-12-07", end="2026-12-07")
    totals = review.member_totals(export.points_table(data, sel), review.chosen_members(data, sel))
    assert sorted(totals.index) == EVENING_CREW
    assert totals["total"].to_dict() == {**dict.fromkeys(EVENING_CREW[:2], 7), **dict.fromkeys(EVENING_CREW[2:5], 1),
                                         **dict.fromkeys(EVENING_CREW[5:], 0)}
    trust = pd.DataFrame(charts.review_charts(data, sel)["trust"].to_dict()["datasets"].popitem()[1])
    assert trust.groupby("member")["cumulative"].last().to_dict() == totals["total"].to_dict()
    assert "Fitzgerald Nakamura-Brown, Guinevere Abernathy-Singh and Hieronymus Wojciechowski earned no points " \
           "on 7 December 2026." in review.summary(data, sel)
    # one member chosen who scored nothing: listed alone, at 0
    bo = Selection(groups=("Evening crew",), members=("Hieronymus Wojciechowski",))
    assert review.member_totals(export.points_table(data, bo), review.chosen_members(data, bo))["total"].to_dict() == \
        {"Hieronymus Wojciechowski": 0}


def test_the_review_page_lists_every_member_of_the_crew(evening):
    from microsolidarity_widgets.apps.review import ReviewApp

    app = ReviewApp(evening)
    assert app.groups.value == ("Evening crew",)
    for name in EVENING_CREW:
        assert re.search(rf"<td>{name}</td>(<td[^>]*>-?\d+</td>){{6}}", app.totals.value), name
    assert "Hieronymus Wojciechowski</td>" + '<td class="num">0</td>' * 6 in app.totals.value


def test_one_evening_reads_as_one_day(evening, tmp_path):
    """Not "from 7 December 2026 to 7 December 2026": on the page, in the report and in the chart's words."""
    from microsolidarity_widgets import charts, export

    data = ReviewData.load(evening)
    for sel in (Selection(groups=("Evening crew",), start="2026-12-07", end="2026-12-07"),
                Selection(groups=("Evening crew",))):
        lines = review.summary(data, sel)
        assert lines[0] == "Evening crew earned 17 points on 7 December 2026.", lines
        assert not any("to 7 December" in line for line in lines), lines
        assert "on 7 December 2026" in charts.review_charts(data, sel)["trust"].to_dict()["description"]
    report = (export.export_group(evening, "Evening crew", tmp_path)[-1]).read_text(encoding="utf-8")
    assert '<p class="when">On 7 December 2026. Made ' in report and "to 7 December" not in report
    assert review.span_words("2026-05-01", "2026-06-30") == "from 1 May 2026 to 30 June 2026"


def test_a_congregations_members_without_points_are_counted_not_named(tmp_path):
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        for crew in ("Herons", "Otters"):
            ledger.add_group(crew, [f"{crew[0]}{i}" for i in range(5)], kind="crew", on="2026-12-07")
        lines = review.summary(ReviewData.load(ledger), Selection())
    assert "10 members earned no points on 7 December 2026." in lines
