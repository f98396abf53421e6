"""The HTML the pages build: escaped text, lists, tables and a chart's figures as a table.

Every piece comes from a small Jinja2 template in ``templates/widgets/`` (``snippet``), autoescaped:
anything a person typed is shown as text, and the pages' widgets take these strings as their ``value``.
Texts in the templates are said in the page's language (``w``, the kernel's by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import altair as alt
import pandas as pd
from markupsafe import Markup, escape

from .. import charts, i18n, templating

# Every level page starts with this <style> block; the rules live in static/session.css.
STYLE = "\n<style>\n" + (Path(__file__).with_name("static") / "session.css").read_text(encoding="utf-8") + "</style>\n"


def snippet(template: str, w: i18n.Words | None = None, **values) -> str:
    """``templates/widgets/<template>.html`` rendered with ``values`` in ``w``'s language, as a widget's value."""
    return str(templating.render(f"widgets/{template}.html", w, **values))


def esc(value: object) -> Markup:
    """Text as it must appear inside HTML, names and notes above all."""
    return escape("" if value is None else str(value))


def html_list(items: Iterable[str], cls: str = "ms-prompts", lead: str = "") -> str:
    """A list of ``items``, which are markup: escape what people typed (``esc``) before it comes here."""
    return snippet("list", items=[Markup(item) for item in items], cls=cls, lead=lead)


def box(text: str, cls: str = "ms-hint") -> str:
    """A line of plain ``text`` in one of the pages' styles (a hint, a caution, a message)."""
    return snippet("box", text=text, cls=cls)


def lead(words: str, text: str = "", then: str = "") -> str:
    """``words`` in bold, then plain ``text`` and/or markup ``then`` (a table another template made)."""
    return snippet("lead", lead=words, text=text, then=Markup(then))


def empty(text: str) -> str:
    """What a list or table shows while it has nothing (in italics)."""
    return snippet("empty", text=text)


def html_table(frame: pd.DataFrame, numeric: Iterable[str] = (), footer: dict | None = None,
               caption: str | None = None, w: i18n.Words | None = None) -> str:
    """A small table, every cell escaped, in a box that scrolls sideways on its own when the window is
    narrower than the table (the page template lets the keyboard reach the box then)."""
    w = w or i18n.words()
    columns = [str(c) for c in frame.columns]
    label = caption or w._("Table of %(columns)s", columns=w.list(columns))
    rows = [list(zip(columns, row)) for row in frame.itertuples(index=False)]
    return snippet("table", w, columns=columns, rows=rows, numeric={str(c) for c in numeric}, footer=footer,
                   caption=caption, label=label)


CHART_TABLE_ROWS = 60
# The charts' date formats (d3's, as in their tooltips) in Babel's patterns: the table writes its dates in
# the page's language (month names included); a format not listed here is written as d3 would.
DATE_PATTERNS = {"%d %b %Y": "dd MMM y", "%B %Y": "LLLL y", "%Y": "y"}


def chart_table(chart, w: i18n.Words | None = None) -> str:
    """The figures a chart draws, as a table a screen reader can read (and anyone can open): the fields
    of the chart's tooltip, titled as there, from the chart's own data (its latest rows when long)."""
    w = w or i18n.words()
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
            written = spec.get("format", "%d %b %Y")
            pattern = DATE_PATTERNS.get(written)
            column = pd.to_datetime(column)
            column = column.dt.strftime(written) if pattern is None else \
                column.map(lambda t: "" if pd.isna(t) else w.date(t.date(), pattern))
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
    numeric = [c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])]
    return snippet("chart_table", w, title=title, more=len(shown) < len(table), shown=w.number(len(shown)),
                   rows=w.number(len(table)), table=Markup(html_table(shown, numeric=numeric, caption=title, w=w)))
