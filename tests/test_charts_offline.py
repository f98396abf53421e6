"""Chart widgets load Vega without the internet: inline, or from the serving workbook itself."""

import altair as alt
import pytest

from microsolidarity_widgets import charts


@pytest.fixture
def fresh_chart_class(monkeypatch):
    # enable_offline_charts configures the JupyterChart class once per process; start each test clean.
    monkeypatch.setattr(alt.JupyterChart, "_esm", alt.JupyterChart._esm)
    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False)


def test_inline_bundle_outside_our_server(fresh_chart_class, monkeypatch):
    monkeypatch.delenv(charts.BUNDLE_URL_ENV, raising=False)
    charts.enable_offline_charts()
    assert alt.JupyterChart._esm == charts.bundle_path().read_text(encoding="utf-8")
    assert "https://" not in alt.JupyterChart._esm.split("\n", 1)[0]


def test_served_bundle_is_a_small_loader(fresh_chart_class, monkeypatch):
    charts.build_bundle()
    monkeypatch.setenv(charts.BUNDLE_URL_ENV, "/microsolidarity/charts/x.js")
    charts.enable_offline_charts()
    esm = alt.JupyterChart._esm
    assert len(esm) < 1000 and '"/microsolidarity/charts/x.js"' in esm and "document.baseURI" in esm
    assert charts.chart_widget(alt.Chart().mark_point())._esm == esm
