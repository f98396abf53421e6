"""The facilitator's pages in the language chosen on the landing page (issue 23, items 3 and 5): every
word of the crew page, the level pages' shared frame and the review through gettext, their markup from
templates, and the choice kept beside the ledger and read by each page's kernel when it builds."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import ipywidgets as widgets
import pytest

from microsolidarity_widgets import Ledger, choices, i18n
from microsolidarity_widgets.apps import CrewApp, ListeningApp, page
from microsolidarity_widgets.apps.controls import Status
from microsolidarity_widgets.apps.markup import chart_table
from microsolidarity_widgets.apps.review import ReviewApp
from pages import find, shown_texts

APPS = Path(__file__).resolve().parents[1] / "microsolidarity_widgets" / "apps"


@pytest.fixture
def german(monkeypatch):
    """The kernel's language is German (as ``serve --language de`` or the landing page sets it)."""
    monkeypatch.setenv(i18n.ENV_VAR, "de")
    return i18n.words("de")


def test_the_frame_of_a_level_page_speaks_german(open_page, german):
    app = open_page(ListeningApp, group_label="Gruppe", date_label="Datum", on=dt.date(2026, 1, 5))
    texts = " ".join(shown_texts(app))
    for heading in ("Die heutige Sitzung", "Punkte auf dieser Stufe", "Vertan?", "Vertrauen im Lauf der Zeit"):
        assert f"<h3>{heading}</h3>" in texts
    assert "Today's session" not in texts and "Made a mistake?" not in texts
    find(app, "Wer ist heute da?")
    find(app, "Moderation", widgets.Dropdown)
    find(app, "Grund fürs Rückgängigmachen", widgets.Text)
    assert app.session.group.options[0] == ("Kestrels (Crew)", "Kestrels")
    # What cannot be done is said in German: nothing to undo yet, a record not ready.
    find(app, "Diesen Eintrag rückgängig machen…").click()
    assert app.session.status.text == "Hier gibt es noch nichts rückgängig zu machen."
    find(app, "Eintragen").click()
    assert app.session.status.text.startswith("Es wurde nichts eingetragen. ")


def test_the_crew_page_speaks_german_from_its_labels_to_its_answers(crew_ledger, german):
    app = CrewApp(crew_ledger)
    find(app, "Name der Gruppe").value = "Wrens"
    assert app.create_missing.value == "Zum Anlegen trag die Mitglieder ein, eines pro Zeile."
    find(app, "Mitglieder, eines pro Zeile").value = "Uma\nVic\nWim"
    find(app, "Begonnen am").value = dt.date(2026, 3, 1)
    find(app, "Crew anlegen").click()
    assert app.create_status.text == "Eingetragen: die Crew Wrens mit Uma, Vic, Wim."
    joining = app.join_group
    joining.value = "Wrens"
    find(app, "Beigetreten am").value = dt.date(2026, 3, 2)
    find(app, "Name des neuen Mitglieds").value = "Xan"
    find(app, "Mitglied hinzufügen").click()
    assert app.join_status.text == "Eingetragen: Xan ist am 2. März 2026 Wrens beigetreten."
    texts = " ".join(shown_texts(app))
    assert "Xan (dabei seit 02.03.2026)" in texts and "Every group and its members" not in texts
    assert "<th scope=\"col\">Mitglieder</th>" in texts and "Tandem" in texts


def test_a_refusal_on_the_page_says_nothing_was_recorded_in_german(german):
    status = Status()
    status.error("Wähl das Datum.")
    assert status.text == "Es wurde nichts eingetragen. Wähl das Datum."
    assert 'role="alert"' in status.widget.value


def test_the_review_speaks_german(crew_ledger, german):
    app = ReviewApp(crew_ledger)
    texts = " ".join(shown_texts(app))
    assert "<h3>Zum Mitnehmen</h3>" in texts and "Take it home" not in texts
    find(app, "Downloads vorbereiten").click()
    assert app.export_status.text.startswith("Fertig um ")


def test_a_chart_table_writes_its_dates_in_the_pages_language(crew_ledger, german):
    from microsolidarity_widgets import charts
    from microsolidarity_widgets.levels.listening import Listening

    crew_ledger.record(Listening("Kestrels", dt.date(2026, 3, 5), present=("Ama", "Bo", "Caz", "Dev")))
    trust = crew_ledger.trust_over_time()
    table = chart_table(charts.trust_chart(trust, title="Vertrauen"), w=german)
    assert "05 März 2026" in table or "05.03.2026" in table or "05 Mär" in table, table


def test_no_markup_is_built_by_f_strings_in_the_pages():
    """The pages' HTML comes from templates (autoescaped), never an f-string around tags."""
    built = []
    for path in sorted(APPS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                fixed = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if "<" in fixed and ">" in fixed:
                    built.append(f"{path.name}:{node.lineno}")
    assert not built, f"markup built by f-strings: {built}"


def test_the_language_chosen_is_kept_beside_the_ledger_and_read_by_a_page_when_it_builds(tmp_path, monkeypatch):
    monkeypatch.setenv(i18n.ENV_VAR, "en")
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], kind="crew", on="2026-01-01")
        file = choices.language_file(ledger.store)
        assert file == tmp_path / "ledger.sqlite.language.json" and choices.language(file) is None
        english = page.Build(CrewApp, ledger)
        assert english.lang == "en" and english.current()
        assert find(english.widget, "Add member")

        assert choices.choose_language(file, "de") == "de"  # what the landing page's form does
        assert not english.current()  # a preheated page built in English is built again
        german = page.Build(CrewApp, ledger)
        assert german.lang == "de" and german.current()
        assert find(german.widget, "Mitglied hinzufügen")
        # A language the workbook does not have is refused and changes nothing.
        assert choices.choose_language(file, "xx") is None and choices.language(file) == "de"
        english.close()
        german.close()


def test_serve_language_sets_the_starting_choice_and_a_later_serve_keeps_it(tmp_path, monkeypatch):
    from microsolidarity_widgets import server, storage

    monkeypatch.setenv(storage.ENV_VAR, str(tmp_path / "ledger.sqlite"))
    monkeypatch.setenv(i18n.ENV_VAR, "en")
    file = server.speak_chosen("es")
    assert choices.language(file) == "es" and i18n.default_language() == "es"
    monkeypatch.setenv(i18n.ENV_VAR, "en")  # the next serve, without --language, in an English terminal
    server.speak_chosen(None)
    assert i18n.default_language() == "es"
