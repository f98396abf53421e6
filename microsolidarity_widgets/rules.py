"""What each kind of event needs before it may enter the ledger.

One builder per event kind: here those of the events of no level (groups, members, hosting,
check-ins, phones' proposals, voids) and the checks every builder shares (``dated``, ``in_group``,
``one_member``); a level's builders are beside its events, in its folder (``levels/<name>/``). Each
reads the current state through ``State`` (inside the write transaction, so the check and the insert
are atomic) and returns an ``Entry`` or raises ``LedgerError``. Points are not decided here but by
each level's award rule, from the pieces in ``scoring``.

Below the builders, the events themselves: ``Event``, the typed value a page or a notebook hands the
ledger, one subclass per kind with its builder as its ``rule``; the events of no level (``Hosting``,
``CheckIn``, ``Proposal``, ``ProposalSettled``); and ``describe``, how a record is told to people.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Mapping, Sequence

import sqlalchemy as sa

from . import storage as st
from .errors import LedgerError, LookAlikeName
from .scoring import MEMBERSHIP_KINDS
from .values import EARLIEST, clean_date, clean_name, clean_names, clean_text, counted, look_alikes, name_key, shown

CREW_SIZE = (3, 8)
PARTNERSHIP_SIZE = 2
GROUP_KINDS = ("crew", "partnership")
OFFER_KINDS = ("perspective", "process or productivity idea", "introduction", "encouragement", "other")
HOST_ROLES = ("facilitator", "timekeeper", "note_taker")
MEETING_PROCESSES = ("Feelz Circle", "Care Pod", "Stewardship", "The Elephants")
# The event that starts a group: nothing of the group can be dated before it.
STARTING_KINDS = ("group_created", "congregation_created")
# The event that ends a crew (its season-end decision to close, see seasons/): nothing is dated after it.
ENDING = ("season_decided", "close")
# A congregation's pool is its membership: these events put someone in it, in the roles below
# (an invitation's inviter takes part in it, and must already be in the pool).
POOL_KINDS = ("pool_joined", "invitation")
POOL_ROLES = ("pool", "invitee")
# What a member sends from their phone in a money round, and that offer's or ask's part in the round
# it is taken into: the offer (with its kind of offer) and the speaker's ask.
OFFER, ASK = PROPOSALS = ("offer", "ask")
OFFER_KIND = "offer_kind"
PRESENT = "present"  # a member's part in an exercise they were here for
# The facilitator's answer to a proposal, and a proposal's answer while it has none.
ACCEPTED, DECLINED = SETTLEMENTS = ("accepted", "declined")
WAITING = "waiting"
ROUND_ID = "round_id"  # the money round a proposal was accepted into
# Every kind of event, by its stored kind: its class (``Event``, below), filled as the classes are
# defined (below and in each level's folder), for what the core asks of a kind.
KINDS: dict[str, type] = {}


@dataclass
class Part:
    """Someone's part in an event: who, in what role, and what their part says by name, as an
    ``Entry`` says its own (see storage.participants): facts in ``data`` ({"offer_kind": …} for an
    offer), free texts in ``texts`` ({"text": …} for an ask), hidden unless private texts are asked for."""

    member: str
    role: str
    data: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)


@dataclass
class Entry:
    """What a rule makes of a valid event: the ledger rows to write, as one. (A page's draft is the
    typed event it is building, an ``Event``; an entry exists only once the rules have passed it.)"""

    kind: str
    on: dt.date
    group: str | None = None
    ref_id: int | None = None
    outcome: str | None = None
    # What the event says, by name (see storage.events): its facts, always shown, and its free texts,
    # hidden when ``private``. Each rule names its kind's fields; an empty one is not stored.
    data: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    private: bool = False
    parts: list[Part] = field(default_factory=list)
    new_group_kind: str | None = None
    rename: tuple[str, str, str] | None = None  # (table, old key, new name)
    # Proposals from phones this event takes in (a money round's): each is answered "accepted" into it
    # in the same transaction (``settle``).
    settles: tuple[int, ...] = ()


class State:
    """Small, targeted reads of the ledger for validation (never the whole history)."""

    def __init__(self, con: sa.Connection):
        self.con = con
        # A State lives inside one transaction, so a roster read once stays true; builders ask
        # for the same roster for the speaker, each offer and each exchange.
        self._rosters: dict[tuple, dict[str, str]] = {}

    def group(self, name: object) -> sa.Row:
        name = clean_name(name, "group name")
        row = self.con.execute(
            sa.select(st.groups).where(st.groups.c.name_key == name_key(name))
        ).first()
        if row is None:
            known = self.con.execute(sa.select(st.groups.c.name).order_by(st.groups.c.name)).scalars().all()
            hint = f" Known groups: {', '.join(known)}." if known else " Create it on the crew set-up page first."
            raise LedgerError(f"There is no group called “{name}”.{hint}")
        return row

    def started(self, group: sa.Row) -> str:
        """The day the group was created (ISO), before which nothing can happen in it."""
        e = st.events
        return self.con.execute(sa.select(sa.func.min(e.c.on_date)).where(
            e.c.group_id == group.id, e.c.kind.in_(STARTING_KINDS))).scalar() or EARLIEST.isoformat()

    def ended(self, group: sa.Row) -> str | None:
        """The day the crew closed (ISO), after which nothing can happen in it; None while it goes on."""
        e = st.events
        return self.con.execute(sa.select(sa.func.min(e.c.on_date)).where(
            e.c.group_id == group.id, e.c.kind == ENDING[0], e.c.outcome == ENDING[1],
            e.c.id.not_in(st.voided_ids()))).scalar()

    def group_name(self, group_id: int) -> str:
        return self.con.execute(sa.select(st.groups.c.name).where(st.groups.c.id == group_id)).scalar_one()

    def member(self, name: str) -> sa.Row | None:
        return self.con.execute(sa.select(st.members).where(st.members.c.name_key == name_key(name))).first()

    def roster(self, group_id: int, on: dt.date | None = None) -> dict[str, str]:
        """Members of the group on a date (default: now), as {name_key: name}.

        Founding members belong from the start; joins and departures count from their date;
        voided membership events count for nothing.
        """
        key = (group_id, on)
        if key not in self._rosters:
            self._rosters[key] = self._read_roster(group_id, on)
        return dict(self._rosters[key])

    def _read_roster(self, group_id: int, on: dt.date | None) -> dict[str, str]:
        status: dict[str, tuple] = {}
        for name, key, kind, on_date, eid in self.con.execute(_ROSTER, {"group_id": group_id}):
            when = "" if kind == "group_created" else on_date
            if on is not None and when > on.isoformat():
                continue
            if key not in status or (when, eid) > status[key][0]:
                status[key] = ((when, eid), kind != "member_left", name)
        return {k: v[2] for k, v in sorted(status.items(), key=lambda kv: kv[1][2].casefold()) if v[1]}

    def event(self, event_id: object) -> sa.Row:
        if isinstance(event_id, bool) or not isinstance(event_id, int):
            try:
                event_id = int(str(event_id).strip())
            except ValueError:
                raise LedgerError(f"“{shown(event_id)}” is not an event number.") from None
        if not 0 < event_id < 2**63:  # beyond a database integer: no such event, and no driver overflow
            number = event_id if abs(event_id) < 10**24 else "that large"
            raise LedgerError(f"There is no event number {number} in this ledger.")
        row = self.con.execute(sa.select(st.events).where(st.events.c.id == event_id)).first()
        if row is None:
            raise LedgerError(f"There is no event number {event_id} in this ledger.")
        return row

    def void_of(self, event_id: int) -> sa.Row | None:
        e = st.events
        return self.con.execute(sa.select(e).where(e.c.kind == st.VOID, e.c.ref_id == event_id)).first()

    def live(self, kind: str, group_id: int | None = None, **where) -> list[sa.Row]:
        """Events of a kind that have not been voided, filtered by column values."""
        e = st.events
        q = sa.select(e).where(e.c.kind == kind, e.c.id.not_in(st.voided_ids()))
        if group_id is not None:
            q = q.where(e.c.group_id == group_id)
        for col, value in where.items():
            q = q.where(e.c[col] == value)
        return self.con.execute(q).all()

    def parts(self, event_id: int) -> list[sa.Row]:
        p, m = st.participants, st.members
        q = sa.select(p.c.role, m.c.name, m.c.id).join(m, m.c.id == p.c.member_id).where(p.c.event_id == event_id)
        return self.con.execute(q).all()


# Built once: every record reads a roster, and building the statement cost more than running it.
_ROSTER = (
    sa.select(st.members.c.name, st.members.c.name_key, st.events.c.kind, st.events.c.on_date, st.events.c.id)
    .select_from(st.events.join(st.participants, st.participants.c.event_id == st.events.c.id)
                 .join(st.members, st.members.c.id == st.participants.c.member_id))
    .where(st.events.c.group_id == sa.bindparam("group_id"), st.events.c.kind.in_(MEMBERSHIP_KINDS),
           st.events.c.id.not_in(st.voided_ids()))
)


# --- helpers --------------------------------------------------------------------------------


def given(**fields) -> dict:
    """The named fields that were given: an event leaves out what nobody said."""
    return {name: value for name, value in fields.items() if value is not None}


def dated(state: State, group: sa.Row, on: object, today_if_none: bool = False) -> dt.date:
    """A clean date on which the group already existed (``None`` is today where the API defaults so)."""
    on = dt.date.today() if on is None and today_if_none else clean_date(on)
    started = state.started(group)
    if on.isoformat() < started:
        raise LedgerError(f"{group.name} started on {started}: nothing can be recorded for it on {on.isoformat()}, "
                          "before it existed. Check the date.")
    ended = state.ended(group)
    if ended is not None and on.isoformat() > ended:
        raise LedgerError(f"{group.name} closed on {ended}: nothing can be recorded for it on {on.isoformat()}. "
                          "Its members can be in a new crew.")
    return on


def in_group(state: State, group: sa.Row, on: dt.date, names: object, what: str = "member") -> list[str]:
    """Resolve names to how the group spells them, refusing anyone not in the group that day."""
    cleaned = clean_names(names, what)
    roster = state.roster(group.id, on)
    out = []
    for name in cleaned:
        key = name_key(name)
        if key not in roster:
            ever = state.roster(group.id)
            when = "on that date" if key in ever else ""
            alike = look_alikes(name, roster.values())
            hint = f" Did you mean “{alike[0]}” (the letters look alike but differ)?" if alike else ""
            raise LedgerError(f"“{name}” is not a member of {group.name} {when}".rstrip() + "." + hint)
        out.append(roster[key])
    return out


def one_member(state: State, group: sa.Row, on: dt.date, name: object, what: str) -> str:
    if name is None or (isinstance(name, str) and not name.strip()):
        raise LedgerError(f"Choose the {what}.")
    return in_group(state, group, on, [name], what)[0]


def _check_size(kind: str, size: int, group_name: str) -> None:
    if kind == "partnership" and size != PARTNERSHIP_SIZE:
        raise LedgerError(f"A partnership is exactly 2 people; {group_name} would have {size}.")
    low, high = CREW_SIZE
    if kind == "crew" and size > high:
        raise LedgerError(f"A crew has at most {high} members; {group_name} would have {size}. Start a second crew instead.")
    if kind == "crew" and size < low:
        raise LedgerError(f"A crew needs at least {low} members; {group_name} would have {size}.")


# --- builders ------------------------------------------------------------------------------


def _warn_look_alikes(group: str, name: str, others) -> None:
    alike = look_alikes(name, others)
    if alike:
        warnings.warn(LookAlikeName(
            f"“{name}” looks like “{alike[0]}”, another member of {group}, but the letters differ (one may come "
            "from another alphabet). If they are one person, void this and use the existing name."), stacklevel=4)


def add_group(state: State, name, members, kind="crew", on=None) -> Entry:
    name = clean_name(name, "group name")
    if kind not in GROUP_KINDS:
        raise LedgerError(f"A group is a crew or a partnership, not “{shown(kind)}”.")
    names = clean_names(members)
    _check_size(kind, len(names), name)
    if state.con.execute(sa.select(st.groups.c.id).where(st.groups.c.name_key == name_key(name))).first():
        raise LedgerError(f"There is already a group called “{name}”.")
    on = clean_date(on) if on is not None else dt.date.today()
    for i, n in enumerate(names):
        _warn_look_alikes(name, n, names[:i])
    parts = []
    for n in names:
        existing = state.member(n)
        parts.append(Part(existing.name if existing else n, "member"))
    return Entry("group_created", on, group=name, parts=parts, new_group_kind=kind, data={"group_kind": kind})


def add_member(state: State, group, name, on=None) -> Entry:
    g = state.group(group)
    name = clean_name(name, "member name")
    on = dated(state, g, on, today_if_none=True)
    roster = state.roster(g.id, on)
    if name_key(name) in roster:
        raise LedgerError(f"{roster[name_key(name)]} is already a member of {g.name}.")
    _check_size(g.kind, len(state.roster(g.id)) + 1, g.name)
    _warn_look_alikes(g.name, name, {**state.roster(g.id), **roster}.values())
    existing = state.member(name)
    return Entry("member_joined", on, group=g.name, parts=[Part(existing.name if existing else name, "member")])


def remove_member(state: State, group, name, on=None) -> Entry:
    g = state.group(group)
    on = dated(state, g, on, today_if_none=True)
    member = one_member(state, g, on, name, "member who is leaving")
    if g.kind == "crew" and len(state.roster(g.id, on)) - 1 < CREW_SIZE[0]:
        raise LedgerError(f"{g.name} would drop below {CREW_SIZE[0]} members; a crew needs at least {CREW_SIZE[0]}.")
    if g.kind == "partnership":
        raise LedgerError("A partnership is always two people: record a new partnership instead.")
    return Entry("member_left", on, group=g.name, parts=[Part(member, "member")])


def some_of(state: State, group, on, names, what: str, too_few: str) -> tuple[sa.Row, dt.date, list[str]]:
    """The group, the day, and at least two of its members that day (``too_few`` says why if not)."""
    g = state.group(group)
    on = dated(state, g, on)
    names = in_group(state, g, on, names, what)
    if len(names) < 2:
        raise LedgerError(too_few)
    return g, on, names


def record_hosting(state: State, group, on, facilitator=None, timekeeper=None, note_taker=None) -> Entry:
    """Who carried a session's emotional labour; scores nothing, but spreads hosting fairly."""
    g = state.group(group)
    on = dated(state, g, on)
    parts = [Part(one_member(state, g, on, who, role.replace("_", "-")), role)
             for role, who in zip(HOST_ROLES, (facilitator, timekeeper, note_taker)) if who]
    if not parts:
        raise LedgerError("Choose at least one host (facilitator, timekeeper or note-taker).")
    return Entry("hosting", on, group=g.name, parts=parts)


