"""The congregation page without a browser: the facilitator's steps through its widgets."""

from __future__ import annotations

import datetime as dt
import math
import re
import threading

from microsolidarity_widgets import Ledger, formation
from microsolidarity_widgets.apps import congregation as page
from microsolidarity_widgets.apps.congregation import CongregationApp
from pages import blank_dropdowns

CSV = ("name,work,slots,invited_by\nGus,music,Tue evening,Ama\nHal,food,Tue evening;Thu morning,Gus\n"
       "Ida,care,Tue evening,Bo\nJo,food,Tue evening,Bo\nKai,music,Tue evening,Caz\nLou,art,Tue evening,Caz\n")


def upload(app, name: str, content: bytes):
    app.upload.value = ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
                         "last_modified": dt.datetime.now()},)


def test_pool_round_pins_swaps_create_and_undo(tmp_path):
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = CongregationApp(ledger)
        assert app.body.layout.display == "none"  # nothing to show until a congregation exists
        app.new_name.value, app.new_region.value = "Lisbon circle", "Lisbon"
        app.start()
        assert app.which.value == "Lisbon circle" and app.body.layout.display is None
        for i, name in enumerate(["Ama", "Bo", "Caz", "Dev", "Eli", "Fay"]):
            app.person.value, app.slots.value = name, "Tue evening"
            app.work.value = "gardening; co-ops" if i % 2 else "software"
            app.add_person()
            assert app.statuses["person"].text == f"Recorded: {name} is in the pool."
        before = ledger.revision()
        upload(app, "bad.csv", b"name,work\nZed,x\n")
        app.import_csv()
        assert app.statuses["csv"].kind == "error" and "has no column slots" in app.statuses["csv"].text
        assert ledger.revision() == before
        upload(app, "pool.csv", CSV.encode())
        app.import_csv()
        assert app.statuses["csv"].text.startswith("Recorded: 6 people from pool.csv")
        assert "12 people in the pool." in app.pool_table.value and "gardening" not in app.pool_table.value
        app.show_answers.value = True
        assert "gardening" in app.pool_table.value  # only when the facilitator asks

        app.suggest().join()
        assert "Nothing is recorded" in app.statuses["round"].text and ledger.revision()[1] == before[1] + 12
        a, b = app.crews[0][:2]
        app.pin_a.value, app.pin_b.value, app.pin_how.value = a, b, "apart"
        app.add_pin()
        # Pins that contradict it through a third person: the last is refused where it was added.
        third = next(n for n in app.crews[1] if n not in (a, b))
        for x, y in ((a, third), (third, b)):
            app.pin_a.value, app.pin_b.value, app.pin_how.value = x, y, "together"
            app.add_pin()
        status = app.statuses["round"]
        assert status.kind == "error" and f"the pins together put {', '.join(sorted((a, b, third)))} in one crew" in status.text
        assert app.pins == [(a, b, "apart"), (a, third, "together")]
        app.suggest().join()
        assert not any(a in c and b in c for c in app.crews)
        assert any(a in c and third in c for c in app.crews)
        assert "all can meet Tuesday evenings" in app.result.value
        # A swap that breaks a pin is shown, and the crews cannot be created until it is fixed.
        other = next(c for c in app.crews if b in c)
        mate = next(n for n in other if n != b)
        crew_of_a = next(c for c in app.crews if a in c)
        swap_with = next(n for n in crew_of_a if n != a)
        app.swap_a.value, app.swap_b.value = swap_with, b
        app.swap()
        assert "break a rule" in app.result.value and app.create_button.disabled
        app.swap_a.value, app.swap_b.value = b, swap_with
        app.swap()
        assert not app.create_button.disabled and mate

        app.create()
        assert "Each is now a crew on every level page." in app.statuses["create"].text
        assert len(ledger.groups()) == len(app.congregation.formations()["crews"].iloc[0])
        app.undo_reason.value = "formed too early"
        app.undo()
        assert app.statuses["create"].text.startswith("Undone:") and ledger.groups().empty


