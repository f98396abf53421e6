"""Level 1 · Listening: go round the circle, one speaker at a time, then record the round."""

from __future__ import annotations

import random

import ipywidgets as widgets
from markupsafe import Markup
import pandas as pd

from ...apps.controls import Choice, hint, section, wide
from ...apps.countdown import Countdown
from ...apps.markup import esc, html_list
from ...apps.session import Session
from ...errors import LedgerError
from ...i18n import N_, Words, words
from ...ledger import Ledger
from ...rules import describe
from . import LEVEL, Listening

# What the page says to the facilitator.
LISTENING_RULE = N_("While someone has the turn, nobody replies or gives advice. Anyone may pass.")

TURN_SECONDS = [30, 60, 90, 120, 180, 300]


def turn_length(seconds: int, w: Words) -> str:
    """"30 seconds", "1 minute", "90 seconds", "2 minutes": as the facilitator says a turn's length."""
    if seconds % 60 or seconds < 60:
        return w.ngettext("%(num)s second", "%(num)s seconds", seconds)
    return w.ngettext("%(num)s minute", "%(num)s minutes", seconds // 60)


class ListeningApp:
    """Level 1's page: go round the circle, time each turn, record the round."""

    level = LEVEL

    def __init__(self, ledger: Ledger, rng: random.Random | None = None):
        w = self.w = words()
        self.rng = rng or random.Random()
        self.order: list[str] = []
        self.turn = -1  # index into order; -1 before the round starts
        self.passed: set[str] = set()

        self.order_view = widgets.HTML()
        self.shuffle_button = widgets.Button(description=w._("Shuffle the order"))
        self.now = widgets.HTML()
        self.now.add_class("ms-turn")
        self.next_button = widgets.Button(description=w._("Start the round"), button_style="info")
        self.pass_button = widgets.Button(description=w._("Pass"), disabled=True,
                                          tooltip=w._("This person passes: move on to the next"))
        self.length = Choice(description=w._("Time per turn"),
                             options=[(turn_length(s, w), s) for s in TURN_SECONDS], value=60, **wide())
        self.timer = Countdown(seconds=60)
        self.listened = widgets.RadioButtons(description=w._("Did everyone listen to everyone?"), value=None,
                                             options=[(w._("Yes"), True), (w._("No"), False)], **wide())

        self.ledger = ledger
        self.session = Session(ledger, self.level, self.draft, controls=[self.listened], warn=self._recorded_already)
        self.session.on_context(self._new_circle)
        self.session.present.observe(self._present_changed, names="value")
        self.session.on_record(lambda _: self._reset_round())
        self.shuffle_button.on_click(self.shuffle)
        self.next_button.on_click(self.next_turn)
        self.pass_button.on_click(self.pass_turn)
        self.length.observe(lambda ch: setattr(self.timer, "seconds", ch["new"]), "value")

        round_box = section(
            w._("The round"),
            hint(esc(w._(LISTENING_RULE))),
            widgets.HBox([widgets.Label(w._("Order:")), self.order_view, self.shuffle_button]),
            self.now,
            widgets.HBox([self.next_button, self.pass_button]),
            hint(str(Markup("<b>%s</b>") % w._("If you are not sure how to begin:")) +
                 html_list(esc(w._(p)) for p in self.level.prompts)),
            widgets.HBox([self.length]),
            self.timer,
        )
        end_box = section(w._("At the end of the round"), self.listened)
        self.widget = self.session.page(round_box, end_box)

    def carry_from(self, old: ListeningApp) -> bool:
        """Built again in another language (apps/relabel.py): the round goes on where it was (its order,
        whose turn it is, who passed); the timer keeps its own time."""
        if (self.order, self.turn, self.passed) == (old.order, old.turn, old.passed):
            return False
        self.order, self.turn, self.passed = list(old.order), old.turn, set(old.passed)
        self._show_turn()
        return True

    def draft(self):
        if self.listened.value is None:
            raise LedgerError(self.w._("Say whether everyone listened to everyone (yes or no)."))
        s = self.session
        return Listening(s.group_name, s.on, present=s.here, everyone_listened=self.listened.value)

    def _recorded_already(self) -> str:
        """A caution (not a refusal: a circle may well do two rounds) when a round with the very same
        people is already recorded for this group and day, so a double click is noticed."""
        s = self.session
        ev = self.ledger.events(texts=False)
        rounds = ev.loc[(ev["kind"] == Listening.kind) & ~ev["voided"] & (ev["group"] == s.group.value)
                        & (ev["date"] == pd.Timestamp(s.on)), "id"]
        if rounds.empty:
            return ""
        parts = self.ledger.participants()
        here = set(s.here)
        same = [int(i) for i in rounds if set(parts.loc[parts["event_id"] == i, "member"]) == here]
        if not same:
            return ""
        return self.w._("a listening round with the same people is already recorded for %(group)s on %(day)s "
                        "(%(record)s). Record this one too only if it is another round.",
                        group=s.group.value, day=self.w.date(s.on), record=describe(self.ledger, same[-1:]))

    # --- the round --------------------------------------------------------------------------

    def _new_circle(self):
        self.order = list(self.session.here)
        self._reset_round()

    def _present_changed(self, *_):
        here = self.session.here
        self.order = [n for n in self.order if n in here] + [n for n in here if n not in self.order]
        self.turn = min(self.turn, len(self.order))
        self._show_turn()

    def _reset_round(self):
        self.turn = -1
        self.passed = set()
        self.session.reset()  # a round begun again has not been answered yet
        self.timer.restart(run=False)
        self._show_turn()

    def shuffle(self, _=None):
        self.rng.shuffle(self.order)
        self._reset_round()

    def next_turn(self, _=None):
        if self.turn < len(self.order):
            self.turn += 1
        self.timer.restart(run=self.speaker is not None)  # the round's end stops the clock
        self._show_turn()

    def pass_turn(self, _=None):
        if 0 <= self.turn < len(self.order):
            self.passed.add(self.order[self.turn])
        self.next_turn()

    @property
    def speaker(self) -> str | None:
        return self.order[self.turn] if 0 <= self.turn < len(self.order) else None

    def _show_turn(self):
        w = self.w

        def item(i, name):
            mark = Markup(" (%s)") % w._("passed") if name in self.passed else ""
            text = f"{w.number(i + 1)}. {esc(name)}{mark}"
            return f"<b><u>{text}</u></b>" if i == self.turn else text

        self.order_view.value = " &rarr; ".join(item(i, n) for i, n in enumerate(self.order)) or esc(w._("nobody yet"))
        done = self.turn >= len(self.order) and self.order
        if self.speaker:
            self.now.value = esc(w._("Now speaking: %(name)s", name=self.speaker))
        elif done:
            self.now.value = esc(w._("Everyone has had a turn."))
        else:
            self.now.value = esc(w._("Ready when you are."))
        self.next_button.description = w._("Start the round") if self.turn < 0 else w._("Next speaker")
        self.next_button.disabled = bool(done) or not self.order
        self.pass_button.disabled = self.speaker is None
