"""The levels of the Reciprocity Game, each in one entry: what everything else knows of a level.

An entry holds the level's number, name and chart colour, the events recorded at it (typed
values of ``events``), its point values (GAME.md's numbers), the words a page shows to explain them, its page, and its award
rule: a function from the scored history to the level's awards. The ledger's columns, the review's
legend, the pages' scoring prose and the tests' parameters are all read from here, so a new level
is one new entry (see docs/architecture.md):

    >>> gratitude = levels.register(levels.Level(6, "Gratitude", "#AA4499", events=(Thanks,), ...))

Plain Python and pandas, no widgets: a crew's own notebook can read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from . import events
from .errors import LedgerError
from .scoring import History, attendance
from .values import counted


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    colour: str                     # the level's colour in charts; see tests/test_palettes.py
    events: tuple[type[events.Event], ...]  # what is recorded at this level (its page's undo voids these)
    points: Mapping[str, object]    # GAME.md's point values, by what earns them
    # How the level scores, as a page says it (trusted HTML); {name} is replaced by points[name] in words.
    words: str
    award: Callable[[History, "Level"], list[pd.DataFrame]] = field(repr=False, compare=False)
    page: str | None = None         # its workbook page, e.g. "02_listening"
    about: str = ""                 # one line on what is played at this level
    # What the round asks of the people in it (plain text: pages escape it, a checkbox shows it as it
    # is): its page shows them, and so does each member's phone while the facilitator has the page open
    # for their group.
    prompts: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(e.kind for e in self.events)

    @property
    def label(self) -> str:
        """How charts and tables name it: "2 Money"."""
        return f"{self.number} {self.name}"

    @property
    def scoring(self) -> str:
        """``words`` with the level's own point values in them."""
        said = {k: tuple(map(_points, v)) if isinstance(v, tuple) else _points(v) for k, v in self.points.items()}
        return self.words.format(**said)

    def awards(self, history: History) -> list[pd.DataFrame]:
        return self.award(history, self)


_LEVELS: dict[int, Level] = {}


def register(level: Level) -> Level:
    """Add a level to the game. Its number and event kinds must be new."""
    if level.number in _LEVELS:
        raise LedgerError(f"There is already a level {level.number} ({_LEVELS[level.number].name}).")
    taken = {kind: lv.name for lv in _LEVELS.values() for kind in lv.kinds}
    for kind in level.kinds:
        if kind in taken:
            raise LedgerError(f"The event kind “{kind}” already belongs to the level {taken[kind]}.")
    _LEVELS[level.number] = level
    return level


def unregister(number: int) -> None:
    """Take a level out of the game again (for a level tried out in a test or a crew's notebook)."""
    _LEVELS.pop(number, None)


def all_levels() -> list[Level]:
    """Every level, in playing order."""
    return [_LEVELS[n] for n in sorted(_LEVELS)]


def get(number: int) -> Level:
    try:
        return _LEVELS[int(number)]
    except (KeyError, TypeError, ValueError):
        raise LedgerError(f"There is no level {number}; the levels are {', '.join(map(str, sorted(_LEVELS)))}.") from None


def numbers() -> list[int]:
    return sorted(_LEVELS)


def labels() -> dict[int, str]:
    """{number: "1 Listening", …}: the review's legend and the exports' column names."""
    return {lv.number: lv.label for lv in all_levels()}


def colours() -> list[str]:
    return [lv.colour for lv in all_levels()]


def level_of_kind() -> dict[str, int]:
    """{event kind: level number} for every kind that belongs to a level."""
    return {kind: lv.number for lv in all_levels() for kind in lv.kinds}


# --- the five levels of GAME.md -----------------------------------------------------------------


def _listening(h: History, level: Level) -> list[pd.DataFrame]:
    rounds = h.of_kind("listening")
    listened = rounds[rounds["outcome"] == "listened"]
    return [h.award(h.roles(listened, "present"), level, level.points["listened"], "listened in a round")]


def _money(h: History, level: Level) -> list[pd.DataFrame]:
    rounds = h.of_kind("money")
    p = level.points
    offers = h.roles(rounds, "offer")
    respect = h.roles(rounds, "respectful").drop_duplicates(["event_id", "member_id"])
    speakers = h.parts.loc[h.parts["role"] == "speaker", ["event_id", "member_id"]]
    return [
        h.award(offers, level, p["offer"], "offer: " + offers["data"].str["offer_kind"].astype(str)),
        h.award(h.roles(rounds, "ask"), level, p["ask"], "asked for help"),
        # Both sides of each respectful exchange: the member, then the speaker.
        h.award(respect, level, p["respect"], "respectful exchange"),
        h.award(respect.drop(columns="member_id").merge(speakers, on="event_id"), level, p["respect"],
                "respectful exchange"),
    ]


def _consistency(h: History, level: Level) -> list[pd.DataFrame]:
    att = attendance(h.all_events, h.all_participants, **level.points)
    # One string per distinct count, looked up by code: built per row, millions of equal strings.
    nth = att["nth"].to_numpy()
    said = np.array(["missed a meeting"] + [f"attended meeting #{n}" for n in range(1, int(nth.max(initial=0)) + 1)],
                    dtype=object)
    return [h.award(att, level, att["points"], said[np.where(att["attended"].to_numpy(), nth, 0)])]