def check_in(state: State, group, on, member) -> Entry:
    """A member says, from their own phone, that they are here today. It scores nothing: the
    facilitator's "who is here" starts from the check-ins, and the facilitator records the exercise."""
    g = state.group(group)
    on = dated(state, g, on)
    member = one_member(state, g, on, member, "member checking in")
    for row in state.live("check_in", g.id, on_date=on.isoformat()):
        if any(name_key(p.name) == name_key(member) for p in state.parts(row.id)):
            raise LedgerError(f"{member} is already checked in for {g.name} on {on.isoformat()}.")
    return Entry("check_in", on, group=g.name, parts=[Part(member, "checked_in")])




def propose(state: State, group, on, member, what, text=None, offer_kind=None) -> Entry:
    """A member's offer to today's speaker, or the speaker's ask, sent from their phone. It scores
    nothing and waits until the facilitator accepts it into the money round (or declines it)."""
    g = state.group(group)
    on = dated(state, g, on)
    member = one_member(state, g, on, member, "member")
    if what not in PROPOSALS:
        raise LedgerError(f"Send an offer or an ask, not “{shown(what)}”.")
    if what == OFFER:
        kind = offer_kind.strip().lower() if isinstance(offer_kind, str) else offer_kind
        if kind not in OFFER_KINDS:
            raise LedgerError(f"“{shown(offer_kind)}” is not a kind of offer; choose one of: {', '.join(OFFER_KINDS)}.")
        text = clean_text(text, "offer note")
    else:
        kind, text = None, clean_text(text, "ask", required=True)
    # Private, as the money round's own texts are: an offer's note or an ask may be personal.
    return Entry("proposal", on, group=g.name, data=given(**{"what": what, OFFER_KIND: kind}), texts=given(text=text),
                 private=True,
                 parts=[Part(member, "proposer")])


