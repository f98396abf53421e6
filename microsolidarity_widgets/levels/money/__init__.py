"""Level 2, Money: one member talks about paid and meaningful work; the others offer, the speaker asks.

Everything of the level is here: its event and rule, its award and ties, its words, prompts and
card, its phone form (``phone.html``: an offer or an ask sent from a phone, which waits as a
proposal until the facilitator takes it into the round); its page is ``page.py`` (docs/rules.md,
"Level 2").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd
import sqlalchemy as sa

from ... import rules
from ...errors import LedgerError
from ...i18n import N_, _, words
from ...rules import (ASK, OFFER, OFFER_KIND, OFFER_KINDS, PRESENT, Entry, InGroup, Names, Part, Proposal, State, given,
                      text)
from ...scoring import History, Pairs
from ...values import clean_names, clean_text, name_key, shown
from .. import Level, PhoneForm, register

# The parts of a round, as stored: the speaker, each offer (OFFER, with its OFFER_KIND), each ask
# (ASK, the speaker's) and each member it is addressed to (ASKED, linked by ASK_LINK), and the
# members who exchanged with the speaker with mutual respect.
SPEAKER, ASKED, RESPECTFUL = "speaker", "asked", "respectful"
ASK_LINK = "ask"
# The network chart's ties of this level: an offer (from the one who offers to the speaker), and a
# respectful exchange (between the two, once per round).
OFFER_TIE, RESPECT_TIE = "offer", "respect"


def record_money(state: State, group, on, speaker, offers=(), asks=(), respectful=(), present=None, note=None,
                 from_phones=()) -> Entry:
    """The speaker talks about paid and meaningful work; others offer, the speaker asks.

    ``offers``: ``(member, kind)`` or ``(member, kind, note)`` each. ``asks``: each ask is its text
    (an ask to the whole group) or ``(text, to)``, ``to`` being the member or list of members it is
    addressed to. ``respectful``: members who exchanged with the speaker with mutual respect; only
    a member who made an offer or to whom an ask was addressed can be one (docs/rules.md).
    ``from_phones``: the ids of the offers and asks sent from phones that the round takes in; they
    are answered "accepted" with it, in one transaction.
    """
    g = state.group(group)
    on = rules.dated(state, g, on)
    speaker = rules.one_member(state, g, on, speaker, "speaker")
    if isinstance(from_phones, (str, bytes, dict)) or not hasattr(from_phones, "__iter__"):
        raise LedgerError(_("Give the offers and asks from phones as a list of their ids."))
    settles = tuple(from_phones)
    for proposal_id in settles:
        proposal = rules.waiting_proposal(state, proposal_id)
        if proposal.group_id != g.id:
            raise LedgerError(_("An offer or ask sent from a phone is accepted into a money round of its own group."))
    parts = [Part(speaker, SPEAKER)]
    involved = {name_key(speaker)}
    exchanged: set[str] = set()  # members who made an offer or were asked: the only ones a bonus can go to
    for listed, what in ((offers, N_("offers")), (asks, N_("asks"))):
        if listed is not None and not isinstance(listed, str) and not isinstance(listed, (list, tuple)):
            raise LedgerError(_("Give the %(what)s as a list, not %(type)s.", what=_(what), type=type(listed).__name__))
    for item in offers or ():
        if isinstance(item, str) or not isinstance(item, (tuple, list)) or len(item) not in (2, 3):
            raise LedgerError(_("Each offer is (member, kind) or (member, kind, note)."))
        who = rules.one_member(state, g, on, item[0], N_("member making the offer"))
        if name_key(who) == name_key(speaker):
            raise LedgerError(_("%(name)s is the speaker: offers come from the other members.", name=who))
        kind = item[1].strip().lower() if isinstance(item[1], str) else item[1]
        if kind not in OFFER_KINDS:
            raise LedgerError(_("“%(kind)s” is not a kind of offer; choose %(kinds)s.", kind=shown(item[1]),
                                kinds=words().list(OFFER_KINDS, style="or")))
        offer_note = clean_text(item[2], "offer note") if len(item) == 3 else None
        parts.append(Part(who, OFFER, data={OFFER_KIND: kind}, texts=given(note=offer_note)))
        involved.add(name_key(who))
        exchanged.add(name_key(who))
    if isinstance(asks, str):
        asks = [asks]
    for number, ask in enumerate(asks or (), start=1):
        said, to = _ask(ask)
        addressed = _addressees(state, g, on, to, speaker)
        # An addressed ask and the ASKED rows of its addressees share the link ASK_LINK, so each
        # addressee is linked to the very ask they received.
        link = given(**{ASK_LINK: f"ask {number}" if addressed else None})
        parts.append(Part(speaker, ASK, data=link, texts={"text": clean_text(said, "ask", required=True)}))
        parts += [Part(who, ASKED, data=link) for who in addressed]
        involved.update(name_key(who) for who in addressed)
        exchanged.update(name_key(who) for who in addressed)
    for who in clean_names(respectful or (), "member in a respectful exchange"):
        who = rules.one_member(state, g, on, who, "member in a respectful exchange")
        if name_key(who) == name_key(speaker):
            raise LedgerError(_("The respectful-exchange bonus is for the members who exchanged with the speaker, not "
                                "the speaker."))
        if name_key(who) not in exchanged:
            raise LedgerError(_("%(name)s made no offer and was not asked for anything in this round: the mutual-respect "
                                "bonus is only for members who exchanged with the speaker. Add their offer, or the ask "
                                "addressed to them, first.", name=who))
        parts.append(Part(who, RESPECTFUL))
        involved.add(name_key(who))
    if present is not None:
        present = rules.in_group(state, g, on, present, "present member")
        here = {name_key(n) for n in present}
        missing = [p.member for p in parts if name_key(p.member) not in here]
        if missing:
            raise LedgerError(_("%(name)s took part but is not marked present.", name=missing[0]))
        involved = here
        parts += [Part(n, PRESENT) for n in present]
    if len(involved) < 2:
        raise LedgerError(_("A money round needs the speaker and at least one other member present."))
    return Entry(Money.kind, on, group=g.name, parts=parts, texts=given(note=clean_text(note)), private=True,
                 settles=settles)


def _ask(ask) -> tuple[object, object]:
    """An ask as (text, to): plain text is an ask to the whole group (``to`` None)."""
    if isinstance(ask, str):
        return ask, None
    if isinstance(ask, (tuple, list)) and len(ask) == 2 and isinstance(ask[0], str):
        return ask[0], ask[1]
    raise LedgerError(_("Each ask is its text, or (text, member or list of members it is addressed to)."))


def _addressees(state: State, group: sa.Row, on: dt.date, to, speaker: str) -> list[str]:
    """The members an ask is addressed to (none: the whole group), never the speaker."""
    if to is None or (isinstance(to, (list, tuple)) and not to):
        return []
    names = rules.in_group(state, group, on, [to] if isinstance(to, str) else to, "member the ask is addressed to")
    if any(name_key(n) == name_key(speaker) for n in names):
        raise LedgerError(_("%(name)s is the speaker: an ask is addressed to the other members.", name=speaker))
    return names


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
    rule = record_money
    takes_proposals = True
    roles = {SPEAKER: N_("speaker"), OFFER: N_("offers from"), ASKED: N_("asked"), PRESENT: N_("present")}


# The awards' reasons (their keys, in English; ``Level.reasons``): an offer's is "offer: " and its kind
# as the ledger keeps it (``OFFER_KINDS``).
ASKED_HELP, RESPECTED = N_("asked for help"), N_("respectful exchange")
REASONS = (N_("offer: perspective"), N_("offer: process or productivity idea"), N_("offer: introduction"),
           N_("offer: encouragement"), N_("offer: other"), ASKED_HELP, RESPECTED)


def _award(h: History, level: Level) -> list[pd.DataFrame]:
    rounds = h.of_kind(Money.kind)
    p = level.points
    offers = h.roles(rounds, OFFER)
    respect = h.roles(rounds, RESPECTFUL).drop_duplicates(["event_id", "member_id"])
    speakers = h.parts.loc[h.parts["role"] == SPEAKER, ["event_id", "member_id"]]
    return [
        h.award(offers, level, p["offer"], "offer: " + offers["data"].str[OFFER_KIND].astype(str)),
        h.award(h.roles(rounds, ASK), level, p["ask"], ASKED_HELP),
        # Both sides of each respectful exchange: the member, then the speaker.
        h.award(respect, level, p["respect"], RESPECTED),
        h.award(respect.drop(columns="member_id").merge(speakers, on="event_id"), level, p["respect"],
                RESPECTED),
    ]


def _ties(t: Pairs) -> list[pd.DataFrame]:
    rounds = t.of_kind(Money.kind)
    speakers = t.named(SPEAKER, rounds).rename(columns={"m": "b"})
    offers = t.named(OFFER, rounds).rename(columns={"m": "a"}).merge(speakers, on="event_id")
    respect = t.named(RESPECTFUL, rounds).drop_duplicates().rename(columns={"m": "a"}).merge(speakers, on="event_id")
    return [t.pairs(offers, OFFER_TIE, directed=True), t.pairs(respect, RESPECT_TIE)]


def _from_phone(who: str, said) -> Proposal:
    """An offer to the speaker, or the speaker's ask, from a phone: it waits for the facilitator."""
    return Proposal(said("group"), dt.date.today(), who, said("what"), said("text") or None,
                    said(OFFER_KIND) or None)