def test_a_cleared_date_is_refused_not_taken_as_today(tmp_path):
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = CongregationApp(ledger)
        app.new_name.value, app.new_date.value = "Lisbon circle", None
        app.start()
        assert app.statuses["start"].kind == "error" and "Choose the date" in app.statuses["start"].text
        assert ledger.groups().empty
        app.new_date.value = dt.date(2025, 1, 1)
        app.start()
        before = ledger.revision()
        app.on.value = None
        app.person.value, app.slots.value = "Ama", "Tue evening"
        app.add_person()
        assert app.statuses["person"].kind == "error" and "Choose the date they joined" in app.statuses["person"].text
        upload(app, "pool.csv", CSV.encode())
        app.import_csv()
        assert app.statuses["csv"].kind == "error" and "Choose the date they joined" in app.statuses["csv"].text
        app.gathering_title.value, app.gathering_date.value = "First", None
        app.record_gathering()
        assert app.statuses["gathering"].kind == "error" and "Choose the date" in app.statuses["gathering"].text
        assert ledger.revision() == before


def test_a_form_is_declared_once_its_message_leaves_with_it_and_it_resets_what_was_typed(tmp_path):
    """As on the crew page: a record blanks what was typed and keeps the choices (the region, the date);
    a change to the form takes its refusal or confirmation away."""
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        app.person.value, app.slots.value, app.region.value = "Gus", "Tuesday-ish", "Lisbon"
        app.add_person()
        assert app.statuses["person"].kind == "error"
        app.slots.value = "Tue evening"  # the refusal was about the slot just corrected
        assert app.statuses["person"].kind is None and app.statuses["person"].widget.value == ""
        app.work.value = "gardening"
        app.add_person()
        assert app.statuses["person"].kind == "ok", app.statuses["person"].text  # the reset keeps the confirmation
        assert (app.person.value, app.work.value, app.slots.value, app.region.value) == ("", "", "", "Lisbon")
        app.person.value = "Hal"
        assert app.statuses["person"].kind is None


def test_the_charts_come_with_their_figures_as_tables(tmp_path):
    """Issue 15, item 4: a screen reader reads the invitation tree and the availability grid as tables."""
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = CongregationApp(ledger)
        app.new_name.value, app.new_region.value = "Lisbon circle", "Lisbon"
        app.start()
        for name, slots in [("Ama", "Tue evening"), ("Bo", "Tue evening; Thu morning"), ("Caz", "Tue evening")]:
            app.person.value, app.slots.value, app.work.value = name, slots, "music"
            app.add_person()
        upload(app, "pool.csv", CSV.encode())
        app.import_csv()
        assert app.statuses["csv"].text.startswith("Recorded: 6 people"), app.statuses["csv"].text
        tree, grid = app.tree_table.value, app.availability_table.value
        assert "Who brought whom into the pool: the figures as a table" in tree and "<table" in tree
        assert '<th scope="col">person</th><th scope="col">invited by</th>' in tree and "<td>Gus</td>" in tree
        assert "nan" not in tree  # the hosts have no inviter: a blank cell
        assert "The pool by availability: the figures as a table" in grid and "<table" in grid
        assert app.tree_table in app.body.children[2].children and app.availability_table in app.body.children[3].children


def started(ledger, **fields) -> CongregationApp:
    """The page with a congregation started on 1 January 2026 and six people typed into its pool."""
    app = CongregationApp(ledger)
    app.new_name.value, app.new_date.value = "Lisbon circle", dt.date(2026, 1, 1)
    for field, value in fields.items():
        getattr(app, field).value = value
    app.start()
    for name in ["Ama", "Bo", "Caz", "Dev", "Eli", "Fay"]:
        app.person.value, app.slots.value, app.work.value = name, "Tue evening", "music"
        app.add_person()
    return app


def test_agreements_a_gathering_and_who_came_and_its_temporary_crews(tmp_path):
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        assert "nan" not in app.about.value  # no region or purpose given: nothing said of them
        app.agreements.value = "Two gatherings a year; crews form for six months."
        app.record_agreements()
        assert "Agreements: Two gatherings a year; crews form for six months." in app.about.value
        app.gathering_title.value, app.came.value = "First gathering", ["Ama", "Bo", "Caz", "Dev"]
        app.record_gathering()
        assert app.statuses["gathering"].text == "Recorded: First gathering, with 4 people."
        assert "<td>Ama, Bo, Caz, Dev</td>" in app.gathering_list.value  # who came, not only how many

        # A round of those who came, recorded as temporary crews of that gathering: no crew of the workbook.
        gathering = int(app.congregation.gatherings()["id"].iloc[0])
        app.who.value, app.temporary.value = gathering, gathering
        app.target.value, app.low.value = 4, 3
        app.suggest().join()
        assert app.crews == [["Ama", "Bo", "Caz", "Dev"]]
        app.create()
        assert app.statuses["create"].text.startswith("Recorded: 1 temporary crew: Lisbon circle table 1")
        formed = app.congregation.formations().iloc[-1]
        assert formed["kind"] == "temporary" and formed["gathering"] == gathering and ledger.groups().empty
        assert "temporary" in app.formation_list.value and not app.congregation.pool()["member"].any()
        app.undo_reason.value = "only a trial"
        app.undo()
        assert app.statuses["create"].text.startswith("Undone:") and app.congregation.formations().empty


