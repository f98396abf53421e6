"""A retrospective on the members' phones: each member writes their reflections, then votes for topics.

While a crew's retrospective of today stands, each member's page shows it under the crew: before the
facilitator reveals the reflections, a form for one reflection and the member's own words so far (nobody
else's: ``queries.reflections`` with the member as viewer); once they are revealed and grouped, the topics
with a button to vote for each, as long as the member has votes left. The forms are ``levels.PhoneForm``
values, served by the same handler as the levels' own (one-time keys, worker threads, refusals in words).

Plain Python and pandas, no widgets: the member pages call ``of`` in the server's worker threads.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Callable

import pandas as pd

from ..errors import LedgerError
from ..i18n import N_, Words, _
from ..levels import PhoneForm
from ..values import name_key
from . import queries
from .events import Reflection, Vote
from .rules import COLUMNS, MAX_REFLECTION

# The three columns as a phone says them (``rules.COLUMNS`` keeps the ledger's English for the pages).
COLUMN_WORDS = {"working": N_("What is working"), "better": N_("What could be better"),
                "change": N_("What will we change")}
assert COLUMN_WORDS.keys() == COLUMNS.keys()


def of(ledger, group: str, who: str, today: dt.date, w: Words) -> dict | None:
    """What ``who``'s phone shows of the retrospective ``group`` holds today, or None when there is none."""
    room = _room(ledger, ledger.revision(), group, today)
    if room is None:
        return None
    retro_id, day, revealed, notes, topics = room
    shown = {"id": retro_id, "revealed": revealed, "mine": [], "topics": [], "votes_left": 0,
             # the day it is for, when that is not today (one recorded afterwards)
             "day": None if day == today else w.date(day),
             "columns": [(key, w._(said)) for key, said in COLUMN_WORDS.items()], "max_words": MAX_REFLECTION}
    if not revealed:  # the member's own words, nobody else's
        mine = notes[notes["member"].map(name_key) == name_key(who)]
        shown["mine"] = [(w._(COLUMN_WORDS[r.column]), r.words) for r in mine.itertuples()]
    elif topics:
        shown["topics"] = topics
        shown["votes_left"] = queries.votes_left(ledger, retro_id, who)
    return shown


@functools.lru_cache(maxsize=32)
def _room(ledger, revision: tuple[int, int], group: str, today: dt.date):
    """The retrospective ``group`` holds today as every member's page needs it, read once per change of
    the ledger however many phones ask: (id, its day, revealed, the reflections with their words until the
    reveal, the topics after it), or None. ``of`` gives each member only their own words.

    That is the one the facilitator started today: today's, or a past one recorded afterwards, in which
    the members still write and vote from their phones; of several, the latest by its day."""
    held = queries.retrospectives(ledger, group)
    held = held[held["started"] == pd.Timestamp(today)]
    if held.empty:
        return None
    retro = held.iloc[-1]
    retro_id, day, revealed = int(retro["id"]), retro["date"].date(), bool(retro["revealed"])
    if not revealed:
        return retro_id, day, False, queries.reflections(ledger, retro_id, include_private=True), []
    topics = queries.topics(ledger, retro_id)
    return retro_id, day, True, None, [{"id": int(t.id), "title": t.title, "votes": int(t.votes)}
                                       for t in topics.itertuples()]


# One sentence per thing a form is for, not a word put into one: the word's gender changes the sentence.
FORM_SAYS_NOT = {
    "retrospective": N_("This form does not say which retrospective it is for: open your page again and send it "
                        "from there."),
    "topic": N_("This form does not say which topic it is for: open your page again and send it from there."),
}


def _number(value: str, what: str) -> int:
    """A record's number as a form carries it; a tampered or stale form is told in words."""
    try:
        return int(value)
    except ValueError:
        raise LedgerError(_(FORM_SAYS_NOT[what])) from None


def _reflection(who: str, said: Callable[[str], str]) -> Reflection:
    return Reflection(_number(said("retrospective"), "retrospective"), who, said("column"), said("words"))


def _vote(who: str, said: Callable[[str], str]) -> Vote:
    return Vote(_number(said("topic"), "topic"), who)


# The forms' addresses under m/, and how a refusal names what a member typed, to give it back.
REFLECT = PhoneForm("retrospective.html", "reflect", _reflection, failed=N_("Reflection not added"),
                    typed={"words": N_("Your reflection")})
VOTE = PhoneForm("retrospective.html", "vote", _vote, failed=N_("Vote not counted"))
FORMS = (REFLECT, VOTE)
