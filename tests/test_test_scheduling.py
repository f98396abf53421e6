"""`make test`'s one run over every core (tests/conftest.py): a browser module's tests, which share one server,
and a notebook's cells, which share one kernel, go whole to one worker; every other test is a unit of its own."""

from __future__ import annotations

import types

import conftest


class Options(types.SimpleNamespace):
    def getvalue(self, name):
        return {"dist": "loadgroup", "tx": ["2*popen"]}[name]


def test_browser_modules_and_notebooks_are_units_and_the_rest_go_one_by_one(pytestconfig):
    config = Options(option=types.SimpleNamespace(loadscopereorder=True), rootpath=pytestconfig.rootpath)
    scheduler = conftest.Scheduling.pytest_xdist_make_scheduler(config, None)
    assert scheduler._split_scope("tests/browser/test_a11y.py::test_landing_page[phone]") == "tests/browser/test_a11y.py"
    assert scheduler._split_scope("workbooks/01_crew.ipynb::Cell 0") == "workbooks/01_crew.ipynb"
    assert scheduler._split_scope("tests/test_scoring.py::test_one[2]") == "tests/test_scoring.py::test_one[2]"
    assert config.option.loadscopereorder is False  # handed out in the order of `longest_first`, not by size
