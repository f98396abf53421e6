"""Writes of several rows that land together or not at all: the season-end decision with what it brings
(continue: a new season; change: members leave or join, dated, and a new season; close: a dated ending),
and reflections added to a topic (``add_to_topic``). The way ``congregation`` forms crews."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..errors import LedgerError
from ..i18n import N_, _
from ..ledger import Ledger
from ..rules import Entry, Part, State, void
from ..values import clean_names, day_words, name_key
from . import rules
from .rules import EVERY_MONTHS


def decide(ledger: Ledger, group, on, decision, *, end=None, every_months=EVERY_MONTHS, retrospectives=None,
           joining=(), leaving=(), key: str | None = None) -> int:
    """Record what a crew decided at its season's end; returns the decision's event id.

    ``continue`` and ``change`` start a new season on ``on`` (``end``, ``every_months`` and ``retrospectives``
    as ``Season`` takes them); ``change`` also records who leaves and who joins that day (at least one
    of them); ``close`` ends the crew on ``on``: its history and points stay, nothing is recorded for it
    after, and its members are back in its congregation's pool. ``key``: a one-time key, as
    ``Ledger.record`` takes it.
    """
    with ledger.batch(key=key) as batch:
        state = batch.state
        entry = rules.decision(state, group, on, decision)
        g = state.group(entry.group)
        batch.check_history(g.id, lead="Not recorded: with this change, ")
        entries = [entry]
        if decision == "change":
            entries += _changes(state, g, entry.on, joining, leaving)
        elif joining or leaving:
            raise LedgerError(_("Members join or leave when the crew decides to change."))
        new_season = None
        if decision in ("continue", "change"):
            # Checked after the decision, as the new season begins where the old one was decided.
            new_season = rules.agree_season(state, g.name, entry.on, end, retrospectives, every_months)
        elif (end, retrospectives, every_months) != (None, None, EVERY_MONTHS):
            raise LedgerError(_("A crew that closes starts no new season: leave out its end and retrospectives."))
        event_id = batch.add(entries[0])
        for extra in entries[1:] + ([new_season] if new_season else []):
            extra.ref_id = event_id  # what the decision brought, linked to it
            batch.add(extra)
        return event_id


def _changes(state: State, g: sa.Row, on: dt.date, joining, leaving) -> list[Entry]:
    """Who leaves and who joins, dated ``on``; the sizes are checked on the history they leave."""
    roster = state.roster(g.id, on)
    leaving = clean_names(leaving, N_("member who leaves")) if leaving else []
    joining = clean_names(joining, N_("person who joins")) if joining else []
    if not leaving and not joining:
        raise LedgerError(_("Say who leaves or who joins: a change of the crew changes its members."))
    out = []
    for name in leaving:
        if name_key(name) not in roster:
            raise LedgerError(_("“%(name)s” is not a member of %(group)s on %(date)s, so cannot leave it.",
                                name=name, group=g.name, date=day_words(on)))
        out.append(Entry("member_left", on, group=g.name, parts=[Part(roster[name_key(name)], "member")]))
    for name in joining:
        if name_key(name) in roster:
            raise LedgerError(_("%(name)s is already a member of %(group)s.", name=roster[name_key(name)], group=g.name))
        known = state.member(name)
        out.append(Entry("member_joined", on, group=g.name, parts=[Part(known.name if known else name, "member")]))
    return out


def add_to_topic(ledger: Ledger, topic, reflections, title) -> int:
    """Group more reflections under a topic nobody has voted for yet; returns the topic's new event id.

    A topic is a record like any other, never edited: it is undone and recorded again with the added
    reflections (and ``title``, the topic's as the page shows it), in one transaction."""
    with ledger.batch() as batch:
        state = batch.state
        row = state.event(topic)
        if row.kind != "topic" or state.void_of(row.id):
            raise LedgerError(_("Choose one of this retrospective's topics to add the reflections to."))
        if state.live("vote", ref_id=row.id):
            raise LedgerError(_("“%(title)s” has votes already: make a new topic for these reflections instead.", title=title))
        batch.write(void, row.id, "Regrouped with more reflections")
        return batch.write(rules.group_reflections, row.ref_id, list(row.data["reflections"]) + list(reflections),
                           title)
