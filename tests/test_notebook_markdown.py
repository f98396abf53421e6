"""The workbooks' Markdown cells (titles, introductions) are messages of the catalog, and Voilà's pages show
them in the facilitator's language while the notebooks themselves stay English for Jupyter."""

from __future__ import annotations


import nbformat
from nbconvert.exporters import Exporter
from voila.exporter import VoilaExporter

from microsolidarity_widgets import i18n
from microsolidarity_widgets.server import Settings, voila_config, workbooks_dir


def _page_markdown(name: str) -> list[str]:
    """The Markdown cells of a workbook as the served page's exporter prepares them for rendering."""
    exporter = VoilaExporter(config=voila_config(Settings()))
    nb = nbformat.read(workbooks_dir() / name, as_version=4)
    # Exporter.from_notebook_node is the step of Voilà's generate_from_notebook_node that runs the preprocessors.
    prepared, _ = Exporter.from_notebook_node(exporter, nb)
    return [cell.source for cell in prepared.cells if cell.cell_type == "markdown"]


def test_a_german_page_shows_its_markdown_in_german(monkeypatch):
    monkeypatch.setenv(i18n.ENV_VAR, "de")
    title, points = _page_markdown("02_listening.ipynb")
    assert title.startswith("# Stufe 1 · Zuhören\n\nDas einfachste Spiel überhaupt:")
    assert points == "### Punkte auf Stufe 1 bisher, nach Gruppe\n\nSo, wie sie beim Öffnen dieser Seite standen."
    review, = _page_markdown("07_trust_review.ipynb")
    assert "\n- die laufende Punktesumme jedes Mitglieds;\n- welche Stufen" in review  # a list stays a list


def test_an_english_page_and_the_notebook_stay_as_written(monkeypatch):
    monkeypatch.setenv(i18n.ENV_VAR, "en")
    nb = nbformat.read(workbooks_dir() / "03_money.ipynb", as_version=4)
    written = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    assert _page_markdown("03_money.ipynb")[0].startswith("# Level 2 · Money\n\nOne person speaks")
    assert written[0].startswith("# Level 2 · Money\n\nOne person speaks")


def test_every_notebook_paragraph_is_a_message_translated_in_every_language():
    extracted = set()
    for path in sorted(workbooks_dir().glob("*.ipynb")):
        with path.open("rb") as fileobj:
            extracted |= {message for _, _, message, _ in i18n.extract_notebook(fileobj, {}, [], {})}
    assert {"Level 1 · Listening", "As they stood when this page was opened.",
            "how the groups of the congregation compare;"} <= extracted
    assert not any(m.startswith(("#", "- ")) or "\n" in m for m in extracted)
    for lang in ("es", "pt_PT", "de"):
        untranslated = [m for m in extracted if i18n.words(lang)._(m) == m]
        assert not untranslated, (lang, untranslated)
