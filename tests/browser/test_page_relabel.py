"""Issue 23 item 5 in a browser: a facilitator's page switches its language in place, by keyboard, from
the language select above it; what was typed and chosen stays, the words and the charts change, and
axe-core finds nothing serious afterwards, at a projector's 1280×720 and a phone's 390×844
(apps/relabel.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from microsolidarity_widgets import choices

from .a11y import PHONE, PROJECTOR, check_page

pytestmark = pytest.mark.browser
PREHEAT = ()  # each page's kernel starts when it is opened: three pages, none built ahead
SIZES = (PROJECTOR, PHONE)


def switch_by_keyboard(page, label: str, lang: str, button: str) -> None:
    """Choose ``lang`` in the select labelled ``label``, then Tab to ``button`` and press Enter."""
    select = page.get_by_label(label, exact=True)
    select.focus()
    select.select_option(lang)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=button, exact=True)).to_be_focused()
    page.keyboard.press("Enter")


def checked(page, state: str) -> list[str]:
    problems = []
    for size in SIZES:
        page.set_viewport_size(size)
        problems += check_page(page, f"{state} {size['width']}")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_the_crew_page_switches_to_german_keeping_a_crew_half_typed(server, page, size):
    page.set_viewport_size(size)
    server.open(page, "01_crew.ipynb")
    page.get_by_role("button", name="Create crew").wait_for()
    expect(page.get_by_role("heading", name="Crew set-up", exact=True)).to_be_visible()
    page.get_by_role("textbox", name="Group name", exact=True).fill("Wrens")
    page.get_by_role("textbox", name="Members, one per line", exact=True).fill("Uma\nVic")

    switch_by_keyboard(page, "Language of this page", "de", "Switch this page")

    page.get_by_role("button", name="Crew anlegen").wait_for()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("textbox", name="Name der Gruppe", exact=True)).to_have_value("Wrens")
    expect(page.get_by_role("textbox", name="Mitglieder, eines pro Zeile", exact=True)).to_have_value("Uma\nVic")
    expect(page.get_by_text("Create a crew or partnership")).to_have_count(0)
    # The notebook's title and introduction above the page follow it.
    expect(page.get_by_role("heading", name="Crew einrichten", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Crew set-up", exact=True)).to_be_hidden()
    # The frame's own words follow, and its button keeps the focus (the page below it was rebuilt).
    expect(page.get_by_role("button", name="Diese Seite umstellen")).to_be_focused()
    expect(page.get_by_label("Sprache dieser Seite", exact=True)).to_have_value("de")
    with server.ledger() as ledger:  # this page's choice only: the other pages still open in English
        assert choices.language(choices.language_file(ledger.store)) in (None, "en")
    problems = checked(page, "01_crew switched to German")
    assert not problems, "\n".join(problems)


def test_the_money_page_switches_to_spanish_keeping_a_half_typed_offer(server, page):
    page.set_viewport_size(PROJECTOR)
    server.open(page, "03_money.ipynb")
    page.get_by_role("button", name="Record", exact=True).wait_for()
    speaker = page.get_by_label("Speaker", exact=True)
    speaker.select_option(index=1)
    chosen = speaker.input_value()
    offers = page.get_by_label("Who offers", exact=True)
    expect(offers.locator("option", has_text=chosen)).to_have_count(0)  # the others here, once the kernel heard
    offers.select_option(index=1)
    who = offers.input_value()
    note = page.get_by_role("textbox", name="Offer note (optional)", exact=True)
    note.fill("an hour of bookkeep")
    note.press("Tab")  # the note is sent when the field is left (continuous_update=False)
    expect(page.get_by_role("button", name=f"Add offer from {who}")).to_be_visible()

    switch_by_keyboard(page, "Language of this page", "es", "Switch this page")

    page.get_by_role("button", name="Registrar", exact=True).wait_for()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_label("Quien habla", exact=True)).to_have_value(chosen)
    expect(page.get_by_label("Quién ofrece", exact=True)).to_have_value(who)
    expect(page.get_by_role("textbox", name="Nota de la oferta (opcional)", exact=True)).to_have_value(
        "an hour of bookkeep")
    expect(page.get_by_text("Today's session")).to_have_count(0)
    problems = checked(page, "03_money switched to Spanish")
    assert not problems, "\n".join(problems)


TITLES_JS = """() => [...document.querySelectorAll('.vega-embed svg g.role-title-text text')].map(t => t.textContent)"""


def test_the_trust_review_redraws_its_charts_in_portuguese_for_the_groups_chosen(server, page):
    page.set_viewport_size(PROJECTOR)
    server.open(page, "07_trust_review.ipynb")
    groups = page.get_by_label("Groups", exact=True)
    groups.wait_for()
    page.wait_for_function("() => document.querySelectorAll('.vega-embed svg').length > 0", timeout=60_000)
    groups.select_option(index=1)
    picked = groups.evaluate("s => [...s.selectedOptions].map(o => o.value)")
    page.wait_for_function("() => [...document.querySelectorAll('.vega-embed svg g.role-title-text text')]"
                           ".some(t => t.textContent.startsWith('Trust built'))", timeout=60_000)

    switch_by_keyboard(page, "Language of this page", "pt_PT", "Switch this page")

    page.wait_for_function("() => [...document.querySelectorAll('.vega-embed svg g.role-title-text text')]"
                           ".some(t => t.textContent.startsWith('A confiança construída'))", timeout=60_000)
    expect(page.locator("html")).to_have_attribute("lang", "pt-PT")
    assert not any(t.startswith("Trust built") for t in page.evaluate(TITLES_JS))
    expect(page.get_by_label("Grupos", exact=True)).to_have_values(picked)
    problems = checked(page, "07_trust_review switched to Portuguese")
    assert not problems, "\n".join(problems)


def test_a_running_turn_s_timer_goes_on_counting_after_the_switch(server, page):
    page.set_viewport_size(PHONE)
    server.open(page, "02_listening.ipynb")
    page.get_by_role("button", name="Start the round").click()
    timer = page.locator(".ms-countdown")
    expect(timer).to_have_class(re.compile("ms-countdown-running"))
    page.wait_for_function("() => document.querySelector('.ms-countdown-face').textContent !== '1:00'")

    switch_by_keyboard(page, "Language of this page", "de", "Switch this page")

    expect(page.get_by_role("button", name="Timer anhalten")).to_be_visible()  # running, in German
    expect(timer).to_have_class(re.compile("ms-countdown-running"))
    left = page.locator(".ms-countdown-face").inner_text()
    assert left not in ("1:00", "0:00"), left  # on its way down, not started afresh


def test_a_language_made_every_page_s_reaches_the_other_open_page_and_the_landing_page(server, page):
    """Only "Use it on every page" changes another open page: the money page, open beside the crew page,
    follows it within seconds, and the landing page speaks it too."""
    other = page.context.new_page()
    try:
        server.open(other, "03_money.ipynb")
        other.get_by_role("button", name="Record", exact=True).wait_for()
        server.open(page, "01_crew.ipynb")
        page.get_by_role("button", name="Create crew").wait_for()

        switch_by_keyboard(page, "Language of this page", "es", "Switch this page")  # this page only
        page.get_by_role("button", name="Crear equipo").wait_for()
        expect(other.get_by_role("button", name="Record", exact=True)).to_be_visible()

        page.get_by_label("Idioma de esta página", exact=True).select_option("de")
        page.get_by_role("button", name="Usarlo en todas las páginas").click()
        page.get_by_role("button", name="Crew anlegen").wait_for()
        expect(other.get_by_role("button", name="Eintragen", exact=True)).to_be_visible()  # the open page followed
        expect(other.locator("html")).to_have_attribute("lang", "de")
        page.goto(server.url + "/")
        expect(page.get_by_label("Sprache der Seiten")).to_have_value("de")
    finally:
        other.goto("about:blank")
        other.close()
        with server.ledger() as ledger:  # the module's other tests start from English pages
            choices.write(choices.language_file(ledger.store), "language", "en")
