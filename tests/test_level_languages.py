"""Issue 23, item 3 on the five level pages: every word a level says (its page, its name, prompts and
scoring words, its landing card, what a phone shows of it) in the reader's language, with counts,
days and lists written the language's way (Babel, through ``i18n.Words``)."""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as widgets
import pytest
from tornado.testing import gen_test

from microsolidarity_widgets import i18n, levels
from microsolidarity_widgets.levels.co_owners.page import CoOwnersApp
from microsolidarity_widgets.levels.conflict.page import ConflictApp
from microsolidarity_widgets.levels.consistency.page import ConsistencyApp, meeting_ics
from microsolidarity_widgets.levels.listening.page import ListeningApp
from microsolidarity_widgets.levels.money.page import MoneyApp

from phones import PhoneServer

PAGES = {1: ListeningApp, 2: MoneyApp, 3: ConsistencyApp, 4: ConflictApp, 5: CoOwnersApp}


def said(root: widgets.Widget) -> str:
    """Everything a page's widgets show: labels, options, placeholders, tooltips and HTML."""
    out, todo = [], [root]
    while todo:
        w = todo.pop()
        for name in ("description", "placeholder", "tooltip", "value"):
            value = getattr(w, name, None)
            if isinstance(value, str) and (name != "value" or isinstance(w, (widgets.HTML, widgets.Label))):
                out.append(html.unescape(value))
        out += [label for label in getattr(w, "_options_labels", ())]
        todo += list(getattr(w, "children", ()))
    return "\n".join(out)


@pytest.fixture
def speaking(monkeypatch):
    """The facilitator's language, as ``serve --language`` sets it for the pages' kernels."""
    def speak(lang: str) -> i18n.Words:
        monkeypatch.setenv(i18n.ENV_VAR, lang)
        return i18n.words(lang)

    return speak


@pytest.mark.parametrize("number", sorted(PAGES))
@pytest.mark.parametrize("lang", ["es", "pt_PT", "de"])
def test_each_level_page_says_its_prompts_and_headings_in_the_facilitators_language(number, lang, speaking,
                                                                                      crew_ledger):
    w = speaking(lang)
    level = levels.get(number)
    app = PAGES[number](crew_ledger)
    # Conflict's repair steps are in its closing form, shown once "Close a conflict" is chosen;
    # co-owners' questions are for the phones only.
    shown = said(app.widget) + said(app.close_form) if number == 4 else said(app.widget)
    for prompt in level.prompts if number != 5 else ():
        assert w._(prompt) in shown and prompt not in shown
    assert w._("Private notes (optional)") in shown or number in (1, 4, 5)
    # Not one of the level's own English texts is left in its page (the page's own frame, the
    # session, is the pages' work and checked there).
    english = set(PAGES[number].__init__.__code__.co_consts) - {None}
    assert not {t for t in english if isinstance(t, str) and len(t) > 12 and " " in t and t in shown}


def test_the_money_page_in_german(speaking, crew_ledger):
    speaking("de")
    app = MoneyApp(crew_ledger)
    shown = said(app.widget)
    assert app.speaker.description == "Sprechende Person"
    # The ledger keeps the English kind; the facilitator reads the glossary's German one.
    assert ("eine Sichtweise", "perspective") in [tuple(o) for o in zip(app.offer_kind._options_labels,
                                                                        app.offer_kind._options_values)]
    for heading in ("Angebote aus der Gruppe", "Bitten der sprechenden Person", "Gegenseitiger Respekt",
                    "Vom Handy geschickt", "Fragen, denen ihr gemeinsam nachgehen könnt"):
        assert heading in shown
    assert "Nichts wartet." in shown and "Offers from the group" not in shown


def test_the_listening_page_counts_its_turns_in_spanish(speaking, crew_ledger):
    speaking("es")
    app = ListeningApp(crew_ledger)
    assert [label for label, _ in app.length.options] == ["30 segundos", "1 minuto", "90 segundos", "2 minutos",
                                                          "3 minutos", "5 minutos"]
    assert app.next_button.description == "Empezar la ronda" and app.listened.options == (("Sí", True), ("No", False))


def test_a_meetings_history_and_calendar_file_in_portuguese(speaking, open_page, crew_ledger):
    w = speaking("pt_PT")
    app = ConsistencyApp(crew_ledger)
    assert [label for label, _ in app.series.options] == ["A próxima reunião", "Todos os meses (12 reuniões)"]
    assert w._("Feelz Circle") in said(app.widget)
    ics = meeting_ics("Kestrels", dt.date(2026, 3, 1), now=dt.datetime(2026, 1, 1), w=w)
    assert "SUMMARY:Reunião de Kestrels" in ics and "A nossa reunião mensal" in ics


def test_the_levels_scoring_words_and_cards_are_said_in_each_language():
    es, de = i18n.words("es"), i18n.words("de")
    assert "<b>3 puntos</b>" in levels.get(3).scoring_in(es) and "<b>1 punto</b>" in levels.get(3).scoring_in(es)
    assert levels.get(4).scoring_in(de).startswith("<b>So zählt Stufe 4.</b>")
    assert "<b>20 Punkte</b>" in levels.get(4).scoring_in(de)
    assert levels.cards(i18n.words("pt_PT"))["03_money.ipynb"][:2] == ("Nível 2", "Dinheiro")
    # English is the source: the words as written, the points counted as before.
    assert "<b>100 points</b>" in levels.get(5).scoring_in(i18n.words("en"))


class LevelWordsOnPhones(PhoneServer):
    """A phone reads how each level works in its own language, whatever the facilitator's."""

    @gen_test(timeout=60)
    async def test_a_spanish_phone_says_each_level_in_spanish(self):
        cookies = await self.phone("Caz") + "; ms_lang=es"
        page = (await self.http_client.fetch(self.get_url("/m/"), headers={"Cookie": cookies})).body.decode()
        assert "Nivel 2:" in page and "Dinero" in page and "Cómo puntúa el nivel 2." in page
        assert "<b>5 puntos</b>" in page and "How Level" not in page and '<span lang="en">' not in page
