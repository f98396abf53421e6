"""Pages built ahead of their visitor (a preheated Voilà kernel) and rebuilt only when that would be stale.

``wait_for_request`` is where a preheated kernel waits for its visitor; here it is replaced by what
happens meanwhile (another page recording, midnight passing, nothing at all).
"""

import datetime as dt
import types
import weakref

import pytest

from microsolidarity_widgets import Ledger
from microsolidarity_widgets.apps import ConflictApp, ListeningApp, page
from microsolidarity_widgets.apps.review import show_review
from microsolidarity_widgets.levels.listening import Listening
from pages import find


@pytest.fixture
def meanwhile(monkeypatch):
    """Set ``meanwhile.happens`` to what takes place between the early build and the visitor's arrival."""
    state = types.SimpleNamespace(happens=lambda: None, waits=0)

    def wait_for_request():
        state.waits += 1
        state.happens()

    monkeypatch.setattr(page, "wait_for_request", wait_for_request)
    return state


def counting(app_class, built):
    def build(ledger):
        built.append(app_class(ledger))
        return built[-1]
    return build


def test_unchanged_ledger_shows_the_page_built_before_the_visitor(crew_ledger, meanwhile):
    built = []
    shown = page.fresh_page(counting(ListeningApp, built), page._cannot_open, crew_ledger)
    assert meanwhile.waits == 1 and len(built) == 1
    assert shown is built[0].widget and shown.comm is not None


def test_a_write_by_another_page_meanwhile_is_on_the_page_shown(crew_ledger, meanwhile):
    def another_page_records():
        with Ledger.open(crew_ledger.location) as other:
            other.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))

    meanwhile.happens = another_page_records
    built = []
    shown = page.fresh_page(counting(ListeningApp, built), page._cannot_open, crew_ledger)
    assert len(built) == 2 and shown is built[1].widget
    assert built[0].session.undo_target.value == "Nothing to undo yet."
    assert built[1].session.undo_target.value.startswith(
        "Last record: listening on 2026-01-10 in Kestrels, recorded at ")
    assert built[1].session.undo_target.value.endswith(": present Ama, Bo, Caz.")
    assert built[0].widget.comm is None and built[0].session.record_button.comm is None  # the stale page is closed
    assert built[1].session.record_button.comm is not None


def test_a_stale_build_is_let_go_before_the_page_is_built_again(crew_ledger, meanwhile):
    """A review built ahead holds a whole history: kept until the garbage collector gets round to
    its widgets' reference cycles, it would double the peak memory of the rebuild."""
    def another_page_records():
        with Ledger.open(crew_ledger.location) as other:
            other.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))

    meanwhile.happens = another_page_records
    apps, earlier_alive = [], []

    def build(ledger):
        earlier_alive.extend(ref() is not None for ref in apps)
        app = ListeningApp(ledger)
        apps.append(weakref.ref(app))
        return app

    page.fresh_page(build, page._cannot_open, crew_ledger)
    assert len(apps) == 2 and earlier_alive == [False]


def test_the_discarded_build_closes_the_parts_kept_off_the_page_too(crew_ledger):
    built = []
    first = page.Build(counting(ConflictApp, built), crew_ledger)
    app = built[0]
    assert app.close_form not in app.forms.children  # the closing form waits aside until asked for
    first.close()
    assert app.widget.comm is None and app.session.record_button.comm is None
    assert app.outcome.comm is None and app.close_form.comm is None


def test_a_new_day_rebuilds_the_page_so_its_dates_start_at_today(crew_ledger, meanwhile, monkeypatch):
    day = {"today": dt.date(2026, 3, 1)}

    class Calendar(dt.date):
        @classmethod
        def today(cls):
            return day["today"]

    monkeypatch.setattr(page, "dt", types.SimpleNamespace(date=Calendar))
    meanwhile.happens = lambda: day.update(today=dt.date(2026, 3, 2))
    built = []
    page.fresh_page(counting(ListeningApp, built), page._cannot_open, crew_ledger)
    assert len(built) == 2


