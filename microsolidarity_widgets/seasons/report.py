"""The printable season report: one page per crew, with the season's charts, its retrospectives' actions
and the decision the crew took at its end, ready for a browser to print (A4 or Letter) or save as PDF.

Drawn from what the trust review exports (``ReviewData`` and ``charts.review_charts`` for the season's
dates), the charts as static SVG written by vl-convert, so the page needs no script and no internet
to print. Private texts stay out unless ``include_private`` is asked for: the report names each
action's owner, due day and whether it was done, and its words only then (actions are the crew's own
words, kept private in the ledger as meeting notes are); reflections, money and conflict texts are
never in it.

    >>> Path("kestrels-season.html").write_text(season_report(ledger, ["Kestrels"], paper="A4"))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from .. import charts, i18n
from ..i18n import N_
from ..ledger import Ledger
from ..review import ReviewData, Selection
from ..templating import render
from . import queries

# The review's charts a season page carries, in this order (the groups compared belong to the congregation's
# review, not to one crew's page); a chart a level does not provide is left out.
SEASON_CHARTS = ("trust", "levels", "network", "attendance")
CHART_WIDTH = 420  # px as drawn; the print CSS scales each into half the page's width
MOST_ACTIONS = 8   # a page holds this many actions; more are counted, and are in the review's exports
PAPERS = {None: "", "A4": "A4", "Letter": "letter"}
STYLE = (Path(__file__).parent.parent / "static" / "season_report.css").read_text(encoding="utf-8")

DECIDED = {
    "continue": N_("On %(day)s the crew decided to continue: a new season began that day."),
    "change": N_("On %(day)s the crew decided to change: members left or joined, and a new season began."),
    "close": N_("On %(day)s the crew decided to close. Its history and points stay; its members are back in the "
                "congregation's pool."),
}

DONE = {True: N_("done"), False: N_("not done"), None: N_("not reviewed yet")}


@dataclass(frozen=True)
class SeasonPage:
    """What one crew's page says (plain values; the template lays them out)."""

    crew: str
    season: int | None
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    where: str                      # Standing.words() on the report's day
    charts: list[tuple[str, Markup]]  # (title, SVG)
    retrospectives: list[str]       # the days held, in words
    actions: list[dict]             # owner, what (None unless private texts were asked for), due, done: words
    more_actions: int
    decision: str | None            # the sentence of the season's decision, once taken


def _svg(chart) -> Markup:
    import vl_convert

    # vl-convert writes Vega's SVG, every name in it escaped as text; the page takes it as it is.
    return Markup(vl_convert.vegalite_to_svg(chart.properties(width=CHART_WIDTH).to_dict()))


def _season_of(ev: pd.DataFrame, day: pd.Timestamp) -> pd.Series | None:
    """The season a report on ``day`` is about: the latest begun before that day, so that on the day a crew
    decides, its report is of the season it just decided on (the next one begins that same day)."""
    rows = ev[ev["kind"] == "season"].sort_values(["date", "id"])
    begun = rows[rows["date"] < day]
    if begun.empty:
        begun = rows[rows["date"] <= day]
    return None if begun.empty else begun.iloc[-1]


def _page(ledger: Ledger, data: ReviewData, ev: pd.DataFrame, crew: str, day: pd.Timestamp, closed,
          include_private: bool, w: i18n.Words) -> SeasonPage:
    where = queries._standing(ev, crew, day, closed).words(w)
    season = _season_of(ev, day)
    if season is None:
        return SeasonPage(crew, None, None, None, where, [], [], [], 0, None)
    number = int((ev.loc[ev["kind"] == "season", "date"] <= season["date"]).sum())
    start, end = season["date"], pd.Timestamp(season["data"]["end"])
    following = ev[(ev["kind"] == "season") & (ev["date"] > start)]["date"]
    # What the season holds, as known on the report's day: nothing of a later season, nothing after that day.
    until = min(following.min() if len(following) else end, day)
    # The decision that ends this season: after it began (not the one that began it), by the next one.
    began_by = season["ref_id"] if pd.notna(season["ref_id"]) else -1
    decided = ev[(ev["kind"] == "season_decided") & (ev["date"] >= start) & (ev["date"] <= until)
                 & (ev["id"] != began_by)].sort_values(["date", "id"])
    decision = None if decided.empty else w._(DECIDED[decided["outcome"].iloc[0]],
                                              day=w.date(decided["date"].iloc[0]))
    drawn = charts.review_charts(data, Selection(groups=(crew,), start=start, end=until))
    titles = charts.chart_titles()
    chosen = [(titles[key], _svg(drawn[key])) for key in SEASON_CHARTS if key in drawn]
    held = ev[(ev["kind"] == "retrospective") & (ev["date"] >= start) & (ev["date"] <= until)]["date"]
    acts = queries.actions(ledger, crew, include_private=include_private)
    acts = acts[(acts["date"] >= start) & (acts["date"] <= until)].sort_values(["due", "id"])
    listed = [{"owner": a.owner, "what": a.what, "due": w.date(a.due),
               "done": w._(DONE[None if pd.isna(a.done) else bool(a.done)])}
              for a in acts.head(MOST_ACTIONS).itertuples()]
    return SeasonPage(crew, number, start, end, where, chosen, [w.date(d) for d in sorted(held)], listed,
                      max(0, len(acts) - MOST_ACTIONS), decision)


def season_report(ledger: Ledger, crews=(), on=None, *, include_private: bool = False, paper: str | None = None,
                  lang: str | None = None, data: ReviewData | None = None) -> str:
    """One printable page per crew (every crew when ``crews`` is empty) about its season on ``on`` (default
    today): where it is, the season's charts, its retrospectives and actions, and its decision.

    ``paper``: "A4" or "Letter" fixes the page size the browser prints on; by default the printer's
    (every page fits either). ``lang``: the report's language (default the facilitator's). ``data``: the
    review's data when a page has it already (the review page does), else read from ``ledger``.
    ``include_private``: the actions' words too (see the module's note).
    """
    if paper not in PAPERS:
        raise ValueError(f"paper is 'A4' or 'Letter' (or None for the printer's), not {paper!r}")
    w = i18n.words(lang)
    day = queries._day(on)
    data = data or ReviewData.load(ledger)
    every = queries._live(ledger, include_private=False)
    closed = queries._closed(every)
    groups = ledger.groups()
    names = [ledger.group_name(c) for c in crews] or groups.loc[groups["kind"] == "crew", "group"].tolist()
    pages = [_page(ledger, data, every[every["group"] == name], name, day, closed.get(name), include_private, w)
             for name in names]
    return str(render("season_report.html", w, pages=pages, day=day, paper=PAPERS[paper], style=Markup(STYLE),
                      private=include_private))


def season_report_file_name(stem: str) -> str:
    return f"{stem}-season-report.html"