def answer(state: State, proposal_id: int, group_id: int) -> str | None:
    """What a proposal's answer is now: "declined", "accepted" (into a money round that still
    stands: undoing the round, from any page, sends the proposal back to wait), or None."""
    outcomes = set()
    for row in state.live("proposal_settled", group_id, ref_id=proposal_id):
        if row.outcome == DECLINED or state.void_of(row.data[ROUND_ID]) is None:
            outcomes.add(row.outcome)
    return DECLINED if DECLINED in outcomes else (ACCEPTED if outcomes else None)


def waiting_proposal(state: State, proposal_id) -> sa.Row:
    """An offer or ask sent from a phone that still waits for its answer, or ``LedgerError``."""
    proposal = state.event(proposal_id)
    if proposal.kind != "proposal":
        raise LedgerError("That record is not an offer or ask sent from a phone.")
    if state.void_of(proposal.id) is not None:
        raise LedgerError("That offer or ask was withdrawn.")
    if answer(state, proposal.id, proposal.group_id) is not None:
        raise LedgerError("That offer or ask has been answered already.")
    return proposal


def settle(state: State, proposal_id, on, outcome, round_id=None) -> Entry:
    """The facilitator's answer to a member's proposal: accepted into the money round ``round_id``,
    or declined."""
    proposal = waiting_proposal(state, proposal_id)
    if outcome not in SETTLEMENTS:
        raise LedgerError(f"An offer or ask is accepted or declined, not “{shown(outcome)}”.")
    on = clean_date(on)
    if on.isoformat() < proposal.on_date:
        raise LedgerError(f"That offer or ask was sent on {proposal.on_date}: it cannot be answered before.")
    into = None
    if outcome == ACCEPTED:
        if round_id is None:
            raise LedgerError("Say which money round the offer or ask was accepted into.")
        into = state.event(round_id)
        if not KINDS[into.kind].takes_proposals or into.group_id != proposal.group_id or state.void_of(into.id) is not None:
            raise LedgerError("An offer or ask is accepted into a money round of its own group that stands.")
    group = state.group_name(proposal.group_id)
    return Entry("proposal_settled", on, group=group, ref_id=proposal.id, outcome=outcome,
                 data={} if into is None else {ROUND_ID: into.id})


