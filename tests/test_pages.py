"""The page tests' own tools: ``find`` (tests/pages.py) and the ``open_page`` fixture (conftest.py)."""

import datetime as dt

import ipywidgets as widgets
import pytest

from microsolidarity_widgets.apps import CoOwnersApp, ConflictApp, ListeningApp, MoneyApp
from microsolidarity_widgets.levels.listening import Listening
from pages import find


def test_a_control_is_found_by_its_text_and_narrowed_by_its_kind():
    go, sure = widgets.Button(description="Go"), widgets.Checkbox(description="Go")
    root = widgets.VBox([widgets.HBox([go, widgets.Label("Go")]), sure, widgets.Text(description="Name")])
    assert find(root, "Go", widgets.Button) is go and find(root, "Go", widgets.Checkbox) is sure
    assert find(root, "Name") is root.children[2]


def test_no_match_fails_and_lists_the_labels_shown():
    root = widgets.VBox([widgets.Button(description="Go"), widgets.Text(description="Name")])
    with pytest.raises(AssertionError, match=r"No control labelled 'Stop'; the labels shown are: "
                                             r"'Go' \(Button\), 'Name' \(Text\)$"):
        find(root, "Stop")
    with pytest.raises(AssertionError, match=r"No control labelled 'Go' of kind Checkbox"):
        find(root, "Go", widgets.Checkbox)
    with pytest.raises(AssertionError, match=r"the labels shown are: none$"):
        find(widgets.VBox(), "Go")


def test_several_matches_fail_and_say_how_many():
    root = widgets.VBox([widgets.Button(description="Go"), widgets.Checkbox(description="Go")])
    with pytest.raises(AssertionError, match=r"2 controls labelled 'Go'; the labels shown are: "
                                             r"'Go' \(Button\), 'Go' \(Checkbox\)$"):
        find(root, "Go")


def test_a_pages_checklist_is_found_by_its_question_and_searched_inside(crew_ledger):
    app = MoneyApp(crew_ledger)
    present = find(app, "Who is here today?")
    assert present is app.session.present
    assert find(present, "Dev") is present.boxes["Dev"]
    with pytest.raises(AssertionError, match="2 controls labelled 'Dev'"):  # here, and a possible addressee
        find(app, "Dev")
    with pytest.raises(AssertionError, match="No control labelled 'Who is here today[?]'"):
        find(app.widget, "Who is here today?")  # a widget alone does not know the components built on it
    assert find(app.widget, "Record") is app.session.record_button


def test_what_the_page_hides_or_keeps_aside_is_not_found(crew_ledger):
    crew_ledger.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo"]))
    app = ListeningApp(crew_ledger)
    with pytest.raises(AssertionError, match="No control labelled 'Yes, undo it'"):
        find(app, "Yes, undo it")
    find(app, "Reason for undoing").value = "entered twice"
    find(app, "Undo this record…").click()
    assert find(app, "Yes, undo it") is app.session.undo_yes

    conflict = ConflictApp(crew_ledger)
    with pytest.raises(AssertionError, match="No control labelled 'How did it end[?]'"):
        find(conflict, "How did it end?")
    find(conflict, "What now?").value = "close"
    assert find(conflict, "How did it end?") is conflict.outcome


def test_open_page_chooses_the_group_and_the_day_through_the_page(open_page):
    s = open_page(ListeningApp, group="Ama+Bo", on=dt.date(2026, 1, 10)).session
    assert s.group.value == "Ama+Bo" and s.date.value == dt.date(2026, 1, 10)
    assert s.present.value == ["Ama", "Bo"]  # the page followed: the partnership's members that day
    app = open_page(CoOwnersApp, on=dt.date(2026, 5, 1), date_label="Date of incorporation")
    assert app.session.group.value == "Kestrels" and app.session.date.value == dt.date(2026, 5, 1)
    assert open_page(ListeningApp).session.date.value == dt.date.today()
