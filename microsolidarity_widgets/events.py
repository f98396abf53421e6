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
from dataclasses import dataclass
from typing import Callable, ClassVar

from . import rules
from .rules import Draft, State


@dataclass(frozen=True)
class Event:
    """A kind of event as a value. Subclasses name their fields as their rule's parameters."""

    kind: ClassVar[str]                   # as the ledger stores it
    rule: ClassVar[Callable[..., Draft]]  # validates the fields, given as keywords, and makes the rows

    def draft(self, state: State) -> Draft:
        """Validated against the ledger as ``state`` reads it: the rows to add, or ``LedgerError``."""
        draft = type(self).rule(state, **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)})
        if draft.kind != self.kind:  # a rule of another kind: a programming error, never a person's
            raise TypeError(f"{type(self).__name__}'s rule made a “{draft.kind}” event, not “{self.kind}”.")
        return draft


@dataclass(frozen=True)
class Listening(Event):
    """Level 1: a round in which each present member spoke while the others listened."""

    kind = "listening"
    group: str
    on: object
    present: object
    everyone_listened: bool = True
    rule = rules.record_listening


@dataclass(frozen=True)
class Money(Event):
    """Level 2: a speaker's turn, the offers made to them and what they asked for."""

    kind = "money"
    group: str
    on: object
    speaker: object
    offers: object = ()
    asks: object = ()
    respectful: object = ()
    present: object = None
    note: object = None
    rule = rules.record_money


@dataclass(frozen=True)
class Meeting(Event):
    """Level 3: a regular meeting and who attended it."""

    kind = "meeting"
    group: str
    on: object
    attended: object
    process: object = None
    note: object = None
    rule = rules.record_meeting


@dataclass(frozen=True)
class ConflictOpened(Event):
    """Level 4: a hurt between members, opened for repair."""

    kind = "conflict_opened"
    group: str
    on: object
    parties: object
    description: object = None
    rule = rules.open_conflict


@dataclass(frozen=True)
class ConflictClosed(Event):
    """Level 4: an open conflict closed, resolved or not."""

    kind = "conflict_closed"
    conflict_id: object
    on: object
    outcome: object
    note: object = None
    rule = rules.close_conflict


@dataclass(frozen=True)
class Venture(Event):
    """Level 5: a venture members formally set up and own together."""

    kind = "venture"
    group: str
    on: object
    name: object
    form: object
    owners: object
    rule = rules.record_venture


@dataclass(frozen=True)
class Hosting(Event):
    """Who hosted a session (no points; it spreads the work fairly)."""

    kind = "hosting"
    group: str
    on: object
    facilitator: object = None
    timekeeper: object = None
    note_taker: object = None
    rule = rules.record_hosting