def test_solving_again_starts_from_the_crews_as_the_facilitator_left_them(tmp_path, monkeypatch):
    hints, suggest = [], formation.suggest

    def noting_the_hint(people, rnd, hint=None, progress=None):
        hints.append(hint)
        return suggest(people, rnd, hint, progress)

    monkeypatch.setattr(formation, "suggest", noting_the_hint)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        for name in ("Gus", "Hal"):
            app.person.value, app.slots.value = name, "Tue evening"
            app.add_person()
        app.target.value, app.low.value, app.high.value = 4, 3, 4
        app.suggest().join()
        (a, *_), (b, *_) = app.crews
        app.swap_a.value, app.swap_b.value = a, b
        app.swap()
        swapped = [list(c) for c in app.crews]
        app.suggest().join()
        assert hints == [None, swapped] and not formation.violations(app.crews, app.congregation.people(), app._round())
        app.seed.value = 7  # another seed asks for another search: it does not start from the screen
        app.suggest().join()
        assert hints[-1] is None


def test_the_round_says_who_cannot_be_placed_and_why(tmp_path):
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        for name, slots in (("Gus", ""), ("Hal", "Sun morning")):
            app.person.value, app.slots.value = name, slots
            app.add_person()
        app.suggest().join()
        assert sorted(n for c in app.crews for n in c) == ["Ama", "Bo", "Caz", "Dev", "Eli", "Fay"]
        assert "<b>Not placed:</b>" in app.result.value
        assert "<li>Gus: they gave no weekly slot, and every crew must share one.</li>" in app.result.value
        assert "<li>Hal: no weekly slot of theirs (Sun morning) is shared by 3 others" in app.result.value
        assert not app.create_button.disabled  # the others' crews can still be created


BAD_CSV = "name,work,slots,invited_by\n"


def typed(name, slots):
    def act(app):
        app.person.value, app.slots.value = name, slots
        app.add_person()
        return app.statuses["person"]
    return act


def imported(content: bytes):
    def act(app):
        upload(app, "pool.csv", content)
        app.import_csv()
        return app.statuses["csv"]
    return act


def test_bad_input_on_the_page_is_said_plainly_and_records_nothing(tmp_path):
    """Issue 14's bad input, through the page's own controls (the API's refusals: tests/test_congregation.py)."""
    cases = [
        (typed(" ama ", "Tue evening"), "Ama is already in the pool of Lisbon circle"),
        (typed("Zed", "Tuesday-ish"), "“Tuesday-ish” is not a weekly slot we know"),
        (imported((BAD_CSV + "Yan,x,Tue evening,\nyan ,y,Tue evening,\n").encode()), "Line 3: yan is listed twice"),
        (imported((BAD_CSV + "Yan,x,Tue evening,Zoe\nZoe,x,Tue evening,Yan\n").encode()),
         "go round in a circle \\(Yan, invited by Zoe; Zoe, invited by Yan\\)"),
        (imported((BAD_CSV + "Yan,x,Someday,\n").encode()), "Line 2: “Someday” is not a weekly slot"),
        (imported(b"name,work\nYan,x\n"), "The CSV has no column slots"),
        (imported((BAD_CSV + "Zo\u00eb,x,Tue evening,\n").encode("latin-1")), "pool.csv: The file is not UTF-8 text"),
        (imported((BAD_CSV + "Yan,x,Tue evening,\n").encode("utf-16")), "pool.csv: The file is not UTF-8 text"),
    ]
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        before = ledger.revision()
        for act, words in cases:
            status = act(app)
            assert status.kind == "error" and re.search(words, status.text), (words, status.text)
            assert "Nothing was recorded" in status.text
        assert ledger.revision() == before and len(app.congregation.pool()) == 6


