"""A crew's season and its retrospectives as typed events, each with its rule beside it (``.rules``).

They are ``rules.Event`` values like a level's rounds: ``ledger.record(Retrospective("Kestrels",
"2026-04-01"))`` validates and commits one, ``ledger.void`` undoes one, and a one-time ``key`` works as for
any other event. None of them scores: see docs/rules.md#seasons-and-retrospectives.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..rules import Day, Event, InGroup, text
from . import rules


@dataclass(frozen=True)
class Season(InGroup):
    """The experiment a crew agrees: it starts ``on``, ends ``end`` (default 6 months later) and holds a
    retrospective every ``every_months`` months (default 3) and on its last day, unless ``retrospectives``
    names the days."""

    kind = "season"
    end: Day | None = None
    retrospectives: tuple[Day, ...] | None = None
    every_months: int = rules.EVERY_MONTHS
    rule = rules.agree_season


@dataclass(frozen=True)
class Retrospective(InGroup):
    """A crew's retrospective on a day; each member has ``votes`` votes in it."""

    kind = "retrospective"
    votes: int = rules.VOTES
    rule = rules.hold_retrospective


@dataclass(frozen=True)
class Reflection(Event):
    """What one member says in a retrospective, in one of the three columns (``rules.COLUMNS``): hidden
    from everyone else until the reflections are revealed. ``typed_by_facilitator``: for someone without
    a phone."""

    kind = "reflection"
    retrospective: int
    member: str
    column: str
    words: str | None = text("reflection")
    typed_by_facilitator: bool = False
    rule = rules.reflect


@dataclass(frozen=True)
class Reveal(Event):
    """The facilitator shows everyone's reflections of a retrospective."""

    kind = "reflections_revealed"
    retrospective: int
    rule = rules.reveal


@dataclass(frozen=True)
class Topic(Event):
    """Reflections (their event ids) the facilitator groups under one title; members vote on topics."""

    kind = "topic"
    retrospective: int
    reflections: tuple[int, ...]
    title: str | None = text("title")
    rule = rules.group_reflections


@dataclass(frozen=True)
class Vote(Event):
    """A member's vote(s) for a topic, within the retrospective's votes per member."""

    kind = "vote"
    topic: int
    member: str
    votes: int = 1
    rule = rules.vote


@dataclass(frozen=True)
class Action(Event):
    """What the crew will do, out of a retrospective: its owner (a member) and due date."""

    kind = "action"
    retrospective: int
    owner: str
    due: Day
    what: str | None = text("action")
    rule = rules.agree_action


@dataclass(frozen=True)
class ActionReviewed(Event):
    """Whether an action was done, said on a later day: usually in the crew's next ``retrospective``
    (its event id), which its day ``on`` is then."""

    kind = "action_reviewed"
    action: int
    on: Day
    done: bool
    retrospective: int | None = None
    rule = rules.review_action
