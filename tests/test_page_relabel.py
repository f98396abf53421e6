"""A facilitator's page switching its language in place (issue 23 item 5): everything typed and chosen
stays, the words and charts change; a page's choice is its own unless made every page's
(apps/relabel.py)."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pytest

from microsolidarity_widgets import choices, i18n, levels
from microsolidarity_widgets.apps import CongregationApp, CrewApp, MoneyApp, page, relabel
from microsolidarity_widgets.apps.review import ReviewApp
from microsolidarity_widgets.rules import Proposal
from microsolidarity_widgets.seasons.page import RetrospectiveApp
from pages import find, shown_texts

APPS = [CongregationApp, CrewApp, *(level.page_class() for level in levels.all_levels() if level.app),
        ReviewApp, RetrospectiveApp]


@pytest.fixture
def english(monkeypatch):
    """The kernel speaks English until the page switches (the switch sets the kernel's language)."""
    monkeypatch.setenv(i18n.ENV_VAR, "en")


def framed(app_class, ledger) -> relabel.Frame:
    """A page as Voilà shows it: built, then framed under its language select."""
    first = page.Build(app_class, ledger)
    assert first.error is None
    return page.framed(first, app_class)


def inputs(widget, path=()):
    """(place in the page, kind, value) of every input shown under ``widget``, in the page's order."""
    if isinstance(widget, widgets.ValueWidget) and not isinstance(widget, relabel.DRAWN):
        yield path, type(widget).__name__, widget.value
    for i, child in enumerate(getattr(widget, "children", ())):
        yield from inputs(child, (*path, i))


def fill_in(widget) -> None:
    """Type and choose on every input of the page, as a facilitator filling it in would (a day already
    chosen stays: another day would show another page)."""
    if isinstance(widget, (widgets.Text, widgets.Textarea)) and not widget.disabled:
        widget.value = "typed before the switch"
    elif isinstance(widget, widgets.Checkbox):
        widget.value = not widget.value
    elif isinstance(widget, widgets.Dropdown) and len(widget.options) > 1:
        widget.index = len(widget.options) - 1
    elif isinstance(widget, widgets.DatePicker) and widget.value is None:
        widget.value = dt.date.today()
    i = 0
    while i < len(getattr(widget, "children", ())):  # read again: a value set may change what follows
        fill_in(widget.children[i])
        i += 1


def labels(widget) -> set[str]:
    return {w.description for w in _all(widget) if isinstance(getattr(w, "description", None), str)} - {""}


def _all(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all(child)


@pytest.mark.parametrize("app_class", APPS, ids=lambda c: c.__name__)
def test_every_page_switches_language_keeping_what_was_typed_and_chosen(app_class, crew_ledger, english):
    frame = framed(app_class, crew_ledger)
    before = frame.build
    if app_class is RetrospectiveApp:  # its reflections' form shows once today's retrospective has started
        find(before.app, "Start today's retrospective").click()
    untouched = list(inputs(before.widget))
    fill_in(before.widget)
    typed = list(inputs(before.widget))
    english_labels = labels(before.widget)
    assert typed != untouched

    frame.switch_to("de")

    after = frame.build
    assert after is not before and frame.widget.children[-1] is after.widget
    assert list(inputs(after.widget)) == typed  # every text, choice, tick and date, at its place
    assert labels(after.widget) != english_labels and "ms-lang-de" in frame.widget._dom_classes
    assert before.widget.comm is None  # the old page is closed, not sent to the browser alongside
    assert frame.select.label == "Sprache dieser Seite"


def test_the_money_page_keeps_a_half_typed_offer_the_lists_and_an_offer_taken_from_a_phone(crew_ledger, english):
    today = dt.date.today()
    crew_ledger.record(Proposal("Kestrels", today, member="Caz", what="offer", offer_kind="introduction", text="a landlord"))
    frame = framed(MoneyApp, crew_ledger)
    money = frame.build.app
    find(money, "Speaker").value = "Ama"
    find(money, "Who offers").value = "Bo"
    find(money, "Offer note (optional)").value = "an hour"
    find(money, "Add offer from Bo").click()
    find(money, "Who offers").value = "Dev"
    find(money, "Offer note (optional)").value = "half-typ"  # not added yet
    find(money.from_phones, "Accept").click()
    find(money, "The speaker asks for").value = "a lift"
    find(money.respectful, "Bo").value = True
    find(money, "Private notes (optional)").value = "kept to ourselves"

    frame.switch_to("de")

    geld = frame.build.app
    assert geld is not money
    assert find(geld, "Sprechende Person").value == "Ama"
    assert find(geld, "Wer bietet an").value == "Dev" and geld.offer_note.value == "half-typ"
    assert geld.offers == [("Bo", "perspective", "an hour"), ("Caz", "introduction", "a landlord")]
    assert geld.accepted == money.accepted and geld.waiting() == []  # Caz's offer is in the round, not waiting
    assert geld.ask_text.value == "a lift" and geld.respectful.value == ["Bo"]
    assert geld.private_note.value == "kept to ourselves"
    assert "Wenn du das jetzt einträgst" in geld.session.preview.value
