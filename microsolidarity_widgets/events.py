"""What a page (or a crew's own notebook) hands the ledger: one typed value per kind of event.

A value holds what was said about one exercise; its ``rule`` (in ``rules``) validates it against
the ledger inside the write transaction and gives the rows to insert. The same value is previewed
(``Ledger.preview``) and recorded (``Ledger.record``), so what the facilitator saw scored is what
is committed. Values compare equal when they say the same, which is how a page knows that its
preview is of the very thing it is about to record.

    >>> ledger.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))

A new kind of event is a new subclass with its own ``rule``; see docs/architecture.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Callable, ClassVar, Sequence

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

    kind: ClassVar[str]                   # as the ledger stores it
    rule: ClassVar[Callable[..., Entry]]  # validates the fields, given as keywords, and makes the rows

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
class Listening(InGroup):
    """Level 1: a round in which each present member spoke while the others listened."""

    kind = "listening"
    present: Names
    everyone_listened: bool = True
    rule = rules.record_listening


@dataclass(frozen=True)
class Money(InGroup):
    """Level 2: a speaker's turn, the offers made to them and what they asked for.

    ``offers``: ``(member, kind)`` or ``(member, kind, note)`` each; ``asks``: each its text, or
    ``(text, to)`` with ``to`` a member or a list of members; ``from_phones``: the ids of the
    proposals sent from phones that the round takes in, answered "accepted" as it is recorded."""

    kind = "money"
    speaker: str
    offers: Sequence[tuple] = ()
    asks: Sequence[str | tuple] = ()
    respectful: Names = ()
    present: Names | None = None
    note: str | None = text()
    from_phones: Sequence[int] = ()
    rule = rules.record_money


@dataclass(frozen=True)
class Meeting(InGroup):
    """Level 3: a regular meeting and who attended it."""

    kind = "meeting"
    attended: Names
    process: str | None = None
    note: str | None = text()
    rule = rules.record_meeting


@dataclass(frozen=True)
class ConflictOpened(InGroup):
    """Level 4: a hurt between members, opened for repair."""

    kind = "conflict_opened"
    parties: Names
    description: str | None = text("description")
    rule = rules.open_conflict


@dataclass(frozen=True)
class ConflictClosed(Event):
    """Level 4: an open conflict (the id of its opening) closed, resolved or not."""

    kind = "conflict_closed"
    conflict_id: int
    on: Day
    outcome: str
    note: str | None = text()
    rule = rules.close_conflict


@dataclass(frozen=True)
class Venture(InGroup):
    """Level 5: a venture members formally set up and own together."""

    kind = "venture"
    name: str
    form: str
    owners: Names
    rule = rules.record_venture


@dataclass(frozen=True)
class Hosting(InGroup):
    """Who hosted a session (no points; it spreads the work fairly)."""

    kind = "hosting"
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
