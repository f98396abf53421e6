"""What a page (or a crew's own notebook) hands the ledger: one typed value per kind of event.

A value holds what was said about one exercise; its ``rule`` (in ``rules``) validates it against
the ledger inside the write transaction and gives the rows to insert. The same value is previewed
(``Ledger.preview``) and recorded (``Ledger.record``), so what the facilitator saw scored is what
is committed. Values compare equal when they say the same, which is how a page knows that its
preview is of the very thing it is about to record.

    >>> ledger.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))

The events of a level live in its folder (``levels/<name>/``); those here belong to no level
(hosting, check-ins, phones' proposals). A new kind of event is a new subclass with its own ``rule``,
its ``roles`` and, where the defaults do not say it, how a record of it is told; see
docs/architecture.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Callable, ClassVar, Mapping, Sequence

from . import rules
from .rules import Entry, State
from .values import clean_text


# What the fields hold as a person gives them; the rule checks and cleans each one (a day may be
# written "2026-01-10", a list of names may come from a form as a tuple), and refuses the rest.
Day = dt.date | str
Names = Sequence[str]


def text(what: str = "note"):
    """A free text of an event (a note, a description) that never changes its points; ``what`` is how a
    refusal names it, as the rule does."""
    return dataclasses.field(default=None, metadata={"text": what})


@dataclass(frozen=True)
class Event:
    """A kind of event as a value. Subclasses name their fields as their rule's parameters."""

    kind: ClassVar[str]                   # as the ledger stores it (its one home: tests/test_architecture.py)
    rule: ClassVar[Callable[..., Entry]]  # validates the fields, given as keywords, and makes the rows
    # Who takes part, by role, as a record of it names them: {role: words} ("offers from" Ama, Bo).
    roles: ClassVar[Mapping[str, str]] = {}
    # One of a kind per group: (problem, key(on, ref_id, called), message) where a second event of the
    # kind with the same key is a history problem (``rules.history_problems``), or None.
    once: ClassVar[tuple | None] = None
    takes_proposals: ClassVar[bool] = False  # the round offers and asks from phones are accepted into

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:  # a kind of event the ledger stores: its class, for what the core asks of it
            rules.KINDS[cls.kind] = cls

    # --- how the core tells of a record of this kind (hooks with defaults) -----------------------

    @classmethod
    def told(cls, row) -> str:
        """What a record of this kind is called, from its row of ``Ledger.events()``: "venture “Oak”"."""
        return rules.words(cls.kind)

    @classmethod
    def people_of(cls, row) -> int:
        """The event whose people a record of this kind names (its own, by default)."""
        return row.name

    @classmethod
    def also(cls, ledger, row) -> list[tuple[str, list[str]]]:
        """Who else a record names beyond its parts (a meeting's absentees), as (words, names)."""
        return []

    @classmethod
    def words(cls, state: State, row) -> str | None:
        """How a record of this kind is named to people in a refusal, or None for the usual words."""
        return None

    @classmethod
    def unvoidable(cls, state: State, row) -> str | None:
        """Why this record cannot be voided now (the refusal), or None."""
        return None

    def entry(self, state: State) -> Entry:
        """Validated against the ledger as ``state`` reads it: the rows to add, or ``LedgerError``."""
        entry = type(self).rule(state, **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)})
        if entry.kind != self.kind:  # a rule of another kind: a programming error, never a person's
            raise TypeError(f"{type(self).__name__}'s rule made a “{entry.kind}” event, not “{self.kind}”.")
        return entry

    def scored(self) -> "Event":
        """The event without its free texts, which never change its points: what a page previews, so
        that typing a note does not score the history again. Each text is checked as its rule checks it,
        so a note the ledger would refuse is refused here too."""
        texts = [f for f in dataclasses.fields(self) if "text" in f.metadata]
        for f in texts:
            clean_text(getattr(self, f.name), f.metadata["text"])
        return dataclasses.replace(self, **{f.name: None for f in texts}) if texts else self


@dataclass(frozen=True)
class InGroup(Event):
    """An event of one group, on one day."""

    group: str
    on: Day