def record_agreements(state: State, group, on, text, private=False) -> Entry:
    """The crew's agreements (confidentiality, cross-talk); a later record replaces the earlier."""
    g = state.group(group)
    if not isinstance(private, bool):
        raise LedgerError("Say whether the agreements are private (yes or no).")
    return Entry("agreements", dated(state, g, on), group=g.name, private=private,
                 texts={"text": clean_text(text, "agreements", required=True)})


# Events a void cannot take back: what they did is not undone by flagging them.
UNVOIDABLE = {
    st.VOID: "Event {id} is itself a correction; record the event again instead of voiding it.",
    "group_created": "A group cannot be voided.",
    "congregation_created": "A congregation cannot be voided.",
    "renamed": "Event {id} is a rename, which a void cannot take back: rename them back instead.",
    "forgotten": "Event {id} forgot a member: their texts are erased and cannot come back, so it cannot be voided.",
}


def void(state: State, event_id, reason, on=None) -> Entry:
    """A correction: cancels an earlier event (which stays visible, flagged as voided).

    What the void leaves must be a history the rules accept, as if the voided event had never
    been recorded; ``history_problems`` checks that once the void is in place.
    """
    target = state.event(event_id)
    reason = clean_text(reason, "reason", required=True)
    if target.kind in UNVOIDABLE:
        raise LedgerError(UNVOIDABLE[target.kind].format(id=target.id))
    on = correction_date(target, on)
    if target.kind == "formation" and target.outcome == "lasting":  # its crews must go with it
        raise LedgerError(f"{_event_words(state, target)} formed crews: undo it as a whole on the congregation page "
                          "(Congregation.undo_formation), which voids the crews with it.")
    # The next two are named in words: a level page's undo meets them when another page undid or
    # closed its record meanwhile, and a row id means nothing to the people in the room.
    if state.void_of(target.id):
        raise LedgerError(f"{_event_words(state, target)} is already voided.")
    refusal = KINDS[target.kind].unvoidable(state, target) if target.kind in KINDS else None
    if refusal:
        raise LedgerError(refusal)
    return Entry(st.VOID, on, ref_id=target.id, texts={"reason": reason})


