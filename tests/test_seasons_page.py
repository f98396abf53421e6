"""The retrospective page (workbooks/08_retrospective.ipynb) through the controls a facilitator uses, on
the page tests' crew (Kestrels: Ama, Bo, Caz, Dev, founded 2026-01-01)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar

from microsolidarity_widgets.seasons import actions, seasons, standing
from microsolidarity_widgets.seasons.calendar import retrospectives_ics
from microsolidarity_widgets.seasons.page import RetrospectiveApp


def on(app: RetrospectiveApp, day: str) -> RetrospectiveApp:
    app.date.value = dt.date.fromisoformat(day)
    return app


def test_a_retrospective_from_reflections_to_the_decision(crew_ledger):
    app = RetrospectiveApp(crew_ledger)
    app.group.value = "Kestrels"
    on(app, "2026-01-01").agree_season()
    assert app.status.kind == "ok" and len(seasons(crew_ledger, "Kestrels")) == 1
    on(app, "2026-04-01").start()
    for member, column, words in (("Ama", "working", "We meet <b>every</b> week"), ("Bo", "better", "Start on time")):
        app.reflector.value, app.column.value, app.words.value = member, column, words
        app.reflect()
        assert app.status.kind == "ok", app.status.text
    # Before the reveal the screen says who has written, never what.
    assert "Ama (1), Bo (1)" in app.board.value and "every" not in app.board.value
    app.reveal()
    assert "We meet &lt;b&gt;every&lt;/b&gt; week" in app.board.value and "<b>every" not in app.board.value
    app.ungrouped.value = tuple(v for _, v in app.ungrouped.options)
    app.title.value = "Rhythm"
    app.group_reflections()
    app.voter.value, app.topic.value = "Ama", app.topic.options[1][1]
    for _ in range(3):
        app.vote()
    assert app.status.kind == "ok" and "0 left" in app.status.text
    app.vote()
    assert app.status.kind == "error" and "Ama has no votes left" in app.status.text
    assert "Nothing was recorded" in app.status.text
    for owner, what in (("Caz", "Book the room"), ("Dev", "Bring tea")):
        app.owner.value, app.action_text.value = owner, what
        app.add_action()
    assert "Book the room" in app.action_list.value and len(actions(crew_ledger, "Kestrels")) == 2
    assert "The actions agreed on 1 April 2026" in app.action_list.value  # a past day's, never "today's"

    # The next retrospective opens with last time's actions (owner, due date), to mark done or not in it.
    on(app, "2026-07-01")
    assert "Book the room" in app.last_actions.value and "1 May 2026" in app.last_actions.value
    assert sorted(t.description for t in app.review_box.children) == ["Caz: Book the room", "Dev: Bring tea"]
    first, second = app.reviews.values()
    first.value, second.value = True, False
    app.review_actions()
    assert app.status.kind == "error" and "Start the retrospective of 1 July 2026 first" in app.status.text
    app.start()
    first, second = app.reviews.values()
    first.value, second.value = True, False
    app.review_actions()
    assert app.status.kind == "ok", app.status.text
    assert actions(crew_ledger, "Kestrels")["done"].tolist() == [True, False]
    assert "Not done" in app.last_actions.value and not app.reviews
    app.decision.value = "continue"
    app.decide()
    assert app.status.kind == "ok" and standing(crew_ledger, "Kestrels", "2026-07-02").season == 2


def test_refusals_show_on_the_page_and_record_nothing(crew_ledger):
    app = on(RetrospectiveApp(crew_ledger), "2026-04-01")
    app.group.value = "Kestrels"
    app.start()
    before = crew_ledger.revision()
    app.reflector.value, app.words.value = "Ama", "x" * 10_000
    app.reflect()
    assert app.status.kind == "error" and "keep it under 1000" in app.status.text
    app.reflector.value, app.words.value = None, "hi"
    app.reflect()
    assert app.status.kind == "error" and "Choose the member reflecting" in app.status.text
    on(app, "2025-12-01").agree_season()
    assert app.status.kind == "error" and "before it existed" in app.status.text
    assert crew_ledger.revision() == before


def test_a_day_after_today_is_refused_as_it_is_picked(crew_ledger):
    """It used to fail inside the page (the crew's members asked for a day ahead), leaving it as it was."""
    app = RetrospectiveApp(crew_ledger)
    app.group.value = "Kestrels"
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    app.date.value = tomorrow
    assert app.status.kind == "error" and f"{tomorrow.isoformat()} is in the future" in app.status.text
    assert not app.today.children and app.since.value == ""
    before = crew_ledger.revision()
    on(app, "2025-12-31")  # a day that is not ahead: the refusal goes
    assert app.status.text == "" and app.today.children
    app.start()  # but before the crew existed
    assert app.status.kind == "error" and "started on 2026-01-01" in app.status.text
    assert crew_ledger.revision() == before
    on(app, "2026-04-01")
    assert "Start the retrospective of 1 April 2026" == app.start_button.description
    app.start()
    assert app.status.kind == "ok" and "The retrospective of 1 April 2026 has started" in app.status.text


def test_the_calendar_file_carries_the_seasons_retrospectives(crew_ledger):
    app = RetrospectiveApp(crew_ledger)
    app.group.value = "Kestrels"
    on(app, "2026-01-01").agree_season()
    assert "Kestrels-retrospectives.ics" in app.calendar.value
    where = standing(crew_ledger, "Kestrels", "2026-01-01")
    cal = icalendar.Calendar.from_ical(retrospectives_ics("Kestrels", where.planned))
    days = [e.decoded("dtstart") for e in cal.walk("VEVENT")]
    assert days == [dt.date(2026, 4, 1), dt.date(2026, 7, 1)]


def test_the_notebook_is_thin():
    notebook = json.loads((Path(__file__).parent.parent / "workbooks" / "08_retrospective.ipynb").read_text())
    kinds = [c["cell_type"] for c in notebook["cells"]]
    assert kinds == ["markdown", "code"] and "show(RetrospectiveApp)" in "".join(notebook["cells"][1]["source"])