def _conflict(h: History, level: Level) -> list[pd.DataFrame]:
    ev, p = h.events, level.points
    opened = ev.loc[ev["kind"] == "conflict_opened", ["id"]]
    closes = ev.loc[(ev["kind"] == "conflict_closed") & ev["ref_id"].isin(opened["id"]),
                    ["id", "date", "ref_id", "outcome"]]
    parties = h.parts.loc[h.parts["role"] == "party", ["event_id", "member_id"]].merge(
        ev[["id", "group_id"]], left_on="event_id", right_on="id").drop(columns=["id"])
    # Scored on the day it closes, as the closing's award: the opening scores nothing.
    closed = closes.rename(columns={"id": "close_id"}).merge(parties, left_on="ref_id", right_on="event_id")
    closed["event_id"] = closed["close_id"]
    resolved = closed["outcome"] == "resolved"
    return [h.award(closed, level, np.where(resolved, p["resolved"], p["unresolved"]),
                    np.where(resolved, "conflict resolved", "conflict closed unresolved"))]


def _co_owners(h: History, level: Level) -> list[pd.DataFrame]:
    return [h.award(h.roles(h.of_kind("venture"), "owner"), level, level.points["owner"], "co-owns a venture")]


def _points(n: int) -> str:
    n = abs(n)  # the words say "costs" or "loses" where the points are negative
    return f"<b>{counted(n, 'point')}</b>"


LISTENING = register(Level(
    1, "Listening", "#88CCEE", events=(events.Listening,), points={"listened": 1}, award=_listening,
    page="02_listening", about="Go round the circle, one true thing each while the others listen.",
    prompts=("Right now I'm looking forward to …", "Today I feel … and I think it's because …",
             "Something on my mind this week is …"),
    words=("<b>How Level 1 scores.</b> If everyone listened to everyone, each person who was here gets {listened}. "
           "If not, the round is still written down but nobody gets points this time. At least 2 people need to be "
           "here.")))

MONEY = register(Level(
    2, "Money", "#DDCC77", events=(events.Money,), points={"offer": 5, "ask": 5, "respect": 1}, award=_money,
    page="03_money", about="One member talks about paid and meaningful work; the others offer, the speaker asks.",
    prompts=("Paid work — what do you do that brings in money?",
             "Meaningful work — what work matters most to you, paid or not?",
             "Roughly how much comes in, and from where? (Say only what you are comfortable with — no amounts "
             "needed.)",
             "What way of living would help you be at your best, and what would that cost?",
             "If it's not enough: what new approach could you experiment with?",
             "If it's enough: could you earn it with fewer compromises, more freedom or more impact?",
             "If there's more than you need: what would have to be true for you to share some with the crew?"),
    words=("<b>How Level 2 scores.</b> Each offer earns the person who made it {offer}. Each thing the speaker asks "
           "for earns the speaker {ask} &mdash; asking is a gift too. For each person who exchanged with the speaker "
           "with mutual respect, both of them get {respect} (once per pair per round).")))

CONSISTENCY = register(Level(
    3, "Consistency", "#117733", events=(events.Meeting,), points={"meeting": (1, 3, 5), "missed": -5},
    award=_consistency, page="04_consistency", about="Regular meetings: who came, who missed.",
    prompts=("Looking back: what has happened for you since we last met?",
             "Looking ahead: where might you go next, and what would help?",
             "Is there anything you would like the others to keep in mind until next time?"),
    words=("<b>How Level 3 scores.</b> Counting only the meetings each person came to: their 1st gives {meeting[0]}, "
           "their 2nd {meeting[1]}, and every one after that {meeting[2]}. Each meeting a member misses costs "
           "{missed}. Someone who joined later only counts meetings after they joined.")))

CONFLICT = register(Level(
    4, "Conflict", "#CC6677", events=(events.ConflictOpened, events.ConflictClosed),
    points={"resolved": 10, "unresolved": -20}, award=_conflict, page="05_conflict",
    about="A hurt between members, repaired and closed.",
    # The steps of a repair, in order; the page ticks them off one by one.
    prompts=("The one who caused the hurt apologises.",
             "They take responsibility for what happened, without excuses.",
             "They try to make it right.",
             "The one who was hurt is heard out fully.",
             "The one who was hurt forgives, when they are ready."),
    words=("<b>How Level 4 scores.</b> Opening a conflict scores nothing: it is work in progress. When it closes "
           "<b>resolved</b>, each person involved gets {resolved}; closed <b>unresolved</b>, each loses "
           "{unresolved}. A conflict only ever scores once.")))

CO_OWNERS = register(Level(
    5, "Co-owners", "#332288", events=(events.Venture,), points={"owner": 100}, award=_co_owners, page="06_co_owners",
    about="Ventures members have formally set up and own together.",
    prompts=("What could we build or hold together that none of us could alone?",
             "Which legal form fits it: a company, an association, a co-op, a savings pool, a lending circle, "
             "a livelihood pod, or something else?",
             "Who will be an owner, and how will the owners decide together?"),
    words=("<b>How Level 5 scores.</b> Each owner of a venture the group has formally set up together gets {owner}, "
           "once per venture.")))