@dataclass(frozen=True)
class Hosting(InGroup):
    """Who hosted a session (no points; it spreads the work fairly)."""

    kind = "hosting"
    roles = dict(zip(rules.HOST_ROLES, ("facilitator", "timekeeper", "note-taker")))
    facilitator: str | None = None
    timekeeper: str | None = None
    note_taker: str | None = None
    rule = rules.record_hosting


@dataclass(frozen=True)
class CheckIn(InGroup):
    """A member checking in from their phone (no points; it pre-fills who is here)."""

    kind = "check_in"
    member: str
    rule = rules.check_in


@dataclass(frozen=True)
class Proposal(InGroup):
    """A member's offer to the speaker (``what="offer"``, with its ``offer_kind`` and an optional
    note as ``text``) or the speaker's ask (``what="ask"``), sent from their phone; no points until
    the facilitator accepts it into the money round."""

    kind = "proposal"
    member: str
    what: str
    text: str | None = None
    offer_kind: str | None = None
    rule = rules.propose


@dataclass(frozen=True)
class ProposalSettled(Event):
    """The facilitator accepted a proposal into a money round (``round_id``, the round's event), or
    declined it."""

    kind = "proposal_settled"
    proposal_id: int
    on: Day
    outcome: str
    round_id: int | None = None
    rule = rules.settle


# --- a record as people tell it: what the pages say after "Recorded" and before "Undo …?" -----------


# Who joins or leaves a group by a membership event (which has no class of its own here).
MEMBER_WORDS = {"member": "member"}


def role_words() -> dict[str, str]:
    """Who did what in an event, in the order a description names them: the roles each kind of event
    declares (``Event.roles``), level by level, then hosts and members; "present" last, as it is said
    only when nobody has a more telling role."""
    said = {role: words for kind in rules.KINDS.values() for role, words in kind.roles.items()}
    said |= MEMBER_WORDS
    return {role: words for role, words in sorted(said.items(), key=lambda rw: rw[0] == rules.PRESENT)}


def describe(ledger: Ledger, event_ids: list[int], when: bool = True) -> str:
    """Records as people tell them apart: kind, day, group, who (by role; a meeting's absentees
    too), and with ``when`` the time each was recorded. Never an internal id.

    "meeting on 2026-10-20 in Kestrels, recorded at 19:04:12: came Zoë, Łukasz; missed Ngozi"
    """
    if not event_ids:
        return ""
    ev = ledger.events().set_index("id")
    parts = ledger.participants()
    told = []
    for event_id in event_ids:
        row = ev.loc[event_id]
        kind = row["kind"]
        of = rules.KINDS.get(kind, Event)  # a kind without a class (a membership event): the usual words
        mine = parts[parts["event_id"] == of.people_of(row)]
        roles = [(word, list(dict.fromkeys(mine.loc[mine["role"] == role, "member"])))
                 for role, word in role_words().items()]
        roles = [(w, names) for w, names in roles if names]
        if len(roles) > 1:  # "present" only when nobody has a more telling role (a listening round)
            roles = roles[:-1] if mine["role"].eq(rules.PRESENT).any() else roles
        roles += of.also(ledger, row)
        what = rules.words(kind) if of is Event else of.told(row)
        text = f"{what} on {row['date']:%Y-%m-%d}" + (f" in {row['group']}" if isinstance(row["group"], str) else "")
        if when:
            text += f", recorded at {_local_time(row['recorded_at'])}"
            # Two records of one exercise can share a second: their order tells them apart for sure.
            same = ev[(ev["kind"] == kind) & (ev["group"] == row["group"]) & (ev["date"] == row["date"])
                      & (~ev["voided"] | (ev.index == event_id))]
            if len(same) > 1:
                text += f" (the {_ordinal(list(same.index).index(event_id) + 1)} of {len(same)} that day)"
        people = "; ".join(f"{w} {', '.join(names)}" for w, names in roles if names)
        told.append(text + (f": {people}" if people else ""))
    return " and ".join(told)


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _local_time(recorded_at: str) -> str:
    """The clock time on this machine at which an event was recorded (stored in UTC)."""
    try:
        return f"{dt.datetime.fromisoformat(recorded_at).astimezone():%H:%M:%S}"
    except (TypeError, ValueError):
        return "an unknown time"
