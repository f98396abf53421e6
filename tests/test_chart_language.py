"""Charts say nothing in English on a page in another language: Vega's own ARIA descriptions are off (the
chart's translated description stays for screen readers) and the time axes' months are the page's."""

from __future__ import annotations

import pandas as pd

from microsolidarity_widgets import charts, export, i18n


def _trust():
    return pd.DataFrame({"date": pd.to_datetime(["2026-01-05", "2026-03-02"]), "member": ["Ana", "Ana"],
                         "points": [1, 2]})


def test_the_charts_own_description_is_said_in_the_pages_language():
    with i18n.speaking("de"):
        spec = charts.trust_chart(_trust()).to_dict()
    with i18n.speaking("en"):
        english = charts.trust_chart(_trust()).to_dict()["description"]
    assert spec["config"]["mark"]["aria"] is False  # single marks: the page's table says the figures
    assert spec["description"] and spec["description"] != english  # the chart's own, said in German


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
