"""Issue 23, item 6: the points' reasons ("attended meeting #12", "missed a meeting", "offer: perspective")
are worded at display time from each level's reasons (``Level.reasons``), in the reader's language, with
the meeting's number in the language's digits; the key stays the same in every language for scripts."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from microsolidarity_widgets import Ledger, demo, export, i18n, levels
from microsolidarity_widgets.apps import ConsistencyApp
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.review import ReviewData, Selection
from pages import find


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory):
    with Ledger.open(demo.write(tmp_path_factory.mktemp("demo") / "demo.sqlite")) as ledger:
        yield ledger


@pytest.mark.parametrize("lang", ["es", "pt_PT", "de"])
def test_every_reason_the_demo_awards_is_said_in_the_language(demo_ledger, lang):
    w = i18n.words(lang)
    reasons = demo_ledger.points()["reason"].unique()
    assert len(reasons) > 10  # every level's reasons, meetings #1 … #n among them
    assert not [r for r in reasons if levels.reason_words(r, w) == r], lang


def test_a_reason_in_german_says_the_meetings_number_and_english_stays_as_it_was():
    de, en = i18n.words("de"), i18n.words("en")
    assert levels.reason_words("attended meeting #12", de) == "12. Sitzung besucht"
    assert levels.reason_words("missed a meeting", de) == "bei einer Sitzung gefehlt"
    assert levels.reason_words("offer: perspective", de) == "Angebot: eine Sichtweise"
    assert levels.reason_words("listened in a round", de) == "in einer Runde zugehört"
    assert levels.reason_words("attended meeting #12", en) == "attended meeting #12"
    assert levels.reason_words("gave thanks", de) == "gave thanks"  # a crew's own level, outside the catalogs


def test_the_points_csv_words_its_reasons_and_a_file_headed_by_keys_keeps_them(demo_ledger):
    data = ReviewData.load(demo_ledger)
    sel = Selection(groups=("Kestrels",))

    def reasons(lang, header):
        with i18n.speaking(lang):
            table = export.points_table(data, sel, worded=header == "words")
            frame = pd.read_csv(io.BytesIO(export.to_csv(table, header)))
        return set(frame.iloc[:, -1])

    german = reasons("de", "words")
    assert "bei einer Sitzung gefehlt" in german and "3. Sitzung besucht" in german
    assert not {r for r in german if r.startswith(("attended", "missed", "offer:"))}
    keys = reasons("de", "keys")
    assert keys == reasons("en", "keys") == reasons("en", "words")
    assert "attended meeting #3" in keys


def test_the_preview_of_a_meeting_in_german_words_its_reasons(crew_ledger, monkeypatch):
    """What the consistency page shows before recording, on a facilitator's page in German."""
    monkeypatch.setenv(i18n.ENV_VAR, "de")
    w = i18n.words("de")
    crew_ledger.record(Meeting("Ama+Bo", "2026-02-01", attended=["Ama", "Bo"]))
    app = ConsistencyApp(crew_ledger)
    find(app, w._("Group")).value = "Ama+Bo"
    find(app, w._("Date")).value = dt.date(2026, 3, 1)
    find(app, w._("Who came to today's meeting?")).value = ["Ama"]
    preview = app.session.preview.value
    assert "2. Sitzung besucht" in preview and "bei einer Sitzung gefehlt" in preview, preview
    assert "attended meeting" not in preview and "missed a meeting" not in preview
