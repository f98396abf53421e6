"""A per-turn countdown that runs in the browser, so the kernel is never busy while it ticks."""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from .. import i18n
from ..i18n import N_

# The browser side lives in real files beside this module (static/). Given a Path, anywidget checks
# the file exists when the class is defined and reads it when the first widget is made. It would
# also watch the file for edits, but only when a developer opts in with ANYWIDGET_HMR=1 (and never
# for a file under site-packages), so a served page starts no watcher and fetches nothing.
STATIC = Path(__file__).with_name("static")


# What the timer says, by the keys the browser side reads.
WORDS = {"left": N_("Time left in this turn"), "reset": N_("Reset timer"), "time": N_("Time"),
         "pause": N_("Pause timer"), "start": N_("Start timer"), "resume": N_("Resume timer")}


class Countdown(anywidget.AnyWidget):
    """Counts down ``seconds`` in the page; ``restart()`` starts afresh for the next speaker."""

    _esm = STATIC / "countdown.js"
    _css = STATIC / "countdown.css"
    seconds = traitlets.Int(60).tag(sync=True)
    turn = traitlets.Int(0).tag(sync=True)
    autostart = traitlets.Bool(True).tag(sync=True)
    remaining = traitlets.Int(60).tag(sync=True)  # reported by the page when paused, reset or finished
    running = traitlets.Bool(False).tag(sync=True)
    # When a running turn ends, by the page's clock (ms since 1970), reported with ``running``: a timer
    # drawn again (its page switched language) goes on counting to it.
    ends_at = traitlets.Float(0).tag(sync=True)
    # Its words in the page's language (the kernel's), sent with the widget.
    words = traitlets.Dict().tag(sync=True)

    @traitlets.default("words")
    def _words(self) -> dict[str, str]:
        w = i18n.words()
        return {key: w._(text) for key, text in WORDS.items()}

    @traitlets.observe("seconds")
    def _full_length(self, _change) -> None:
        # The page starts afresh at the new length (countdown.js); a timer drawn later must too.
        self.remaining, self.running = self.seconds, False

    def carry_from(self, old: Countdown) -> bool:
        """The same timer drawn again on the page rebuilt in another language (apps/relabel.py): the
        time left, running or paused, goes on where it was."""
        # The length first: a new length starts the timer afresh, then the time left is the old one's.
        state = ("seconds", "turn", "autostart", "remaining", "running", "ends_at")
        if all(getattr(self, name) == getattr(old, name) for name in state):
            return False
        for name in state:
            setattr(self, name, getattr(old, name))
        return True

    def restart(self, run: bool = True) -> None:
        """Back to the full length, counting down at once if ``run`` (the next speaker's turn)."""
        self.autostart = run
        self.remaining = self.seconds
        self.turn += 1