# The ledger's kinds of offer (kept as they are in forms and records) as a phone says them.
OFFER_KIND_WORDS = dict(zip(OFFER_KINDS, (N_("perspective"), N_("process or productivity idea"), N_("introduction"),
                                          N_("encouragement"), N_("other"))))
# What a member's phone says of an offer or an ask they sent today, by its answer so far.
SENT = {(OFFER, rules.WAITING): N_("Your offer (%(kind)s) sent at %(time)s: waiting for the facilitator"),
        (OFFER, rules.ACCEPTED): N_("Your offer (%(kind)s) sent at %(time)s: accepted into the round"),
        (OFFER, rules.DECLINED): N_("Your offer (%(kind)s) sent at %(time)s: declined by the facilitator"),
        (ASK, rules.WAITING): N_("Your ask sent at %(time)s: waiting for the facilitator"),
        (ASK, rules.ACCEPTED): N_("Your ask sent at %(time)s: accepted into the round"),
        (ASK, rules.DECLINED): N_("Your ask sent at %(time)s: declined by the facilitator")}


def _sent(w, r) -> str:
    """One offer or ask the member sent today (a row of ``Ledger.proposals``), in ``w``'s language, as
    their phone lists it under the form: its kind and answer, never its words."""
    kind = w._(OFFER_KIND_WORDS.get(r.offer_kind, r.offer_kind or ""))
    return w._(SENT[(r.what, r.answer)], kind=kind, time=w.time(dt.time.fromisoformat(r.sent)))


