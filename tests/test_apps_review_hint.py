"""The review page's "Take it home" names everything the downloads hold, the crews' season report too."""

from __future__ import annotations

import ipywidgets as widgets

from microsolidarity_widgets import Ledger
from microsolidarity_widgets.apps.review import ReviewApp


def texts(widget) -> str:
    if isinstance(widget, widgets.HTML):
        return widget.value
    return " ".join(texts(child) for child in getattr(widget, "children", ()))


def test_take_it_home_names_the_season_report(tmp_path):
    ledger = Ledger.open(tmp_path / "ledger.sqlite")
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
    try:
        page = texts(ReviewApp(ledger).widget)
        assert "Take it home" in page and "season report, one printed page per crew" in page
    finally:
        ledger.close()
