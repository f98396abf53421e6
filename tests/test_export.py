"""Exports: CSV tables (private notes only on request), chart images, the offline HTML report."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest

from microsolidarity_widgets import Ledger, LedgerError, charts, export
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.money import Money
from microsolidarity_widgets.review import ReviewData, Selection
from test_worked_example import play_worked_example

ODD = '=HYPERLINK(1) & "Jo"'
SECRETS = ("SECRET-salary", "SECRET-hurt", "SECRET-offer", "SECRET-ask", "SECRET-closing")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    ledger = Ledger.open(tmp_path_factory.mktemp("export") / "ledger.sqlite")
    play_worked_example(ledger)
    ledger.add_member("Kestrels", ODD, on="2026-01-02")
    ledger.record(Money("Kestrels", "2026-03-10", speaker="Bo", offers=[("Caz", "other", SECRETS[2]), (ODD, "other")],
                        asks=[SECRETS[3]], note=SECRETS[0]))
    cid = ledger.record(ConflictOpened("Kestrels", "2026-03-11", parties=["Ama", "Dev"], description=SECRETS[1]))
    ledger.record(ConflictClosed(cid, "2026-03-12", outcome="resolved", note=SECRETS[4]))
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def written(ledger, tmp_path_factory):
    return export.export_group(ledger, "kestrels", tmp_path_factory.mktemp("out"))


def test_export_group_writes_every_file(written):
    names = sorted(p.name for p in written)
    assert names == sorted(["Kestrels-events.csv", "Kestrels-points.csv", "Kestrels-report.html"]
                           + [f"Kestrels-{k}.{ext}" for k in charts.chart_titles() for ext in ("png", "svg")])
    for path in written:
        assert path.exists() and path.stat().st_size > 0
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if path.suffix == ".svg":
            assert path.read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_unknown_group_is_a_clear_error(ledger, tmp_path):
    with pytest.raises(LedgerError, match="no group called"):
        export.export_group(ledger, "Nobody", tmp_path)
    assert not list(tmp_path.iterdir())


def test_csv_leaves_private_notes_out_unless_asked(ledger, written):
    public = next(p for p in written if p.name == "Kestrels-events.csv").read_text(encoding="utf-8")
    assert not any(s in public for s in SECRETS)
    assert "money" in public and "conflict_closed" in public
    private = export.to_csv(export.events_table(ledger, Selection(groups=("Kestrels",)), include_private=True))
    private = private.decode("utf-8")
    assert all(s in private for s in SECRETS)


def test_points_csv_matches_the_ledger(ledger, written):
    got = pd.read_csv(next(p for p in written if p.name == "Kestrels-points.csv"), parse_dates=["date"])
    want = ledger.points()
    want = want[want["group"] == "Kestrels"].reset_index(drop=True)
    want["member"] = want["member"].replace({ODD: "'" + ODD})  # the one name a spreadsheet would run
    assert got[["member", "level", "points"]].values.tolist() == want[["member", "level", "points"]].values.tolist()
    assert (got["date"] == want["date"]).all()


def test_csv_never_hands_a_spreadsheet_a_formula(written):
    text = next(p for p in written if p.name == "Kestrels-events.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text))
    cells = frame.astype(str).stack()
    assert not cells.str.match(r"^[=+@]").any()
    assert cells.str.contains("'" + ODD, regex=False).any()


def test_report_is_self_contained_and_escapes_names(written):
    page = next(p for p in written if p.name == "Kestrels-report.html").read_text(encoding="utf-8")
    markup = re.sub(r"<script>.*?</script>", "<script></script>", page, flags=re.S)
    assert markup.count("<script></script>") == 2  # the inlined Vega bundle, then the charts
    assert not re.search(r"\b(src|href)=", markup, re.I)  # nothing to fetch
    assert "vegaEmbed" in page and page.count('class="chart"') == len(charts.chart_titles())
    assert "<td>=HYPERLINK(1) &amp; &#34;Jo&#34;</td>" in page  # in the totals table, as text
    assert not any(s in page for s in SECRETS)


def test_report_html_escapes_markup_in_names_and_specs(ledger):
    data = ReviewData.load(ledger)
    evil = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
    chart = charts.levels_chart(data.points.assign(level_name=evil), title=evil)
    totals = pd.DataFrame({"total": [1]}, index=[evil])
    page = export.report_html(evil, evil, {"levels": chart}, [evil], totals)
    body = page[page.index("<body>"):]
    assert "<img" not in body and body.count("<script>") == 1 and "alert(2)</script>" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "\\u003cimg" in body  # the chart spec, JSON-escaped inside the script


def test_congregations_whose_names_look_alike_in_a_file_name_keep_their_own_files(tmp_path):
    """"Zoë circle" and "Zoe circle" both become "Zoe-circle" in a file name: the second is told apart,
    so one congregation's charts and pool never overwrite the other's."""
    from microsolidarity_widgets import Ledger
    from microsolidarity_widgets.congregation import Congregation
    from microsolidarity_widgets.export import congregation_exports
    from microsolidarity_widgets.values import day_words, file_stems

    assert file_stems(["Zoë circle", "Zoe circle", "🦊", "🐝"]) == {
        "Zoë circle": "Zoe-circle", "Zoe circle": "Zoe-circle-2", "🦊": "group", "🐝": "group-2"}
    assert day_words(dt.date(2026, 12, 1)) == "1 December 2026" and day_words(dt.date(2026, 12, 1), short=True) == "1 Dec 2026"
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        for name in ("Zoë circle", "Zoe circle"):
            Congregation.create(ledger, name, on="2026-01-01").add_person(f"Host of {name}", on="2026-01-02")
        charts, tables = congregation_exports(ledger)
        assert set(tables) == {"Zoe-circle-pool", "Zoe-circle-2-pool"}
        assert {len(t) for t in tables.values()} == {1} and len(charts) == 4


def test_the_whole_congregations_review_carries_each_congregations_charts(tmp_path):
    """Issue 14, item 4: who brought whom, the crews that formed compared and the pool table are in the review
    of the whole congregation; the availability chart and the answers only when private texts are asked for."""
    from microsolidarity_widgets.congregation import Congregation

    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        lisbon = Congregation.create(ledger, "Lisbon circle", on="2026-01-01")
        for name in ("Ama", "Bo", "Caz"):
            lisbon.add_person(name, on="2026-01-02", answers={"work": "SECRET-zebras", "slots": "Tue evening"})
        lisbon.invite("Ama", "Dev", on="2026-01-03", answers={"work": "SECRET-zebras", "slots": "Tue evening"})
        lisbon.form_crews([["Ama", "Bo", "Caz", "Dev"]], on="2026-01-04")
        data = ReviewData.load(ledger)
        files = export.review_files(ledger, data, Selection())
        private = export.review_files(ledger, data, Selection(), include_private=True)
        crew = export.review_files(ledger, data, Selection(groups=("Lisbon circle crew 1",)))
    own = {"invitations.png", "invitations.svg", "crews.png", "crews.svg", "pool.csv"}
    assert {n.removeprefix("congregation-Lisbon-circle-") for n in files if "Lisbon-circle" in n} == own
    assert {n.removeprefix("congregation-Lisbon-circle-") for n in private if "Lisbon-circle" in n} == own | {
        "availability.png", "availability.svg"}
    report = files["congregation-report.html"].decode()
    assert "Lisbon circle: who brought whom" in report and "Lisbon circle: the crews that formed" in report
    assert b"SECRET" not in b"".join(files.values()) and b"SECRET-zebras" in private["congregation-Lisbon-circle-pool.csv"]
    assert not any(n.endswith(("-invitations.png", "-pool.csv")) for n in crew)  # one crew's review: that crew
