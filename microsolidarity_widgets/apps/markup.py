"""The HTML the pages build: escaped text, lists, tables and a chart's figures as a table.

Anything a person typed is shown as text: every piece of HTML built here goes through ``html.escape``
first (``esc``), and the pages' widgets take these strings as their ``value``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Iterable

import altair as alt
import pandas as pd

from .. import charts

# Every level page starts with this <style> block; the rules live in static/session.css.
STYLE = "\n<style>\n" + (Path(__file__).with_name("static") / "session.css").read_text(encoding="utf-8") + "</style>\n"

def esc(value: object) -> str:
    """Text as it must appear inside HTML, names and notes above all."""
    return html.escape("" if value is None else str(value), quote=True)


def html_list(items: Iterable[str], cls: str = "ms-prompts") -> str:
    return f'<ul class="{cls}">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def html_table(frame: pd.DataFrame, numeric: Iterable[str] = (), footer: dict | None = None,
               caption: str | None = None) -> str:
    """A small table, every cell escaped, in a box that scrolls sideways on its own when the window is
    narrower than the table (the page template lets the keyboard reach the box then)."""
    numeric = set(numeric)
    cls = {c: ' class="num"' if c in numeric else "" for c in frame.columns}
    head = "".join(f'<th scope="col"{cls[c]}>{esc(c)}</th>' for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td{cls[c]}>{esc(v)}</td>" for c, v in zip(frame.columns, row)) + "</tr>"
                   for row in frame.itertuples(index=False))
    foot = ""
    if footer:
        foot = "<tfoot><tr>" + "".join(f"<td{cls[c]}>{esc(footer.get(c, ''))}</td>" for c in frame.columns) + "</tr></tfoot>"
    label = caption or "Table of " + ", ".join(map(str, frame.columns))
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="ms-scroll" data-label="{esc(label)}"><table class="ms-table">{cap}'
            f'<thead><tr>{head}</tr></thead><tbody>{rows}</tbody>{foot}</table></div>')


CHART_TABLE_ROWS = 60


def chart_table(chart) -> str:
    """The figures a chart draws, as a table a screen reader can read (and anyone can open): the fields
    of the chart's tooltip, titled as there, from the chart's own data (its latest rows when long)."""
    title = charts.title_text(chart)
    source = chart
    if isinstance(chart, alt.LayerChart):  # a layered chart: the figures of its layer with a tooltip
        source = next((layer for layer in chart.layer
                       if isinstance(getattr(layer.encoding, "tooltip", None), list)), chart.layer[0])
    data = source.data if isinstance(source.data, pd.DataFrame) else \
        chart.data if isinstance(chart.data, pd.DataFrame) else pd.DataFrame()
    tooltip = getattr(getattr(source, "encoding", None), "tooltip", None)
    tips = tooltip if isinstance(tooltip, list) else []
    columns, aggregate = {}, {}
    for tip in tips:
        spec = tip.to_dict()
        field = spec.get("field")
        if field not in data.columns:
            continue
        name = spec.get("title", field)
        column = data[field]
        if spec.get("type") == "temporal":
            column = pd.to_datetime(column).dt.strftime(spec.get("format", "%d %b %Y"))
        columns[name] = column
        if spec.get("aggregate"):
            aggregate[name] = spec["aggregate"]
    if "date" in data.columns:  # the latest rows are the ones kept when the table is long
        order = data["date"].argsort(kind="stable")
        columns = {name: column.iloc[order] for name, column in columns.items()}
    table = pd.DataFrame(columns)
    for name in table.columns:  # a missing word is left blank, never written "nan" (the hosts have no inviter)
        if not pd.api.types.is_numeric_dtype(table[name]):
            table[name] = table[name].astype(object).where(table[name].notna(), "")
    if aggregate and len(table.columns) > len(aggregate):
        keys = [c for c in table.columns if c not in aggregate]
        table = table.groupby(keys, sort=False, observed=True).agg(aggregate).reset_index()
    if table.empty:
        return ""
    shown = table.tail(CHART_TABLE_ROWS)
    more = (f"<p>The latest {len(shown)} of {len(table)} rows; the review's downloads have them all.</p>"
            if len(shown) < len(table) else "")
    numeric = [c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])]
    return (f'<details class="ms-chart-table"><summary>{esc(title)}: the figures as a table</summary>'
            f"{more}{html_table(shown, numeric=numeric, caption=title)}</details>")
