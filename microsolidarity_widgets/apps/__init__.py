"""The facilitation pages: one app per workbook notebook, built on the shared ``Session``.

In a notebook: ``from microsolidarity_widgets.apps import show_listening; show_listening()``.
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
from .page import show, summary
from .session import Session


def show_congregation() -> None:
    show(CongregationApp)


def show_crew() -> None:
    show(CrewApp)


def show_listening() -> None:
    show(ListeningApp)


def show_money() -> None:
    show(MoneyApp)


def show_consistency() -> None:
    show(ConsistencyApp)


def show_conflict() -> None:
    show(ConflictApp)


def show_co_owners() -> None:
    show(CoOwnersApp)


__all__ = ["CongregationApp", "CrewApp", "ListeningApp", "MoneyApp", "ConsistencyApp", "ConflictApp", "CoOwnersApp", "Session",
           "show", "show_congregation", "show_crew", "show_listening", "show_money", "show_consistency", "show_conflict",
           "show_co_owners", "summary"]
