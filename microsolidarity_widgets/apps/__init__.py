"""The facilitation pages: one app per workbook notebook, built on the shared ``Session``.

In a notebook: ``from microsolidarity_widgets.apps import ListeningApp, show; show(ListeningApp)``.
In code and tests: ``ListeningApp(ledger).widget``.
"""

from __future__ import annotations

from .co_owners import CoOwnersApp
from .conflict import ConflictApp
from .congregation import CongregationApp
from .consistency import ConsistencyApp
from .crew import CrewApp
from .listening import ListeningApp
from .money import MoneyApp
from .page import group_points, show
from .session import Session

__all__ = ["CongregationApp", "CrewApp", "ListeningApp", "MoneyApp", "ConsistencyApp", "ConflictApp", "CoOwnersApp", "Session",
           "show", "group_points"]
