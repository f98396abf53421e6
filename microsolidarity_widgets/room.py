"""What each group is playing right now, so members can read the round's prompts on their phones.

A level page opened by the facilitator says which group it shows: one small file per page's kernel, in
a folder the shared server names in ``MICROSOLIDARITY_ROOM`` (kernels inherit the server's
environment). A member's page reads the folder; for each group the page opened or switched to it last
wins. This is not history, so it stays out of the ledger: a page whose kernel has gone (the page was
closed, or the server stopped) no longer counts, and a note from another day never does.

A page can also go without a word (a browser killed, a laptop lid closed, the network gone): its
kernel lives on until the idle cull, a quarter of an hour later. So the shared server, which pings every
page's connection every few seconds, tells this module each time a page answers (``heard``, keyed by
the page's kernel process, as the notes are), and a page not heard from for ``LIVE`` seconds stops
counting. A page not heard from yet (its connection opens once it has drawn) counts for ``FIRST_WORD``
seconds after its note. Outside the server (JupyterLab, scripts) nobody listens, and only the process
check applies.

Outside a shared server (JupyterLab, a script, tests without the variable) nothing is written.
Plain Python, no widgets.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import time
from pathlib import Path

import psutil

ENV_VAR = "MICROSOLIDARITY_ROOM"
LIVE = 8.0  # seconds without an answer to the server's pings (every 3 s) before a page stops counting
FIRST_WORD = 60.0  # seconds a page may take to connect after saying what it shows

# In the shared server's process (after ``listen``): when each page's kernel process last had an answer
# from its page. One number per kernel served while the server runs.
_heard: dict[int, float] = {}
_listening = False


def folder() -> Path | None:
    where = os.environ.get(ENV_VAR)
    return Path(where) if where else None


def _mine() -> Path | None:
    where = folder()
    return where / f"{os.getpid()}.json" if where else None


def announce(group: str, level: int, on: dt.date) -> None:
    """This process's page now shows ``group`` at ``level`` for the day ``on``."""
    path = _mine()
    if path is None:
        return
    if not path.exists():
        atexit.register(path.unlink, missing_ok=True)  # a page that closes stops counting at once
    note = {"group": group, "level": level, "day": on.isoformat(), "at": time.time(), "started": _started(os.getpid())}
    # Written aside and renamed, so a phone never reads half a note.
    partial = path.with_suffix(".part")
    try:
        partial.write_text(json.dumps(note), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass  # the folder went with its server: the page keeps working, phones just see no prompts


def withdraw() -> None:
    """This process's page no longer shows a group being played today (another day, or no group)."""
    path = _mine()
    if path is not None:
        path.unlink(missing_ok=True)


def listen() -> None:
    """From now on, in this process, a page counts only while its connection answers (see ``heard``)."""
    global _listening
    _listening = True


def heard(pid: int | None) -> None:
    """The page served by kernel process ``pid`` is still connected (it opened its connection or
    answered a ping). Called by the server on its event loop: a dictionary write, nothing more."""
    if _listening and pid is not None:
        _heard[pid] = time.time()


def _connected(pid: int, note: dict, now: float) -> bool:
    """Whether the page behind a note still has its connection, as far as the server knows."""
    if not _listening:
        return True  # not inside the shared server: nobody hears the pages' connections
    last = _heard.get(pid)
    if last is None:
        return now - note.get("at", 0) <= FIRST_WORD
    return now - last <= LIVE


def _started(pid: int) -> float | None:
    """When the process began (as the system says, through psutil), to tell a page's kernel from a
    later process given the same number after the kernel was killed without a goodbye."""
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def _alive(pid: int, started: float | None) -> bool:
    if pid <= 1:
        return False  # not a page's kernel: 0 and -1 would name process groups
    now = _started(pid)
    if now is None:
        return psutil.pid_exists(pid)  # there, but its start is not ours to read
    return started is None or now == started


def playing(today: dt.date) -> dict[str, int]:
    """The level each group is playing today, as the open pages say: {group: level number}."""
    where = folder()
    if where is None or not where.is_dir():
        return {}
    newest: dict[str, tuple[float, int]] = {}
    now = time.time()
    for path in where.glob("*.json"):
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
            pid = int(path.stem)
        except (OSError, ValueError):
            continue  # gone while we looked, or not one of ours
        if (note.get("day") != today.isoformat() or not _alive(pid, note.get("started"))
                or not _connected(pid, note, now)):
            continue
        if note["group"] not in newest or note["at"] > newest[note["group"]][0]:
            newest[note["group"]] = (note["at"], note["level"])
    return {group: level for group, (_at, level) in newest.items()}
