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

from . import charts, levels, review
from .i18n import N_, _
from .review import ReviewData, Selection
from .seasons.report import season_report, season_report_file_name  # the printable one, a page per crew
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


# Each table's columns as a spreadsheet's reader sees them (``header="words"``), in the language spoken.
COLUMN_WORDS = {
    "id": N_("event number"), "date": N_("date"), "recorded_at": N_("recorded at"), "kind": N_("kind"),
    "level": N_("level"), "group": N_("group"), "members": N_("members"), "outcome": N_("outcome"),
    "data": N_("details"), "ref_id": N_("refers to event"), "voided": N_("voided"),
    "voided_by": N_("voided by event"), "private": N_("private"), "texts": N_("texts"),
    "member_notes": N_("members' notes"), "member": N_("member"), "points": N_("points"),
    "event_id": N_("event number"), "reason": N_("reason"), "name": N_("name"), "invited_by": N_("invited by"),
    "joined": N_("joined"), "answered": N_("answered"), "work": N_("work"), "slots": N_("free times"),
    "region": N_("region"), "size": N_("crew size"), "knows": N_("knows"),
}
HEADERS = ("words", "keys")


def to_csv(frame: pd.DataFrame, header: str = "words") -> bytes:
    """The table as UTF-8 CSV. Its first row is, with ``header="words"`` (the default: an export is
    opened by people, in a spreadsheet), each column in the reader's language; with ``header="keys"``,
    the columns' keys (``event_id``, ``member_notes``), the same in every language, for a script that
    reads the file back."""
    if header not in HEADERS:
        raise ValueError(f"header is one of {HEADERS}, not {header!r}")
    frame = _safe_cells(frame)
    if header == "words":
        frame = frame.rename(columns=lambda key: _(COLUMN_WORDS[key]) if key in COLUMN_WORDS else key)
    return frame.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


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


def points_table(data: ReviewData, sel: Selection = Selection(), worded: bool = False) -> pd.DataFrame:
    """The chosen awards; ``worded``: each reason in the language spoken (``levels.reason_words``) rather
    than its key, the same in every language, that a file headed by keys keeps for a script."""
    table = sel.when(sel.who(data.points)).reset_index(drop=True)
    if worded:
        said = {r: levels.reason_words(r) for r in table["reason"].unique()}  # a few reasons, many rows
        table["reason"] = table["reason"].map(said)
    return table


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
    labels = [charts.title_text(c) if isinstance(c, alt.TopLevelMixin) else key for key, c in chart_specs.items()]
    return render("report.html", title=title, when=when, summary=summary, charts=labels, totals=totals,
                  rows=rows, specs=Markup(_script_json(specs)),
                  embed_options=Markup(_script_json(charts.embed_options())), style=Markup(REPORT_STYLE),
                  bundle=Markup(charts.report_bundle()))


def _span(data: ReviewData, sel: Selection) -> str:
    first, last = data.date_span()
    start = sel.start.date() if sel.start is not None else first
    end = sel.end.date() if sel.end is not None else last
    span = review.span_words(start, end)
    return f"{span[0].upper()}{span[1:]}. " + _("Made %(day)s.", day=day_words(dt.date.today()))


def review_files(ledger, data: ReviewData, sel: Selection, include_private: bool = False,
                 stem: str | None = None, header: str = "words") -> dict[str, bytes]:
    """Every export of one review, in memory: {file name: content}, its words in the language spoken
    (``i18n.speaking``); the CSV files headed as ``to_csv``'s ``header`` says. File names stay the same
    in every language."""
    stem = stem or ("-".join(file_stem(g) for g in sel.groups) if sel.groups else "congregation")
    chosen = charts.review_charts(data, sel)
    summary = review.summary(data, sel)
    files = {
        f"{stem}-events.csv": to_csv(events_table(ledger, sel, include_private), header),
        f"{stem}-points.csv": to_csv(points_table(data, sel, worded=header == "words"), header),
    }
    if not sel.groups:  # the whole congregation: its pool, invitations and the crews it formed too
        extra, tables = congregation_exports(ledger, include_private)
        chosen.update(extra)
        files.update({f"{stem}-{key}.csv": to_csv(table, header) for key, table in tables.items()})
    for key, chart in chosen.items():
        files[f"{stem}-{key}.png"] = chart_png(chart)
        files[f"{stem}-{key}.svg"] = chart_svg(chart)
    crews = [g for g in sel.groups if g in set(data.groups.loc[data.groups["kind"] == "crew", "group"])]
    if crews or not sel.groups:  # the chosen crews' seasons, every crew's for the whole congregation
        files[season_report_file_name(stem)] = season_report(ledger, crews, include_private=include_private,
                                                             data=data).encode("utf-8")
    title = (_("Trust review: %(groups)s", groups=", ".join(sel.groups)) if sel.groups
             else _("Trust review: the whole congregation"))
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
        chosen[f"{slug}-invitations"] = charts.invitation_chart(
            c.invitation_tree(), title=_("%(congregation)s: who brought whom", congregation=name))
        chosen[f"{slug}-crews"] = charts.crews_chart(
            c.compare_crews(), title=_("%(congregation)s: the crews that formed", congregation=name))
        if include_private:
            chosen[f"{slug}-availability"] = charts.availability_chart(
                c.availability(), title=_("%(congregation)s: availability", congregation=name))
        pool = c.pool(include_private=include_private)
        for col in ("work", "slots", "knows"):
            if col in pool:
                pool[col] = pool[col].map("; ".join)
        tables[f"{slug}-pool"] = pool
    return chosen, tables


def export_group(ledger, group: str, out_dir, include_private: bool = False, header: str = "words") -> list[Path]:
    """Write one group's review (CSV of events and points, PNG and SVG of each chart, the HTML
    report) into ``out_dir`` and return the paths written (``header``: see ``to_csv``)."""
    name = ledger.group_name(group)
    data = ReviewData.load(ledger)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    files = review_files(ledger, data, Selection(groups=(name,)), include_private, header=header)
    for file_name, content in files.items():
        path = out / file_name
        path.write_bytes(content)
        paths.append(path)
    return paths

