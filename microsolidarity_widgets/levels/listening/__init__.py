"""Level 1, Listening: a round in which each person present speaks while the others listen.

Everything of the level is here: its event and rule, its award, its words, prompts and card; its
page is ``page.py`` beside this file (docs/rules.md, "Level 1").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import rules
from ...errors import LedgerError
from ...i18n import N_, _
from ...rules import PRESENT, Entry, InGroup, Names, Part, State
from ...scoring import History
from .. import Level, register

# Whether everyone listened to everyone: the round's outcome, as stored.
LISTENED, NOT_LISTENED = "listened", "not_listened"


def record_listening(state: State, group, on, present, everyone_listened=True) -> Entry:
    """A round where each present member speaks in turn while the rest listen."""
    g, on, names = rules.some_of(state, group, on, present, "present member",
                                 "A listening round needs at least 2 people present.")
    if not isinstance(everyone_listened, bool):
        raise LedgerError(_("Say whether everyone listened to everyone (yes or no)."))
    outcome = LISTENED if everyone_listened else NOT_LISTENED
    return Entry(Listening.kind, on, group=g.name, outcome=outcome, parts=[Part(n, PRESENT) for n in names])


@dataclass(frozen=True)
class Listening(InGroup):
    """Level 1: a round in which each present member spoke while the others listened."""

    kind = "listening"
    present: Names
    everyone_listened: bool = True
    rule = record_listening
    roles = {PRESENT: N_("present")}


LISTENED_REASON = N_("listened in a round")  # the award's reason (its key, in English; ``Level.reasons``)


def _award(h: History, level: Level) -> list[pd.DataFrame]:
    rounds = h.of_kind(Listening.kind)
    listened = rounds[rounds["outcome"] == LISTENED]
    return [h.award(h.roles(listened, PRESENT), level, level.points["listened"], LISTENED_REASON)]


LEVEL = register(Level(
    1, N_("Listening"), "#88CCEE", events=(Listening,), points={"listened": 1}, award=_award,
    reasons=(LISTENED_REASON,),
    page="02_listening", folder=Path(__file__).parent, app=f"{__name__}.page:ListeningApp",
    about=N_("Go round the circle, one true thing each while the others listen."),
    card=N_("Go round the circle, one true thing each while the others listen, and record the round."),
    prompts=(N_("Right now I'm looking forward to …"), N_("Today I feel … and I think it's because …"),
             N_("Something on my mind this week is …")),
    words=N_("<b>How Level 1 scores.</b> If everyone listened to everyone, each person who was here gets "
             "%(listened)s. If not, the round is still written down but nobody gets points this time. At least 2 "
             "people need to be here.")))