def correction_date(target: sa.Row, on) -> dt.date:
    """The day a correction of ``target`` is dated (default today): never before the event itself."""
    on = clean_date(on) if on is not None else dt.date.today()
    if on.isoformat() < target.on_date:
        raise LedgerError(f"The {words(target.kind)} happened on {target.on_date}; its correction cannot be dated "
                          f"{on.isoformat()}, before it.")
    return on


def _event_words(state: State, target: sa.Row) -> str:
    """"The listening on 2026-01-10 in Kestrels", or as its kind names it (a conflict by its people): a
    record as people know it."""
    own = KINDS[target.kind].words(state, target) if target.kind in KINDS else None
    if own:
        return own
    group = state.group_name(target.group_id) if target.group_id is not None else None
    names = sorted({p.name for p in state.parts(target.id)}, key=str.casefold)
    return (f"The {words(target.kind)} on {target.on_date}" + (f" in {group}" if group else "") +
            (f" ({', '.join(names)})" if 0 < len(names) <= 3 else ""))


def rename(state: State, what: str, old, new) -> Entry:
    table = st.groups if what == "group" else st.members
    old = clean_name(old, f"{what} name")
    new = clean_name(new, f"{what} name")
    row = state.con.execute(sa.select(table).where(table.c.name_key == name_key(old))).first()
    if row is None:
        raise LedgerError(f"There is no {what} called “{old}”.")
    clash = state.con.execute(sa.select(table.c.id).where(table.c.name_key == name_key(new))).first()
    if clash and clash.id != row.id:
        raise LedgerError(f"There is already a {what} called “{new}”.")
    return Entry("renamed", dt.date.today(), data={"what": what}, rename=(what, row.id, new))