LEVEL = register(Level(
    2, N_("Money"), "#DDCC77", events=(Money,), points={"offer": 5, "ask": 5, "respect": 1}, award=_award,
    reasons=REASONS,
    page="03_money", folder=Path(__file__).parent, app=f"{__name__}.page:MoneyApp",
    about=N_("One member talks about paid and meaningful work; the others offer, the speaker asks."),
    card=N_("One member talks about paid and meaningful work; record the offers and asks that follow."),
    prompts=(N_("Paid work — what do you do that brings in money?"),
             N_("Meaningful work — what work matters most to you, paid or not?"),
             N_("Roughly how much comes in, and from where? (Say only what you are comfortable with — no "
                "amounts needed.)"),
             N_("What way of living would help you be at your best, and what would that cost?"),
             N_("If it's not enough: what new approach could you experiment with?"),
             N_("If it's enough: could you earn it with fewer compromises, more freedom or more impact?"),
             N_("If there's more than you need: what would have to be true for you to share some with the crew?")),
    words=N_("<b>How Level 2 scores.</b> Each offer earns the person who made it %(offer)s. Each thing the speaker "
             "asks for earns the speaker %(ask)s — asking is a gift too. For each person who exchanged with the "
             "speaker with mutual respect, both of them get %(respect)s (once per pair per round)."),
    tie_words={OFFER_TIE: N_("offers"), RESPECT_TIE: N_("respectful exchanges")}, tie=_ties,
    directed_ties=(OFFER_TIE,),
    phone=PhoneForm("phone.html", "propose", _from_phone, typed={OFFER_KIND: N_("Kind of offer")},
                    values={"offer_kinds": tuple(OFFER_KIND_WORDS.items()), "sent": _sent})))
