"""Where a crew is in its season, on the crew page and the trust review, in the page's language; and the
printable season report (docs/rules.md#seasons-and-retrospectives): a page per crew with the season's charts,
its actions and its decision, private texts out unless asked for. The PDF itself: tests/browser/test_season_report.py."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from microsolidarity_widgets import charts, export, i18n
from microsolidarity_widgets.apps import CrewApp
from microsolidarity_widgets.apps.review import ReviewApp
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.review import ReviewData, Selection, season_lines, selected_ties, tie_strength
from microsolidarity_widgets.seasons import (Action, ActionReviewed, Reflection, Retrospective, Season, decide,
                                             standing, standings)
from microsolidarity_widgets.seasons.report import SEASON_CHARTS, season_report

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "docs" / "api.md"
REFLECTION = "SECRET-reflection-words"
ACTION = "Book the <b>room</b> for May"


def one_season(ledger) -> None:
    """Kestrels (a season from 1 January: listening rounds, meetings, a retrospective on 1 April with two
    actions, one done; the crew continues on 1 July) and Owls (no season agreed)."""
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
    ledger.add_group("Owls", ["Eli", "Fay", "Gus"], kind="crew", on="2026-01-01")
    ledger.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2026-01-01")
    ledger.record(Season("Kestrels", "2026-01-01"))
    for day in ("2026-01-08", "2026-02-08", "2026-03-08"):
        ledger.record(Listening("Kestrels", day, present=["Ama", "Bo", "Caz"], everyone_listened=True))
        ledger.record(Meeting("Kestrels", day, attended=["Ama", "Bo", "Dev"]))
    retro = ledger.record(Retrospective("Kestrels", "2026-04-01"))
    ledger.record(Reflection(retro, "Ama", "working", REFLECTION))
    done = ledger.record(Action(retro, "Bo", "2026-05-01", ACTION))
    ledger.record(Action(retro, "Caz", "2026-06-01", "Ask Fay about the pod"))
    ledger.record(ActionReviewed(done, "2026-06-01", True))
    decide(ledger, "Kestrels", "2026-07-01", "continue")


@pytest.fixture
def history(ledger):
    one_season(ledger)
    return ledger


# --- where a crew is in its season, in the page's language ------------------------------------------------


@pytest.mark.parametrize("lang, said", [
    ("en", "Kestrels is in week 6 of 26 of season 1, which started on 1 January 2026 and ends on 1 July 2026. "
           "Next retrospective: 1 April 2026, in 50 days."),
    ("es", "Kestrels está en la semana 6 de 26 de la temporada 1, que empezó el 1 de enero de 2026 y termina el "
           "1 de julio de 2026. Próxima retrospectiva: 1 de abril de 2026, dentro de 50 días."),
    ("pt_PT", "Kestrels está na semana 6 de 26 da temporada 1, que começou a 1 de janeiro de 2026 e acaba a "
              "1 de julho de 2026. Próxima retrospetiva: 1 de abril de 2026, daqui a 50 dias."),
    ("de", "Kestrels ist in Woche 6 von 26 der Saison 1, die am 1. Januar 2026 begann und am 1. Juli 2026 endet. "
           "Nächster Rückblick: 1. April 2026, in 50 Tagen."),
])
def test_where_a_crew_is_in_its_season_is_said_in_each_language(history, lang, said):
    assert standing(history, "Kestrels", "2026-02-10").words(i18n.words(lang)) == said


def test_a_crew_with_no_season_is_told_how_to_agree_one(history):
    for lang, words in (("en", "open the Retrospective page"), ("es", "abre la página de la retrospectiva"),
                        ("pt_PT", "abre a página da retrospetiva"), ("de", "öffne die Seite „Rückblick“")):
        assert words in standing(history, "Owls", "2026-02-10").words(i18n.words(lang))
    assert [s.group for s in standings(history, "2026-02-10")] == ["Kestrels", "Owls"]  # crews only
    assert [s.status for s in standings(history, "2026-02-10")] == ["in season", "no season"]


def test_the_crew_page_shows_each_crews_season_in_the_facilitators_language(ledger, monkeypatch):
    start = dt.date.today() - dt.timedelta(days=20)  # the page says where the crew is today
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], kind="crew", on=start)
    ledger.add_group("Owls", ["Eli", "Fay", "Gus"], kind="crew", on=start)
    ledger.record(Season("Kestrels", start))
    page = CrewApp(ledger).season_list.value
    assert "Kestrels is in week 3 of" in page and "Owls has not agreed a season yet" in page
    monkeypatch.setenv(i18n.ENV_VAR, "de")
    page = CrewApp(ledger).season_list.value
    assert "Kestrels ist in Woche 3 von" in page and "Owls hat noch keine Saison vereinbart" in page


def test_the_crew_page_says_where_seasons_will_show_before_any_crew(ledger):
    assert "once a crew is created" in CrewApp(ledger).season_list.value


def test_the_review_shows_the_chosen_crews_seasons(ledger, monkeypatch):
    start = dt.date.today() - dt.timedelta(days=20)
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], kind="crew", on=start)
    ledger.add_group("Owls", ["Eli", "Fay", "Gus"], kind="crew", on=start)
    ledger.record(Season("Kestrels", start))
    app = ReviewApp(ledger)  # opens on the first crew
    assert "Kestrels is in week 3 of" in app.seasons.value and "Owls" not in app.seasons.value
    app.groups.value = ()  # everyone
    assert "Kestrels is in week 3" in app.seasons.value and "Owls has not agreed" in app.seasons.value
    monkeypatch.setenv(i18n.ENV_VAR, "es")
    app.groups.value = ("Owls",)
    assert "Owls aún no ha acordado una temporada" in app.seasons.value


def test_the_reviews_season_lines_follow_its_selection(history):
    data = ReviewData.load(history)
    assert len(season_lines(data, Selection())) == 2
    assert season_lines(data, Selection(groups=("Ama+Bo",))) == []


# --- the printable season report ---------------------------------------------------------------------------


def sections(html: str) -> list[str]:
    return re.findall(r'<section class="crew".*?</section>', html, re.S)


def test_the_season_report_has_a_page_per_crew_with_the_seasons_charts_actions_and_decision(history):
    html = season_report(history, on="2026-07-01")
    kestrels, owls = sections(html)
    assert "Kestrels: season 1" in kestrels and "From 1 January 2026 to 1 July 2026." in kestrels
    titles = charts.chart_titles()
    assert kestrels.count("<svg") == len(SEASON_CHARTS) == 4
    for key in SEASON_CHARTS:
        assert f'aria-label="{titles[key]}"' in kestrels
    assert "Retrospective held on 1 April 2026." in kestrels
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>.*?<td>(.*?)</td>\s*<td>(.*?)</td>", kestrels, re.S)
    assert rows == [("Bo", "1 May 2026", "done"), ("Caz", "1 June 2026", "not reviewed yet")]
    assert "On 1 July 2026 the crew decided to continue" in kestrels
    assert "Owls has not agreed a season yet" in owls and "<svg" not in owls
    assert "Ama+Bo" not in html  # a partnership has no season
    assert "<script" not in html  # it prints with no script


def test_private_texts_stay_out_of_the_season_report_unless_asked(history):
    kept = season_report(history, ["Kestrels"], on="2026-07-01")
    assert REFLECTION not in kept and "Book the" not in kept and "crew's own words" in kept
    asked = season_report(history, ["Kestrels"], on="2026-07-01", include_private=True)
    assert "Book the &lt;b&gt;room&lt;/b&gt; for May" in asked and "<b>room" not in asked  # escaped
    assert REFLECTION not in asked  # reflections are never in the report


def test_the_season_report_before_the_decision_and_in_spanish(history):
    html = season_report(history, ["kestrels"], on="2026-05-01", lang="es", paper="Letter")
    assert "Kestrels: temporada 1" in html and "Aún sin decidir" in html and "@page { size: letter; }" in html
    assert "Retrospectiva hecha el 1 de abril de 2026." in html and "Responsable" in html
    assert '<html lang="es">' in html


def test_the_season_reports_paper_is_a4_letter_or_the_printers(history):
    assert "size: A4" in season_report(history, ["Kestrels"], on="2026-05-01", paper="A4")
    assert "@page { size" not in season_report(history, ["Kestrels"], on="2026-05-01")
    with pytest.raises(ValueError, match="'A4' or 'Letter'"):
        season_report(history, ["Kestrels"], paper="A5")


def test_the_reviews_exports_carry_the_season_report_of_the_chosen_crews(history):
    data = ReviewData.load(history)
    files = export.review_files(history, data, Selection(groups=("Kestrels",)))
    assert len(sections(files["Kestrels-season-report.html"].decode())) == 1
    assert "Ama-Bo-season-report.html" not in export.review_files(history, data, Selection(groups=("Ama+Bo",)))
    every = export.review_files(history, data, Selection())["congregation-season-report.html"].decode()
    assert len(sections(every)) == 2


def test_a_crew_with_no_ties_yet_shows_no_one_elses_in_its_season_and_review(history):
    """Found by the season report: names kept as categories brought another crew's members into the matrix."""
    history.add_group("Swifts", ["Hal", "Ines", "Jon"], kind="crew", on="2026-03-01")
    history.record(Listening("Swifts", "2026-03-05", present=["Hal", "Ines", "Jon"], everyone_listened=True))
    data = ReviewData.load(history)
    ties = charts.review_charts(data, Selection(groups=("Swifts",)))["network"].to_dict()
    assert "Nothing done together in this choice." in str(ties["title"])
    assert tie_strength(selected_ties(data, Selection(groups=("Swifts",)))).attrs["members"] == []


def test_the_api_pages_season_example_runs_as_written(tmp_path):
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", API.read_text(encoding="utf-8"), flags=re.S)
                if "season_report" in b]
    (tmp_path / "data").mkdir()
    run = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Kestrels is in week 6 of 26 of season 1")
    report = (tmp_path / "kestrels-season.html").read_text(encoding="utf-8")
    assert "Kestrels: season 1" in report and "size: A4" in report and "decided to continue" in report


def test_the_reviews_data_reads_the_events_once_when_no_crew_agreed_a_season(ledger, monkeypatch):
    """At a million events a second read of every event (with its texts) would double the review's load."""
    ledger.add_group("Owls", ["Eli", "Fay", "Gus"], kind="crew", on="2026-01-01")
    reads = []
    events = ledger.events
    monkeypatch.setattr(ledger, "events", lambda *a, **k: reads.append(k) or events(*a, **k))
    data = ReviewData.load(ledger)
    assert reads == [{"texts": False}]
    assert [(s.group, s.status) for s in data.seasons] == [("Owls", "no season")]