def test_every_dropdown_shows_the_value_it_holds(tmp_path):
    """"Who is in this round", "Create as", "Invited by" and "Preferred crew size" looked empty in the
    browser while holding a value (issue 21): each shows its option from the start, after a person is
    added (the lists filled in again), and chosen again by hand."""
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = CongregationApp(ledger)
        app.new_name.value = "Lisbon circle"
        app.start()
        assert blank_dropdowns(app) == []
        for name in ("Ama", "Bo"):
            app.person.value, app.slots.value, app.work.value = name, "Tue evening", "co-ops"
            app.size.value = 4
            app.add_person()
        assert app.statuses["person"].kind == "ok"
        app.size.value = None  # "no preference" chosen again
        assert blank_dropdowns(app) == []
        assert (app.who.label, app.temporary.label, app.invited_by.label, app.size.label) == (
            "Everyone in the pool not yet in a crew", "lasting crews (each becomes a crew of the workbook)",
            "— a host invited them", "no preference")


def test_someone_who_joins_from_a_phone_appears_in_the_pool_table(tmp_path, monkeypatch):
    """The open page looks at the ledger as the level pages do: a person who joined the pool from their
    phone (another writer) is in the table without reopening the page; what is typed stays."""
    import asyncio

    from microsolidarity_widgets.apps import session
    from microsolidarity_widgets.congregation import Congregation

    monkeypatch.setattr(session, "POLL_SECONDS", 0.01)
    path = tmp_path / "l.sqlite"

    async def play():
        with Ledger.open(path) as ledger, Ledger.open(path) as phone:
            app = CongregationApp(ledger)  # built in the kernel's event loop: the page looks every POLL_SECONDS
            app.new_name.value = "Lisbon circle"
            app.start()
            app.person.value = "Half-typed"
            assert "Nobody in the pool yet" in app.pool_table.value
            Congregation(phone, "Lisbon circle").add_person("Zoë", answers={"work": "care", "slots": "Tue evening"})
            for _ in range(500):  # each turn of the loop lets the page look once
                if "Zoë" in app.pool_table.value:
                    break
                await asyncio.sleep(0.01)
            assert "Zoë" in app.pool_table.value and "1 person in the pool." in app.pool_table.value
            assert [v for _, v in app.invited_by.options][1:] == ["Zoë"] and app.person.value == "Half-typed"
            app.widget.close()  # the page closed: it stops looking

    asyncio.run(play())

def test_the_round_searches_off_the_page_and_shows_its_progress_until_the_crews(tmp_path, monkeypatch):
    """A solver that yields its solutions one by one, and waits for the test between them: the page says
    it is searching, shows the best so far as it comes, and keeps the buttons that would change the round
    waiting; then the crews, the status, and the bar gone."""
    reported, go_on, real = threading.Event(), threading.Event(), formation.suggest

    def yielding(people, rnd, hint=None, progress=None):
        progress(formation.Progress(0.25, 2, 8, 5))
        reported.set()
        assert go_on.wait(30)
        return real(people, rnd, hint, progress)

    monkeypatch.setattr(formation, "suggest", yielding)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        for name in ("Gus", "Hal"):
            app.person.value, app.slots.value = name, "Tue evening"
            app.add_person()
        search = app.suggest()
        assert reported.wait(30)  # the click has returned, the search goes on in its own thread
        assert search.is_alive() and app.statuses["round"].text == "Looking for crews for 8 people: about 2 seconds…"
        assert 'role="status"' in app.statuses["round"].widget.value  # said once, politely
        assert '<progress max="100" value="25" aria-label="Looking for crews">' in app.progress.value
        assert "Best so far: 2 crews for 8 people, score 5." in app.progress.value
        assert app.suggest_button.disabled and app.swap_button.disabled and app.create_button.disabled
        go_on.set()
        search.join()
        assert app.progress.value == "" and not app.suggest_button.disabled and not app.create_button.disabled
        assert sorted(n for c in app.crews for n in c) == ["Ama", "Bo", "Caz", "Dev", "Eli", "Fay", "Gus", "Hal"]
        assert re.fullmatch(r"Suggested 2 crews for 8 people in \d+\.\d s\..* Nothing is recorded until you create them\.",
                            app.statuses["round"].text)


