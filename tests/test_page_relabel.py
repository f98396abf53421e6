"""A facilitator's page switching its language in place (issue 23 item 5): everything typed and chosen
stays, the words and charts change; a page's choice is its own unless made every page's
(apps/relabel.py)."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pytest

from microsolidarity_widgets import Ledger, choices, i18n, levels
from microsolidarity_widgets.apps import CongregationApp, CrewApp, ListeningApp, MoneyApp, page, relabel
from microsolidarity_widgets.apps.review import ReviewApp
from microsolidarity_widgets.errors import LedgerError
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.rules import Proposal
from microsolidarity_widgets.seasons.page import RetrospectiveApp
from pages import find

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


def chart_title(widget) -> str:
    title = widget.chart.to_dict()["title"]["text"]
    return " ".join(title) if isinstance(title, list) else title


def test_the_review_redraws_its_charts_in_the_new_language_for_the_crews_chosen(crew_ledger, english):
    crew_ledger.add_group("Herons", ["Eve", "Fay", "Gus"], kind="crew", on="2026-01-01")
    frame = framed(ReviewApp, crew_ledger)
    review = frame.build.app
    review.groups.value = ("Kestrels",)
    assert chart_title(review.charts["trust"]) == "Trust built, member by member"

    frame.switch_to("de")

    überblick = frame.build.app
    assert überblick.groups.value == ("Kestrels",) and überblick.members.value == review.members.value
    assert chart_title(überblick.charts["trust"]) == "Aufgebautes Vertrauen, Mitglied für Mitglied"
    assert überblick.charts["trust"].embed_options["timeFormatLocale"]["months"][0] == "Januar"  # the axis' months


def test_the_listening_round_and_its_timer_go_on_where_they_were(crew_ledger, english):
    frame = framed(ListeningApp, crew_ledger)
    listening = frame.build.app
    find(listening, "Time per turn").value = 120
    find(listening, "Start the round").click()
    find(listening, "Pass").click()  # the first speaker passes: the second speaks
    listening.timer.running, listening.timer.ends_at = True, 1.9e12  # as the page reports a running turn

    frame.switch_to("es")

    escucha = frame.build.app
    assert (escucha.order, escucha.turn, escucha.passed) == (listening.order, 1, {listening.order[0]})
    assert f"Ahora habla: {listening.order[1]}" in escucha.now.value
    assert (escucha.timer.seconds, escucha.timer.running, escucha.timer.ends_at) == (120, True, 1.9e12)
    assert escucha.timer.words["pause"] != listening.timer.words["pause"]


def test_the_session_still_undoes_the_record_made_before_the_switch(crew_ledger, english):
    frame = framed(ListeningApp, crew_ledger)
    listening = frame.build.app
    find(listening, "Date").value = dt.date(2026, 1, 2)
    listening.listened.value = True
    event_id = listening.session.record()
    crew_ledger.record(Listening("Kestrels", "2026-01-03", present=["Ama", "Bo"]))  # the group's latest, by another page

    frame.switch_to("pt_PT")

    assert frame.build.app.session._undo_target() == [event_id]  # this page's record, not the group's latest


def test_a_page_s_own_choice_leaves_other_pages_alone_unless_made_every_page_s(crew_ledger, english):
    crew, money = framed(CrewApp, crew_ledger), framed(MoneyApp, crew_ledger)
    crew.select.value = "de"
    crew.switch.click()
    money.follow_default()
    assert crew.lang == "de" and money.lang == "en"  # the crew page only
    assert choices.language(choices.language_file(crew_ledger.store)) is None

    crew.select.value = "es"
    crew.everywhere.click()
    assert crew.lang == "es" and choices.language(choices.language_file(crew_ledger.store)) == "es"
    assert crew.status.text == "Todas las páginas se abren ahora en Español; las que están abiertas cambian en un segundo."
    money.follow_default()  # its next look at the choice, within a second
    assert money.lang == "es" and find(money.build.app, "Quien habla", widgets.Dropdown)
    assert "ms-lang-es" in money.widget._dom_classes


def test_a_page_that_cannot_be_built_again_stays_as_it_was_and_says_why(crew_ledger, english, monkeypatch):
    frame = framed(CrewApp, crew_ledger)
    before = frame.build
    frame.switch_to("xx")  # no language of the workbook's: nothing changes
    assert frame.build is before and frame.lang == "en" and frame.status.kind is None
    monkeypatch.setattr(frame, "rebuild", lambda lang: (_ for _ in ()).throw(LedgerError("The ledger is locked.")))
    frame.switch_to("de")
    assert frame.build is before and frame.lang == "en" and i18n.default_language() == "en"
    assert frame.status.kind == "error" and "The ledger is locked." in frame.status.text


def test_the_congregation_s_round_keeps_its_suggestion_swaps_and_pins(tmp_path, english):
    with Ledger.open(tmp_path / "pool.sqlite") as ledger:
        ledger_first = framed(CongregationApp, ledger)
        app = ledger_first.build.app
        app.new_name.value, app.new_region.value = "Lisbon circle", "Lisbon"
        app.start()
        for name in ["Ama", "Bo", "Caz", "Dev", "Eli", "Fay", "Gus", "Hal"]:
            app.person.value, app.slots.value, app.work.value = name, "Tue evening", "care"
            app.add_person()
        app.suggest().join()
        a, b = app.crews[0][0], app.crews[1][0]
        app.swap_a.value, app.swap_b.value = a, b
        app.swap()
        app.pin_a.value, app.pin_b.value, app.pin_how.value = a, b, "apart"
        app.add_pin()
        crews, pins = [list(c) for c in app.crews], list(app.pins)

        ledger_first.switch_to("de")

        versammlung = ledger_first.build.app
        assert versammlung.which.value == "Lisbon circle"
        assert versammlung.crews == crews and versammlung.pins == pins and versammlung.suggestion is app.suggestion
        assert versammlung.pin_list.value.startswith("Festlegungen: ")  # said again in German
        assert not versammlung.create_button.disabled  # the crews as swapped can still be created


def test_the_notebook_s_markdown_goes_with_the_page_in_every_language(english):
    """The page's title and introduction are Voilà's, not the kernel's: the page carries them in every
    language, for the one its kernel speaks after a switch (shown by the page template's script)."""
    import nbformat
    from nbconvert.exporters import Exporter
    from voila.exporter import VoilaExporter

    from microsolidarity_widgets.server import Settings, voila_config, workbooks_dir

    exporter = VoilaExporter(config=voila_config(Settings()))
    prepared, _ = Exporter.from_notebook_node(exporter, nbformat.read(workbooks_dir() / "02_listening.ipynb", 4))
    title = next(cell for cell in prepared.cells if cell.cell_type == "markdown")
    assert title.source.startswith("# Level 1 · Listening")
    spoken = title.metadata["ms_spoken"]
    assert spoken["shown"] == "en" and set(spoken["others"]) == {"es", "pt-PT", "de"}
    assert spoken["others"]["de"].startswith("# Stufe 1 · Zuhören\n\nDas einfachste Spiel überhaupt:")


def test_the_server_takes_a_language_made_every_page_s_on_a_page(tmp_path, english):
    """The landing page, and the pages the server renders next, speak the language a page made every
    page's (the server reads the choice's file again when it changed)."""
    file = tmp_path / "pages.sqlite.language.json"
    choices.follow(file)  # nothing chosen yet: nothing changes
    assert i18n.default_language() == "en"
    choices.write(file, "language", "pt_PT")  # as "Use it on every page" keeps it, from a page's kernel
    choices.follow(file)
    assert i18n.default_language() == "pt_PT"
