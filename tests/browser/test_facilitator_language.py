"""Issue 23, item 5 on the facilitator's side, in a browser: the facilitator picks German on the landing
page (a labelled list and its button, by keyboard), and the crew page and the money page open in German,
at a projector's 1280×720 and a phone's 390×844, with nothing scrolling sideways and nothing axe-core
finds serious (tests/browser/a11y.py). The crew page's kernel was started ahead in English (preheated):
the choice made after it started is what its page shows."""

from __future__ import annotations

from playwright.sync_api import expect

import pytest

from microsolidarity_widgets import choices

from .a11y import check_page

pytestmark = pytest.mark.browser
PREHEAT = ("01_crew",)  # built in English before German is chosen: built again when opened
SIZES = ({"width": 1280, "height": 720}, {"width": 390, "height": 844})


def _checked(page, state: str) -> list[str]:
    problems = []
    for size in SIZES:
        page.set_viewport_size(size)
        problems += check_page(page, state)
    return problems


def test_german_chosen_on_the_landing_page_speaks_on_the_crew_and_money_pages(server, page):
    page.goto(server.url + "/")
    picker = page.get_by_label("Language of the pages")
    expect(picker).to_have_value("en")
    # By keyboard: the list, then its button.
    picker.focus()
    picker.select_option("de")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Use this language")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Arbeitsheft Gegenseitigkeit").wait_for()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_label("Sprache der Seiten")).to_have_value("de")
    expect(page.get_by_role("link", name="Crew einrichten")).to_be_visible()
    with server.ledger() as ledger:  # kept beside the ledger, for every page's kernel
        assert choices.language(choices.language_file(ledger.store)) == "de"
    problems = _checked(page, "landing page in German")

    page.set_viewport_size(SIZES[0])
    page.get_by_role("link", name="Crew einrichten").click()
    page.get_by_role("button", name="Crew anlegen").wait_for(timeout=120_000)
    expect(page.get_by_text("Eine Crew oder ein Tandem anlegen")).to_be_visible()
    expect(page.get_by_text("Create a crew or partnership")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    problems += _checked(page, "crew page in German")

    page.set_viewport_size(SIZES[0])
    server.open(page, "03_money.ipynb")
    page.get_by_role("button", name="Eintragen").wait_for()
    expect(page.get_by_text("Die heutige Sitzung")).to_be_visible()
    expect(page.get_by_text("Punkte auf dieser Stufe")).to_be_visible()
    problems += _checked(page, "money page in German")
    assert not problems, "\n".join(problems)


def test_a_language_the_workbook_lacks_is_refused_in_words(server, page):
    answer = page.request.post(server.url + "/microsolidarity/language", form={"language": "xx"},
                               headers={"Sec-Fetch-Site": "same-origin"})
    said = answer.text()
    assert answer.status == 400 and ("Nothing was changed" in said or "Es wurde nichts geändert" in said), said
