"""The facilitation pages: one app per workbook notebook, built on the shared ``Session``.

In a notebook: ``from microsolidarity_widgets.apps import ListeningApp, show; show(ListeningApp)``.
In code and tests: ``ListeningApp(ledger).widget``.

A level's page lives in its folder (``levels/<name>/page.py``); each registered level's page class
is offered here under its own name (looked up when asked for: a level's page imports this package's
kit), so the notebooks import every page from one place.
"""

from __future__ import annotations

from .. import levels
from .congregation import CongregationApp
from .crew import CrewApp
from .page import group_points, show
from .session import Session



def __getattr__(name: str):
    """A level's page by its class's name (``from microsolidarity_widgets.apps import ListeningApp``)."""
    for level in levels.all_levels():
        if level.app and level.app.endswith(f":{name}"):
            return level.page_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CongregationApp", "CrewApp", "Session", "show", "group_points"]