def test_the_review_follows_the_same_rule(crew_ledger, meanwhile):
    def another_page_records():
        with Ledger.open(crew_ledger.location) as other:
            other.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz", "Dev"]))

    before = show_review(crew_ledger).summary_text
    meanwhile.happens = another_page_records
    after = show_review(crew_ledger).summary_text
    assert before != after and "4 points" in after, after


def test_a_ledger_that_cannot_be_opened_is_said_in_plain_words(tmp_path, meanwhile, monkeypatch):
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("MICROSOLIDARITY_LEDGER", str(damaged))
    page.kernel_ledger.cache_clear()
    built = []
    shown = page.fresh_page(counting(ListeningApp, built), page._cannot_open)
    page.kernel_ledger.cache_clear()
    assert built == []
    text = shown.children[1].value
    assert "The workbook cannot open its ledger." in text and "Traceback" not in text


def test_a_ledger_repaired_before_the_visitor_arrives_shows_the_page(tmp_path, meanwhile, monkeypatch):
    where = tmp_path / "ledger.sqlite"
    where.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("MICROSOLIDARITY_LEDGER", str(where))
    page.kernel_ledger.cache_clear()

    def repaired():
        where.unlink()
        with Ledger.open(where) as fresh:
            fresh.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")

    meanwhile.happens = repaired
    built = []
    shown = page.fresh_page(counting(ListeningApp, built), page._cannot_open)
    page.kernel_ledger.cache_clear()
    assert len(built) == 1 and shown is built[0].widget
    assert built[0].session.group.value == "Kestrels"


def test_every_kind_of_change_moves_the_ledger_revision(ledger):
    seen = [ledger.revision()]
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], kind="crew", on="2026-01-01")
    seen.append(ledger.revision())
    ledger.rename_member("Caz", "Cass")
    seen.append(ledger.revision())
    ledger.forget_member("Bo")
    seen.append(ledger.revision())
    ledger.points()  # reading changes nothing
    seen.append(ledger.revision())
    assert seen[0] == (0, 0) and len(set(seen[:4])) == 4 and seen[4] == seen[3]


def test_the_summary_worked_out_ahead_follows_later_writes(crew_ledger, monkeypatch):
    monkeypatch.setenv("MICROSOLIDARITY_LEDGER", crew_ledger.location)
    page.kernel_ledger.cache_clear()
    try:
        before = page.group_points(level=1)
        with Ledger.open(crew_ledger.location) as other:
            other.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))
        after = page.group_points(level=1)
    finally:
        page.kernel_ledger.cache_clear()
    assert kestrels_points(before) == "0" and kestrels_points(after) == "3"


def kestrels_points(summary: str) -> str:
    return next(line.split() for line in summary.splitlines() if line.split()[0] == "Kestrels")[-1]


def test_another_group_chosen_on_another_page_meanwhile_is_the_one_shown(crew_ledger, meanwhile):
    """The group last worked on is no ledger write: a page built ahead of its visitor is built again
    when the facilitator chose another group on another page meanwhile."""
    meanwhile.happens = lambda: setattr(find(ConflictApp(crew_ledger), "Group"), "value", "Ama+Bo")
    built = []
    shown = page.fresh_page(counting(ListeningApp, built), page._cannot_open, crew_ledger)
    assert len(built) == 2 and shown is built[1].widget
    assert built[0].session.group.value == "Kestrels" and built[1].session.group.value == "Ama+Bo"


def test_a_page_opened_without_preheating_does_not_load_voilas_server():
    """Every page's kernel imports the apps; Voilà's server extension (jupyter_server, Tornado's web stack)
    is only needed for a preheated kernel's wait, and was a third of every kernel's start."""
    import subprocess
    import sys

    from microsolidarity_widgets.levels import all_levels

    pages = "; ".join(f"import {level.app.split(':')[0]}" for level in all_levels())
    loaded = subprocess.run(
        [sys.executable, "-c", f"import sys, microsolidarity_widgets.apps; {pages}; "
                               "print(sorted(m for m in ('voila', 'jupyter_server', 'tornado.web') if m in sys.modules))"],
        capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