def forget(state: State, name) -> Entry:
    name = clean_name(name, "member name")
    row = state.member(name)
    if row is None:
        raise LedgerError(f"There is no member called “{name}”.")
    pseudonym, n = f"Former member {row.id}", 1
    # Someone may already carry that name (a rename): the pseudonym must not clash with a real one.
    while (taken := state.member(pseudonym)) is not None and taken.id != row.id:
        n += 1
        pseudonym = f"Former member {row.id}-{n}"
    return Entry("forgotten", dt.date.today(), data={"what": "member"}, rename=("member", row.id, pseudonym))


# --- the history as a whole -------------------------------------------------------------------
#
# Builders check one new event against the ledger as it is. A change that reaches back in time (a
# void, a dated join or departure, a copy from another ledger) can also break what came after it,
# so those are checked by replaying the group's whole history with the change in place: each
# problem that was not there before is refused. A congregation is replayed the same way, its pool
# standing for the members (it has no sizes to keep).

_GROUP_HISTORY = (
    sa.select(st.events.c.id, st.events.c.kind, st.events.c.on_date, st.events.c.ref_id, st.events.c.data,
              st.participants.c.member_id, st.members.c.name, st.participants.c.role)
    .select_from(st.events.outerjoin(st.participants, st.participants.c.event_id == st.events.c.id)
                 .outerjoin(st.members, st.members.c.id == st.participants.c.member_id))
    .where(st.events.c.group_id == sa.bindparam("group_id"), st.events.c.kind != st.VOID,
           st.events.c.id.not_in(st.voided_ids()))
    .order_by(st.events.c.id)
)


def words(kind: str) -> str:
    """A kind of event in words: "conflict closed"."""
    return kind.replace("_", " ")