def test_a_search_whose_round_was_left_shows_nothing(tmp_path, monkeypatch):
    go_on, real = threading.Event(), formation.suggest

    def waiting(people, rnd, hint=None, progress=None):
        assert go_on.wait(30)
        return real(people, rnd, hint, progress)

    monkeypatch.setattr(formation, "suggest", waiting)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        search = app.suggest()
        app.new_name.value = "Porto circle"
        app.start()  # another congregation chosen while the first one's round searches
        go_on.set()
        search.join()
        assert app.crews == [] and app.result.value == "" and app.progress.value == ""
        assert not app.suggest_button.disabled


def test_a_search_that_fails_says_so_and_gives_the_buttons_back(tmp_path, monkeypatch):
    def failing(people, rnd, hint=None, progress=None):
        raise RuntimeError("the solver's library broke")

    monkeypatch.setattr(formation, "suggest", failing)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        app.suggest().join()
        status = app.statuses["round"]
        assert status.kind == "error" and status.text.startswith("The search for crews stopped unexpectedly")
        assert "RuntimeError" not in status.text and app.progress.value == "" and not app.suggest_button.disabled


def test_the_page_gives_the_round_the_time_budget_the_benchmark_measures(tmp_path, monkeypatch):
    import benchmarks.formation as bench

    rounds, real = [], formation.suggest
    monkeypatch.setattr(formation, "suggest", lambda people, rnd, hint=None, progress=None:
                        rounds.append(rnd) or real(people, rnd, hint, progress))
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        started(ledger).suggest().join()
    # The wall clock is the budget (no deterministic work limit that a loaded machine would stretch), from
    # the click: reading the pool came out of it.
    assert page.SEARCH_AT_LEAST <= rounds[0].time_limit < page.ROUND_SECONDS and rounds[0].work == math.inf
    assert bench.ROUND_SECONDS == page.ROUND_SECONDS < bench.PAGE_TARGET  # what the benchmark measures, and its target


def test_the_round_knows_last_season_and_can_keep_its_crews_apart(tmp_path):
    """Issue 24: a crew closes, its people and newcomers form new crews; last season's crew-mates count
    as knowing each other well (a tick) and the round can keep last season's crews apart (another)."""
    from microsolidarity_widgets.seasons import decide

    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        app = started(ledger)
        app.congregation.form_crews([["Ama", "Bo", "Caz"], ["Dev", "Eli", "Fay"]], names=["Oaks", "Elms"])
        decide(ledger, "Oaks", dt.date.today(), "close")
        for name in ("Gus", "Hal", "Ida"):
            app.person.value, app.slots.value = name, "Tue evening"
            app.add_person()
        assert "Keep last season's crews apart" == app.keep_apart.description and not app.keep_apart.value
        assert app.history.value and app.history in app.body.children[5].children  # in the round's section
        oaks = {"Ama", "Bo", "Caz"}
        app.target.value, app.low.value, app.high.value = 3, 3, 3
        app.suggest().join()
        assert sorted(n for c in app.crews for n in c) == ["Ama", "Bo", "Caz", "Gus", "Hal", "Ida"]
        assert all(len(oaks & set(c)) <= 2 for c in app.crews)  # three of Oaks would be three known pairs
        assert "were together last season" in app.result.value
        # Without the history they may share a crew, and one crew of six would be Oaks again, whole ...
        app.history.value = False
        app.high.value, app.target.value, app.low.value = 6, 6, 4
        app.suggest().join()
        assert [sorted(c) for c in app.crews] == [["Ama", "Bo", "Caz", "Gus", "Hal", "Ida"]]
        # ... which the tick refuses at once on the crews shown, and the next search avoids.
        app.keep_apart.value = True
        assert "re-forms last season&#39;s crew of Ama, Bo, Caz" in app.result.value and app.create_button.disabled
        app.suggest().join()
        assert [len(c) for c in app.crews] == [5] and not oaks <= set(app.crews[0])
        assert "<b>Not placed:</b>" in app.result.value and "none re-forms last season&#39;s crews whole" in app.result.value
        app.create()
        assert app.statuses["create"].text.startswith("Recorded:")
