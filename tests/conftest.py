"""Fixtures shared by the whole suite.

- ``ledger_location``: where a fresh, empty ledger lives, once per backend: a SQLite file path (not
  yet created) and a ``postgresql://`` URL of a database of its own on a throw-away server.
- ``ledger``: an empty ``Ledger`` opened at ``ledger_location``; so every test that uses it runs on
  both backends (ids ``[sqlite]`` and ``[postgresql]``).
- ``pg_server`` (session): the throw-away PostgreSQL server of ``tests/pg.py``, started on first use.
  Without PostgreSQL its tests skip with the reason; in CI (``CI`` set) they fail instead, so a
  broken install cannot pass as green.
- ``pg_database``: a factory of fresh PostgreSQL databases (ledger schema included, or not).
- ``crew_ledger``: a SQLite ledger with docs/rules.md's groups, for the page tests.
- ``open_page``: opens a page on ``crew_ledger`` at a group and a day, through the controls a
  facilitator uses (``find`` of ``tests/pages.py``).
"""

from __future__ import annotations

import os

import ipywidgets as widgets
import pytest

from microsolidarity_widgets import Ledger
from pages import find
from pg import PgServer, PgUnavailable

BACKENDS = ["sqlite", "postgresql"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = PgServer.start()
    except PgUnavailable as exc:
        if in_ci():
            pytest.fail(f"PostgreSQL must run in CI, but: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL is not available here ({exc}); CI runs these tests")
    yield server
    server.stop()


@pytest.fixture
def pg_database(pg_server):
    made = []

    def new(with_schema: bool = True) -> str:
        made.append(pg_server.new_database(with_schema))
        return made[-1]

    yield new
    for url in made:
        pg_server.drop_database(url)


@pytest.fixture(params=BACKENDS)
def ledger_location(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    return request.getfixturevalue("pg_database")()


@pytest.fixture
def ledger(ledger_location):
    with Ledger.open(ledger_location) as opened:
        yield opened


@pytest.fixture
def crew_ledger(tmp_path):
    """A SQLite ledger holding docs/rules.md's groups (crew Kestrels: Ama Bo Caz Dev; partnership Ama+Bo),
    founded 2026-01-01, for the page tests (the pages only use the Ledger API, tested on both backends)."""
    with Ledger.open(tmp_path / "pages.sqlite") as opened:
        opened.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
        opened.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2026-01-01")
        yield opened


@pytest.fixture
def open_page(crew_ledger):
    """``open_page(App, group="Kestrels", on=None, date_label="Date", group_label="Group", **kwargs)``:
    ``App(crew_ledger, **kwargs)`` with ``group`` chosen in its list labelled ``group_label`` and, unless
    ``on`` is None (the page's own today), the day ``on`` in the date picker labelled ``date_label``
    (both labels as the page says them in its language)."""
    def open_(app_class, group="Kestrels", on=None, date_label="Date", group_label="Group", **kwargs):
        app = app_class(crew_ledger, **kwargs)
        find(app, group_label, widgets.Dropdown).value = group
        if on is not None:
            find(app, date_label, widgets.DatePicker).value = on
        return app

    return open_
