"""The group the facilitator last worked on, for each ledger: every page opens on it, whichever page it
was chosen on, and crews a formation round creates do not take its place.

It is no event of the game, so it stays out of the ledger: kept beside it (``choices``: a file
``ledger.sqlite.last-group.json``, or one in this user's state folder for a database ledger). Losing it
loses nothing but the choice: a page then opens on the first group, as before. Plain Python, no widgets.
"""

from __future__ import annotations

from .. import choices
from ..ledger import Ledger


def _file(ledger: Ledger):
    return choices.file_for(ledger.store, "last-group")


def remembered(ledger: Ledger) -> str | None:
    """The group last chosen for this ledger, or None."""
    return choices.read(_file(ledger), "group")


def remember(ledger: Ledger, group: str | None) -> None:
    """``group`` is now the one the facilitator works on (each page's kernel may say so at any time)."""
    if group and group != remembered(ledger):
        choices.write(_file(ledger), "group", group)
