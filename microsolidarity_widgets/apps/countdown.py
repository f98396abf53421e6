"""A per-turn countdown that runs in the browser, so the kernel is never busy while it ticks."""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

# The browser side lives in real files beside this module (static/). Given a Path, anywidget checks
# the file exists when the class is defined and reads it when the first widget is made. It would
# also watch the file for edits, but only when a developer opts in with ANYWIDGET_HMR=1 (and never
# for a file under site-packages), so a served page starts no watcher and fetches nothing.
STATIC = Path(__file__).with_name("static")


class Countdown(anywidget.AnyWidget):
    """Counts down ``seconds`` in the page; ``restart()`` starts afresh for the next speaker."""

    _esm = STATIC / "countdown.js"
    _css = STATIC / "countdown.css"
    seconds = traitlets.Int(60).tag(sync=True)
    turn = traitlets.Int(0).tag(sync=True)
    autostart = traitlets.Bool(True).tag(sync=True)
    remaining = traitlets.Int(60).tag(sync=True)  # reported by the page when paused, reset or finished
    running = traitlets.Bool(False).tag(sync=True)

    def restart(self, run: bool = True) -> None:
        """Back to the full length, counting down at once if ``run`` (the next speaker's turn)."""
        self.autostart = run
        self.remaining = self.seconds
        self.turn += 1