def history_problems(con: sa.Connection, group_id: int) -> dict[tuple, str]:
    """Every way the group's live history breaks the rules, keyed so that two checks compare."""
    group = con.execute(sa.select(st.groups).where(st.groups.c.id == group_id)).one()
    pool = group.kind not in GROUP_KINDS  # a congregation: its pool is its membership
    member_of = f"in the pool of {group.name}" if pool else f"a member of {group.name}"
    events: dict[int, tuple] = {}
    people: dict[int, list[tuple[int, str]]] = {}  # who takes part in an event
    joiners: dict[int, list[tuple[int, str]]] = {}  # who joins or leaves by it
    for eid, kind, on, ref_id, data, member_id, name, role in con.execute(_GROUP_HISTORY, {"group_id": group_id}):
        events.setdefault(eid, (kind, on, ref_id, (data or {}).get("name")))
        if member_id is None:
            continue
        changes_membership = kind in MEMBERSHIP_KINDS or (kind in POOL_KINDS and role in POOL_ROLES)
        (joiners if changes_membership else people).setdefault(eid, []).append((member_id, name))
    problems: dict[tuple, str] = {}
    started = min((on for kind, on, _, _ in events.values() if kind in STARTING_KINDS), default=EARLIEST.isoformat())

    # Membership, replayed in the order State.roster reads it: founders first, then by date and id.
    changes = sorted(((("" if kind == "group_created" else on), eid) for eid, (kind, on, _, _) in events.items()
                      if eid in joiners))
    inside: dict[int, str] = {}
    spans: dict[int, list[tuple[str, bool]]] = {}  # member -> [(from when, in the group)]
    for i, (when, eid) in enumerate(changes):
        kind = events[eid][0]
        for member_id, name in joiners[eid]:
            joins = kind != "member_left"
            if joins and member_id in inside:
                problems[("joins twice", member_id, when)] = f"{name} would join {group.name} on {when} while already a member"
            elif not joins and member_id not in inside:
                problems[("leaves unjoined", member_id, when)] = (f"{name} would leave {group.name} on {when} "
                                                                  "without being a member then")
            if joins:
                inside[member_id] = name
            else:
                inside.pop(member_id, None)
            spans.setdefault(member_id, []).append((when, joins))
        if not pool and (i + 1 == len(changes) or changes[i + 1][0] != when):  # the size once the day is counted
            size, day = len(inside), when or started
            low, high = (PARTNERSHIP_SIZE, PARTNERSHIP_SIZE) if group.kind == "partnership" else CREW_SIZE
            if size > high:
                problems[("size", day)] = (f"{group.name} would have {size} members on {day}, and a {group.kind} "
                                           f"has at most {high}")
            elif size < low:
                problems[("size", day)] = (f"{group.name} would have {size} members on {day}, and a {group.kind} "
                                           f"needs at least {low}")

    def member_on(member_id: int, day: str) -> bool:
        state = False
        for when, joins in spans.get(member_id, []):
            if when > day:
                break
            state = joins
        return state

    firsts: dict[tuple, int] = {}  # the first event of each kind that comes once (``Event.once``), by its key
    for eid, (kind, on, ref_id, called) in events.items():
        if on < started and kind not in STARTING_KINDS:
            problems[("before start", eid)] = (f"the {words(kind)} would be dated {on}, before "
                                               f"{group.name} started on {started}")
        for member_id, name in people.get(eid, []):
            if not member_on(member_id, on):
                problems[("not a member", eid, member_id)] = (f"{name} would not be {member_of} on {on}, "
                                                              f"yet took part in the {words(kind)} that day")
        once = KINDS[kind].once if kind in KINDS else None
        if once is not None:
            problem, key_of, message = once
            key = (problem, key_of(on, ref_id, called))
            first = firsts.setdefault(key, eid)
            if first != eid:
                problems[key] = message.format(group=group.name, on=on, called=called, ref_id=ref_id, first=first,
                                               eid=eid)
    return problems


def reaches_back(state: State, entry: Entry) -> int | None:
    """The group whose past an entry changes (a void, a join or a departure), or None."""
    if entry.kind in ("member_joined", "member_left"):
        return state.group(entry.group).id
    if entry.kind == st.VOID:
        return state.event(entry.ref_id).group_id
    return None


