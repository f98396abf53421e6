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
from pathlib import Path

import ipywidgets as widgets
import pytest

from microsolidarity_widgets import Ledger
from pages import find
from pg import PgServer, PgUnavailable

BACKENDS = ["sqlite", "postgresql"]


# Tornado's own tests (the member pages' handlers) wait 5 s by default; a member page built on a busy
# 2-core machine, with browser modules running beside it, has taken 10 s.
os.environ.setdefault("ASYNC_TEST_TIMEOUT", "60")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


BROWSER_DIR = Path(__file__).resolve().parent / "browser"


def shares_a_slow_start(path: Path) -> bool:
    """A browser module's tests share a server started once for the module (its kernels preheated), and a
    notebook's cells share one kernel: each must run whole on one worker."""
    return path.suffix == ".ipynb" or BROWSER_DIR in path.parents


class Scheduling:
    """Registered only when xdist is loaded (``pytest_configure``): with `-p no:xdist`, as when one browser
    module is run alone, pytest would stop at a hook it does not know."""

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):
        """`make test` runs the whole suite in one pytest on every core with `--dist loadgroup`: each browser
        module and notebook is one unit of work, every other test a unit of its own, handed out in the order
        of ``pytest_collection_modifyitems`` below. The units are named here, from each test's path: xdist 3.8
        names them from `xdist_group` marks by editing the node id, which pytest 9 no longer reads."""
        if config.getvalue("dist") != "loadgroup":
            return None
        from xdist.scheduler import LoadScopeScheduling

        config.option.loadscopereorder = False  # not by number of tests: a module of two may take the longest

        class ModuleOrTest(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                path = nodeid.split("::", 1)[0]
                return path if shares_a_slow_start(config.rootpath / path) else nodeid

        return ModuleOrTest(config, log)


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(Scheduling, "microsolidarity-scheduling")


def longest_first(item: pytest.Item) -> tuple[bool, bool]:
    """The installed wheel's module (a build and a virtual environment) first, then the other browser
    modules and notebooks, then the slow tests of their own (wheel builds, the benchmarks' smoke runs),
    then the quick ones: these fill whichever worker is free at the end, so neither waits long for the
    other's last unit."""
    whole = shares_a_slow_start(item.path)
    slow = item.get_closest_marker("slow") is not None or (not whole and item.get_closest_marker("browser") is not None)
    return (not whole, not slow)


def pytest_collection_modifyitems(config, items):
    if getattr(config.option, "loadgroup", False):  # set on xdist's workers under `--dist loadgroup`
        items.sort(key=longest_first)  # stable: the tests of a module keep their order


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
