"""What a crew can take away from a review: CSV tables, chart images and one HTML report.

Everything is built charts. The report inlines Vega, Vega-Lite and Vega-Embed, so it opens from
a USB stick on a machine with no internet. Private notes (money and conflict texts) stay out
unless ``include_private`` is asked for. Names are user input: in the report they are escaped
as text, and in CSV a leading ``= + - @`` is neutralised so a spreadsheet never runs a name.

    >>> export_group(ledger, "Kestrels", "exports/")        # -> [Path(...), ...]
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
from markupsafe import Markup

from . import charts, review
from .review import ReviewData, Selection
from .templating import render
from .values import day_words, file_stem, file_stems

EXPORT_WIDTH = 760
CSV_FORMULA = re.compile(r"^[=+\-@\t\r]")


# --- tables ----------------------------------------------------------------------------------


def _safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula get a leading apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and CSV_FORMULA.match(v) else v)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    return _safe_cells(frame).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def events_table(ledger, sel: Selection = Selection(), include_private: bool = False) -> pd.DataFrame:
    """The chosen events (groups, dates, members) with private notes only when asked for."""
    events = ledger.events(include_private=include_private)
    parts = ledger.participants(include_private=include_private)
    events = sel.when(events)
    if sel.groups:
        events = events[events["group"].isin(sel.groups)]
    if sel.members:
        events = events[events["id"].isin(parts.loc[parts["member"].isin(sel.members), "event_id"])]
    if include_private:
        said = parts.dropna(subset=["texts"])
        said = said.assign(text=said["member"] + " (" + said["role"] + "): " +
                           said["texts"].map(lambda texts: "; ".join(map(str, texts.values()))))
        events = events.assign(member_notes=events["id"].map(said.groupby("event_id")["text"].agg("; ".join)))
    else:
        events = events.drop(columns=["texts"])
    # A spreadsheet cell holds text: each event's named fields as JSON, {"name": "Kestrel Pod", …}.
    named = [c for c in ("data", "texts") if c in events.columns]
    events = events.assign(**{c: events[c].map(lambda d: None if d is None else json.dumps(d, ensure_ascii=False))
                              for c in named})
    return events.reset_index(drop=True)


def points_table(data: ReviewData, sel: Selection = Selection()) -> pd.DataFrame:
    return sel.when(sel.who(data.points)).reset_index(drop=True)


# --- charts ----------------------------------------------------------------------------------


def _fixed_width(chart: alt.TopLevelMixin) -> dict:
    """The chart's spec with a fixed width: there is no page container to fill in an export."""
    return chart.properties(width=EXPORT_WIDTH).to_dict()


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(_fixed_width(chart), scale=scale)


def chart_svg(chart: alt.TopLevelMixin, width: int = EXPORT_WIDTH) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.properties(width=width).to_dict()).encode("utf-8")


# --- the report ------------------------------------------------------------------------------


def _script_json(value) -> str:
    """JSON that is safe inside an inline <script>: no tag or entity can start in it."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# The exported report's CSS, inlined into its <style> so the one file works charts.
REPORT_STYLE = "\n" + (Path(__file__).with_name("static") / "report.css").read_text(encoding="utf-8")


def report_html(title: str, when: str, chart_specs: dict[str, alt.TopLevelMixin], summary: list[str],
                totals: pd.DataFrame | None = None) -> str:
    """One self-contained page: the summary, every chart (drawn by the inlined Vega) and totals."""
    specs = {f"chart-{i}": _fixed_width(c) for i, c in enumerate(chart_specs.values())}
    rows = [] if totals is None else list(zip(totals.index, totals.itertuples(index=False)))
    return render("report.html", title=title, when=when, summary=summary, charts=list(chart_specs), totals=totals,
                  rows=rows, specs=Markup(_script_json(specs)), style=Markup(REPORT_STYLE),
                  bundle=Markup(charts.report_bundle()))


def _span(data: ReviewData, sel: Selection) -> str:
    first, last = data.date_span()
    start = sel.start.date() if sel.start is not None else first
    end = sel.end.date() if sel.end is not None else last
    span = review.span_words(start, end)
    return f"{span[0].upper()}{span[1:]}. Made {day_words(dt.date.today())}."


def review_files(ledger, data: ReviewData, sel: Selection, include_private: bool = False,
                 stem: str | None = None) -> dict[str, bytes]:
    """Every export of one review, in memory: {file name: content}."""
    stem = stem or ("-".join(file_stem(g) for g in sel.groups) if sel.groups else "congregation")
    chosen = charts.review_charts(data, sel)
    summary = review.summary(data, sel)
    files = {
        f"{stem}-events.csv": to_csv(events_table(ledger, sel, include_private)),
        f"{stem}-points.csv": to_csv(points_table(data, sel)),
    }
    if not sel.groups:  # the whole congregation: its pool, invitations and the crews it formed too
        extra, tables = congregation_exports(ledger, include_private)
        chosen.update(extra)
        files.update({f"{stem}-{key}.csv": to_csv(table) for key, table in tables.items()})
    for key, chart in chosen.items():
        files[f"{stem}-{key}.png"] = chart_png(chart)
        files[f"{stem}-{key}.svg"] = chart_svg(chart)
    title = "Trust review: " + (", ".join(sel.groups) if sel.groups else "the whole congregation")
    files[f"{stem}-report.html"] = report_html(title, _span(data, sel), chosen, summary,
                                               review.member_totals(points_table(data, sel),
                                                                    review.chosen_members(data, sel))).encode("utf-8")
    return files


def congregation_exports(ledger, include_private: bool = False) -> tuple[dict[str, alt.Chart], dict[str, pd.DataFrame]]:
    """Each congregation's charts (who brought whom, the crews it formed compared; the pool by
    availability only with ``include_private``, as it is drawn from personal answers) and its pool table
    (answers only with ``include_private``), keyed for file names."""
    from .congregation import Congregation

    chosen, tables = {}, {}
    for name, slug in file_stems(Congregation.names(ledger)).items():
        c = Congregation(ledger, name)
        chosen[f"{slug}-invitations"] = charts.invitation_chart(c.invitation_tree(), title=f"{name}: who brought whom")
        chosen[f"{slug}-crews"] = charts.crews_chart(c.compare_crews(), title=f"{name}: the crews that formed")
        if include_private:
            chosen[f"{slug}-availability"] = charts.availability_chart(c.availability(), title=f"{name}: availability")
        pool = c.pool(include_private=include_private)
        for col in ("work", "slots", "knows"):
            if col in pool:
                pool[col] = pool[col].map("; ".join)
        tables[f"{slug}-pool"] = pool
    return chosen, tables


def export_group(ledger, group: str, out_dir, include_private: bool = False) -> list[Path]:
    """Write one group's review (CSV of events and points, PNG and SVG of each chart, the HTML
    report) into ``out_dir`` and return the paths written."""
    name = ledger.group_name(group)
    data = ReviewData.load(ledger)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for file_name, content in review_files(ledger, data, Selection(groups=(name,)), include_private).items():
        path = out / file_name
        path.write_bytes(content)
        paths.append(path)
    return paths