def refuse_new_problems(con: sa.Connection, group_id: int, before: dict[tuple, str], entry: Entry | None = None,
                        lead: str | None = None) -> None:
    """Raise ``LedgerError`` naming the first problem the change brought into the group's history."""
    new = [message for key, message in history_problems(con, group_id).items() if key not in before]
    if not new:
        return
    more = f" (and {counted(len(new) - 1, 'more problem')})" if len(new) > 1 else ""
    if lead is None and entry is not None and entry.kind == st.VOID:
        state = State(con)
        lead = f"{_event_words(state, state.event(entry.ref_id))} cannot be voided: without it, "
    elif lead is None:
        lead = "Not recorded: with this change, "
    raise LedgerError(f"{lead}{new[0]}{more}.")


# --- the events as values: one typed event per kind, its rule beside it -------------------------
#
# What a page (or a crew's own notebook) hands the ledger: one typed value per kind of event.
# A value holds what was said about one exercise; its ``rule`` (above, or in its level's folder)
# validates it against the ledger inside the write transaction and gives the rows to insert. The same
# value is previewed (``Ledger.preview``) and recorded (``Ledger.record``), so what the facilitator saw
# scored is what is committed. Values compare equal when they say the same, which is how a page knows
# that its preview is of the very thing it is about to record:
#
#     ledger.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))
#
# The events of a level live in its folder (``levels/<name>/``); those here belong to no level
# (hosting, check-ins, phones' proposals). A new kind of event is a new subclass with its own ``rule``,
# its ``roles`` and, where the defaults do not say it, how a record of it is told; see
# docs/architecture.md.

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
    # kind with the same key is a history problem (``history_problems``), or None.
    once: ClassVar[tuple | None] = None
    takes_proposals: ClassVar[bool] = False  # the round offers and asks from phones are accepted into

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:  # a kind of event the ledger stores: its class, for what the core asks of it
            KINDS[cls.kind] = cls

    # --- how the core tells of a record of this kind (hooks with defaults) -----------------------

    @classmethod
    def told(cls, row) -> str:
        """What a record of this kind is called, from its row of ``Ledger.events()``: "venture “Oak”"."""
        return words(cls.kind)

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
    roles = dict(zip(HOST_ROLES, ("facilitator", "timekeeper", "note-taker")))
    facilitator: str | None = None
    timekeeper: str | None = None
    note_taker: str | None = None
    rule = record_hosting


@dataclass(frozen=True)
class CheckIn(InGroup):
    """A member checking in from their phone (no points; it pre-fills who is here)."""

    kind = "check_in"
    member: str
    rule = check_in


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
    rule = propose


@dataclass(frozen=True)
class ProposalSettled(Event):
    """The facilitator accepted a proposal into a money round (``round_id``, the round's event), or
    declined it."""

    kind = "proposal_settled"
    proposal_id: int
    on: Day
    outcome: str
    round_id: int | None = None
    rule = settle


# --- a record as people tell it: what the pages say after "Recorded" and before "Undo …?" -----------


# Who joins or leaves a group by a membership event (which has no class of its own here).
MEMBER_WORDS = {"member": "member"}


def role_words() -> dict[str, str]:
    """Who did what in an event, in the order a description names them: the roles each kind of event
    declares (``Event.roles``), level by level, then hosts and members; "present" last, as it is said
    only when nobody has a more telling role."""
    said = {role: words for kind in KINDS.values() for role, words in kind.roles.items()}
    said |= MEMBER_WORDS
    return {role: words for role, words in sorted(said.items(), key=lambda rw: rw[0] == PRESENT)}


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
        of = KINDS.get(kind, Event)  # a kind without a class (a membership event): the usual words
        mine = parts[parts["event_id"] == of.people_of(row)]
        roles = [(word, list(dict.fromkeys(mine.loc[mine["role"] == role, "member"])))
                 for role, word in role_words().items()]
        roles = [(w, names) for w, names in roles if names]
        if len(roles) > 1:  # "present" only when nobody has a more telling role (a listening round)
            roles = roles[:-1] if mine["role"].eq(PRESENT).any() else roles
        roles += of.also(ledger, row)
        what = words(kind) if of is Event else of.told(row)
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
