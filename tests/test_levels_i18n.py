"""A level's name on a chart or table is said in the language it is drawn in (issue 23, item 6)."""

from __future__ import annotations

from microsolidarity_widgets import i18n, levels


def test_level_names_on_charts_and_tables_are_said_when_drawn():
    """"1 Listening" is said in the language of the chart or table being made, not kept in English."""
    with i18n.speaking("de"):
        assert levels.labels()[1] == "1 Zuhören"
    with i18n.speaking(i18n.PSEUDO):
        assert all("⟦" in label for label in levels.labels().values())
    assert levels.labels()[1] == "1 Listening"
