"""Charts say nothing in English on a page in another language: the chart's own description (the drawing's
aria-label) says its title, its notes and what each axis and legend shows, in the page's language; Vega's
own English descriptions ("X-axis titled '…' for a time scale…", "Symbol legend titled …", "Title text
'…'") are out of the accessibility tree; and the time axes' months are the page's."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from microsolidarity_widgets import Ledger, charts, demo, export, i18n, levels
from microsolidarity_widgets.review import ReviewData, Selection

# What Vega writes itself, in English, for a title, an axis or a legend.
VEGAS_ENGLISH = re.compile(r"[XY]-axis|axis titled|(Symbol|Gradient|Size) legend|legend titled|Title text|Subtitle text"
                           r"|for an? \w+ scale")
LANGUAGES = ["es", "pt_PT", "de"]


def _trust():
    return pd.DataFrame({"date": pd.to_datetime(["2026-01-05", "2026-03-02"]), "member": ["Ana", "Ana"],
                         "points": [1, 2]})


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    with Ledger.open(demo.write(tmp_path_factory.mktemp("demo") / "demo.sqlite")) as ledger:
        yield ReviewData.load(ledger)


def every_chart(data) -> dict:
    """Every chart the pages draw, in the language spoken: the review's (each level's own among them)
    and the congregation's (a layered tree among them)."""
    tree = pd.DataFrame({"name": ["Abi", "Bram"], "inviter": [None, "Abi"], "generation": [0, 1], "x": [0, 1],
                         "y": [0, 0], "parent_x": [None, 0], "parent_y": [None, 0]})
    slots = pd.DataFrame({"day": ["Tue", "Tue"], "part": ["morning", "evening"], "people": [1, 3]})
    compare = pd.DataFrame({"crew": ["Harbour crew 1"], "formed": [pd.Timestamp("2026-01-05")],
                            "level_name": [list(levels.labels().values())[0]], "points": [4]})
    return {**charts.review_charts(data, Selection(groups=("Kestrels",))), "phone": charts.trust_chart(_trust()),
            "invitations": charts.invitation_chart(tree), "availability": charts.availability_chart(slots),
            "crews": charts.crews_chart(compare)}


def reachable_labels(svg: str) -> list[str]:
    """The aria-labels of a drawing a screen reader can reach: none inside an aria-hidden group."""
    labels = []

    def walk(el, hidden):
        hidden = hidden or el.get("aria-hidden") == "true"
        if not hidden and el.get("aria-label"):
            labels.append(el.get("aria-label"))
        for child in el:
            walk(child, hidden)

    walk(ET.fromstring(svg), False)
    return labels


def said_before(w: i18n.Words, message: str) -> str:
    """A message's words before its ``%(what)s``, in ``w``'s language ("Horizontale Achse: ")."""
    return w._(message).split("%(what)s")[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_axis_and_legend_is_described_in_the_pages_language(data, lang):
    w = i18n.words(lang)
    with i18n.speaking(lang):
        made = every_chart(data)
    with i18n.speaking("en"):
        english = every_chart(data)
    for key, chart in made.items():
        spec = chart.to_dict()
        description = spec["description"]
        assert description != english[key].to_dict()["description"], key
        assert charts.title_text(chart) in description, key  # so the title can leave the accessibility tree
        encodings = [layer.get("encoding", {}) for layer in spec.get("layer", [spec])]
        axes = {c for enc in encodings for c in ("x", "y") if c in enc and enc[c].get("axis", {}) is not None}
        for channel in axes:
            said = said_before(w, "Horizontal axis: %(what)s." if channel == "x" else "Vertical axis: %(what)s.")
            assert said in description, (key, channel, description)
        assert "axis:" not in description and "Legend:" not in description, (key, description)
        # Vega's own descriptions: none a screen reader reaches in the drawing.
        left = [label for label in reachable_labels(export.chart_svg(chart).decode()) if VEGAS_ENGLISH.search(label)]
        assert not left, (key, left)


def test_a_charts_axes_and_legend_in_german():
    with i18n.speaking("de"):
        spec = charts.trust_chart(_trust()).to_dict()
    assert spec["description"].endswith("Horizontale Achse: Datum. Vertikale Achse: Punkte bisher. Legende: Mitglied.")
    assert spec["config"]["mark"]["aria"] is False  # single marks: the page's table says the figures
    assert spec["config"]["axis"]["aria"] is False and spec["config"]["legend"]["aria"] is False
    assert spec["title"]["aria"] is False


def test_the_months_and_days_are_the_languages_own():
    german = charts.time_format_locale(i18n.words("de"))
    assert german["months"][2] == "März" and german["shortMonths"][11] == "Dez."
    assert german["days"][0] == "Sonntag" and german["shortDays"][1] == "Mo."  # d3 counts from Sunday
    assert charts.time_format_locale(i18n.words("pt_PT"))["months"][0] == "janeiro"
    assert charts.time_format_locale(i18n.words(i18n.PSEUDO))["shortMonths"][0] == i18n.pseudo("Jan")


def test_pages_and_reports_embed_the_charts_with_the_languages_dates():
    with i18n.speaking("es"):
        widget = charts.chart_widget(charts.trust_chart(_trust()))
        page = export.report_html("t", "w", {"trust": charts.trust_chart(_trust())}, ["s"])
    assert widget.embed_options["timeFormatLocale"]["months"][0] == "enero"
    assert '"enero"' in page and "...embedOptions" in page
