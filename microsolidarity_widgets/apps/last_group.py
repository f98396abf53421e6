"""The group the facilitator last worked on, for each ledger: every page opens on it, whichever page it
was chosen on, and crews a formation round creates do not take its place.

It is no event of the game, so it stays out of the ledger: a small file beside a ledger file
(``ledger.sqlite`` → ``ledger.sqlite.last-group.json``) or, for a database ledger, in this user's state
folder under a name made from the database's address. Losing it loses nothing but the choice: a page
then opens on the first group, as before. Plain Python, no widgets.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

import platformdirs

from ..ledger import Ledger


def _file(ledger: Ledger) -> Path:
    path = ledger.store.path
    if path is not None:
        return path.with_name(f"{path.name}.last-group.json")
    # The address may carry a password: only a digest of it names the file.
    digest = hashlib.sha256(str(ledger.store.location).encode()).hexdigest()[:16]
    return platformdirs.user_state_path("microsolidarity-widgets") / f"ledger-{digest}.last-group.json"


def remembered(ledger: Ledger) -> str | None:
    """The group last chosen for this ledger, or None."""
    try:
        group = json.loads(_file(ledger).read_text(encoding="utf-8")).get("group")
    except (OSError, ValueError, AttributeError):
        return None
    return group if isinstance(group, str) else None


def remember(ledger: Ledger, group: str | None) -> None:
    """``group`` is now the one the facilitator works on (each page's kernel may say so at any time)."""
    if not group or group == remembered(ledger):
        return
    target = _file(ledger)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")  # renamed whole: never read half-written
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps({"group": group}), encoding="utf-8")
        partial.replace(target)
    except OSError:  # a read-only folder or a full disk: pages open on the first group, as before
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
