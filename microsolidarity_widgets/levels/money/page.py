"""Level 2 · Money: one speaker, two kinds of work, and the offers and asks that follow."""

from __future__ import annotations

import ipywidgets as widgets
from markupsafe import Markup

from ... import rules
from ...apps.controls import Additions, Checklist, Choice, MemberChoice, hint, section, wide
from ...apps.markup import esc, html_list, snippet
from ...apps.session import Session
from ...errors import LedgerError
from ...i18n import N_, Words, words
from ...ledger import Ledger
from ...rules import ProposalSettled
from . import LEVEL, Money

# What the page says to the facilitator.
MONEY_WHEN = N_("Only come to this level once the crew feels safe with each other.")
RESPECT_HINT = N_("Your call as facilitator: tick someone only if their exchange with the speaker was made with "
                "mutual respect and positive regard. Nobody is ticked for you. Only members who made an offer, or "
                  "to whom an ask was addressed, are listed: an exchange is what the bonus rewards.")
RESPECT_NOBODY_YET = N_("Nobody to tick yet: add an offer, or an ask addressed to someone, and they appear here.")
ASK_TO_HINT = N_("Addressed to (optional): tick whom the speaker asks; leave all unticked for an ask to the whole "
                 "group.")
FROM_PHONES_HINT = N_("Offers members send from their phones, and the speaker's asks, wait here. Accept puts one into "
                      "this round (it scores when you record the round); Decline answers no. Their phones show which.")
PRIVATE_NOTE_HINT = N_("Private: kept out of exports and charts. Nothing here is required.")


class MoneyApp:
    """Level 2's page: a speaker's turn, the offers and asks, the respectful exchanges."""

    level = LEVEL

    def __init__(self, ledger: Ledger):
        w = self.w = words()
        # Offers and asks from phones the facilitator accepted: {proposal id: (who sent it, the item in offers
        # or asks)}. One still in its list is in this round, and is answered "accepted" in the very
        # transaction that records the round. Another group or day, or (for an ask) another speaker,
        # sends it back to wait.
        self.accepted: dict[int, tuple[str, object]] = {}

        self.speaker = MemberChoice(w._("Speaker"), width="320px")
        self.private_note = widgets.Textarea(description=w._("Private notes (optional)"),
                                             placeholder=w._(PRIVATE_NOTE_HINT),
                                             layout=widgets.Layout(width="100%", height="90px"), **wide())
        self.private_note.add_class("ms-private")
        self.offer_who = MemberChoice(w._("Who offers"), width="260px")
        # The ledger keeps the kind's English word; the facilitator reads it in their language.
        self.offer_kind = Choice(description=w._("Kind of offer"),
                                 options=[(_kind(kind, w), kind) for kind in rules.OFFER_KINDS],
                                           layout=widgets.Layout(width="380px"), **wide())
        self.offer_note = widgets.Text(description=w._("Offer note (optional)"), continuous_update=False,
                                       layout=widgets.Layout(width="420px"), **wide())
        # The button says whose offer it adds, so nobody credits the wrong person by accident.
        self.offered = Additions([[self.offer_who, self.offer_kind], [self.offer_note]],
                                 [self.offer_who, self.offer_kind, self.offer_note], self._offer, self._show_offer,
                                 add=lambda item: w._("Add offer from %(name)s", name=item[0]) if item else
                                 w._("Add offer"), remove=w._("Remove last offer"), empty=w._("No offers yet."),
                                 clear=[self.offer_note])
        self.ask_text = widgets.Text(description=w._("The speaker asks for"),
                                     placeholder=w._("e.g. an introduction to …"),
                                     layout=widgets.Layout(width="520px"), **wide())
        self.ask_to = Checklist(w._(ASK_TO_HINT))
        self.asked = Additions([[self.ask_text], [self.ask_to.widget]], [self.ask_text, self.ask_to], self._ask,
                               self._show_ask, add=lambda _: w._("Add ask"), remove=w._("Remove last ask"),
                               empty=w._("No asks yet."), buttons_on=0, clear=[self.ask_text, self.ask_to])
        self.respectful = Checklist(w._("Who exchanged with the speaker with mutual respect?"))
        self.nobody_to_respect = hint(esc(w._(RESPECT_NOBODY_YET)))
        self.from_phones = widgets.VBox()
        self._waiting: tuple | None = None  # the proposals on screen: the list is rebuilt only when they change

        self.session = Session(ledger, self.level, self.draft, controls=[self.speaker, self.offered, self.asked,
                                                                          self.ask_to, self.respectful,
                                                                          self.private_note])
        self.session.on_context(self._refill)
        self.session.present.observe(self._refill, names="value")
        self.session.on_record(self._forget_accepted)
        self.session.on_change(self._show_from_phones)
        self.session.on_context(self._return_accepted)
        self.speaker.observe(self._speaker_changed, names="value")
        for listed in (self.offered, self.asked):
            listed.observe(self._lists_changed, names="value")

        speaker_box = section(w._("The speaker"), hint(esc(w._(MONEY_WHEN))), self.speaker,
                              hint(str(Markup("<b>%s</b>") % w._("Questions to explore together")) +
                                   html_list(esc(w._(p)) for p in self.level.prompts)),
                              self.private_note)
        offers_box = section(w._("Offers from the group"), self.offered.widget)
        asks_box = section(w._("Asks by the speaker"), self.asked.widget)
        respect_box = section(w._("Mutual respect"), hint(esc(w._(RESPECT_HINT))), self.respectful.widget,
                              self.nobody_to_respect)
        phones_box = section(w._("Sent from phones"), hint(esc(w._(FROM_PHONES_HINT))), self.from_phones)
        self.widget = self.session.page(speaker_box, phones_box, offers_box, asks_box, respect_box)
        self._lists_changed()

    def carry_from(self, old: MoneyApp) -> bool:
        """Built again in another language (apps/relabel.py): the offers and asks taken from phones stay
        taken (the lists themselves are carried as the page's values)."""
        if self.accepted == old.accepted:
            return False
        self.accepted = dict(old.accepted)
        return True

    @property
    def offers(self) -> list[tuple]:
        """This round's offers: ``(member, kind)`` or ``(member, kind, note)`` each."""
        return list(self.offered.value)

    @property
    def asks(self) -> list[str | tuple[str, list[str]]]:
        """This round's asks, as ``Money`` takes them: each its text, or ``(text, to)``."""
        return list(self.asked.value)

    def draft(self):
        s = self.session
        if not self.speaker.value:
            raise LedgerError(self.w._("Choose the speaker."))
        return Money(s.group_name, s.on, speaker=self.speaker.value, offers=tuple(self.offers), asks=tuple(self.asks),
                     respectful=self.respectful.value, present=s.here, note=self.private_note.value,
                     from_phones=tuple(self._taken()))

    def _offer(self):
        """The offer the fields make, or None before someone is chosen."""
        if not self.offer_who.value:
            return None
        note = self.offer_note.value.strip()
        return (self.offer_who.value, self.offer_kind.value) + ((note,) if note else ())

    def _ask(self):
        """The ask the fields make, or None before it is typed."""
        text, to = self.ask_text.value.strip(), self.ask_to.value
        return ((text, to) if to else text) if text else None

    # --- offers and asks sent from phones ---------------------------------------------------------

    def waiting(self):
        """The group's proposals of the day still waiting for an answer and not taken into this round."""
        s = self.session
        if not s.group.value or s.date.value is None:
            return []
        found = self.session.ledger.proposals(s.group.value, s.date.value)
        return [row for row in found.itertuples(index=False) if row.answer == "waiting" and row.id not in self._taken()]

    def _taken(self) -> list[int]:
        """The accepted proposals whose offer or ask is still in this round's lists."""
        return [pid for pid, (_, item) in self.accepted.items() if item in self.offers or item in self.asks]

    def _return_accepted(self, asks_only: bool = False) -> None:
        """Send accepted proposals back to wait: all of them (another group or day), or the asks of
        anyone but the speaker now chosen (an ask is its speaker's)."""
        for proposal_id, (who, item) in list(self.accepted.items()):
            if asks_only and (item not in self.asks or who == self.speaker.value):
                continue
            for listed in (self.offered, self.asked):
                if item in listed.value:
                    listed.value = tuple(i for i in listed.value if i != item)
            del self.accepted[proposal_id]
        self._show_from_phones()

    def _show_from_phones(self):
        waiting = self.waiting()
        if tuple(waiting) == self._waiting:
            return
        self._waiting = tuple(waiting)
        w, rows = self.w, []
        for row in waiting:
            # The name in bold, the sentence in the language's order; Markup escapes what members typed.
            name = Markup("<b>%s</b>") % row.member
            said = (Markup(esc(w._("%(name)s offers %(kind)s"))) % {"name": name, "kind": _kind(row.offer_kind, w)}
                    if row.what == rules.OFFER else
                    Markup(esc(w._("%(name)s asks for %(ask)s"))) % {"name": name, "ask": row.text})
            if row.what == rules.OFFER and row.text:
                said += Markup(" <i>(%s)</i>") % row.text
            accept = widgets.Button(description=w._("Accept"), button_style="success",
                                    tooltip=w._("Add it to this round"))
            decline = widgets.Button(description=w._("Decline"), tooltip=w._("Answer no; it is kept, marked declined"))
            accept.on_click(lambda _, row=row: self.accept(row))
            decline.on_click(lambda _, row=row: self.decline(row))
            rows.append(widgets.HBox([widgets.HTML(str(said)), accept, decline],
                                     layout=widgets.Layout(flex_flow="row wrap")))
        self.from_phones.children = rows or [widgets.HTML(Markup("<i>%s</i>") % w._("Nothing waiting."))]

    def accept(self, row) -> None:
        """Take a member's offer or ask into this round; it scores when the round is recorded."""
        w = self.w
        if row.what == "ask":
            if self.speaker.value != row.member:
                self.session.status.error(w._("%(name)s sent an ask: choose %(name)s as the speaker to accept it.",
                                              name=row.member), nothing_recorded=False)
                return
            item, listed = row.text, self.asked
        else:
            item, listed = (row.member, row.offer_kind) + ((row.text,) if row.text else ()), self.offered
        self.accepted[row.id] = (row.member, item)
        listed.value = (*listed.value, item)  # and the list from the phones shows it no more
        self.session.say(w._("Accepted %(name)s's ask into this round: it counts once you record the round, and "
                             "their phone then says so.", name=row.member) if row.what == "ask" else
                         w._("Accepted %(name)s's offer into this round: it counts once you record the round, and "
                             "their phone then says so.", name=row.member))

    def decline(self, row) -> None:
        try:
            self.session.ledger.record(ProposalSettled(row.id, self.session.on, "declined"))
        except LedgerError as exc:
            self.session.status.error(exc, nothing_recorded=False)
            return
        self.session.status.ok(self.w._("Declined %(name)s's ask; their phone says so.", name=row.member)
                               if row.what == "ask" else
                               self.w._("Declined %(name)s's offer; their phone says so.", name=row.member))
        self._show_from_phones()

    def _forget_accepted(self, event_id):
        """Once the round is recorded, its accepted proposals are answered (with it): none is pending."""
        if event_id is not None:
            self.accepted.clear()

    def _refill(self, *_):
        """Who can speak, offer or be asked: those here (the speaker too, when still here)."""
        self.speaker.set_names(self.session.here)
        self._speaker_changed()

    def _speaker_changed(self, *_):
        # Everyone here but the speaker can offer and be asked; an ask of anyone else goes back to wait.
        others = [n for n in self.session.here if n != self.speaker.value]
        self.offer_who.set_names(others)
        self.ask_to.set_names(others)
        self._return_accepted(asks_only=True)
        self._list_exchanged()

    def _lists_changed(self, *_):
        self._show_from_phones()  # an accepted offer or ask removed from its list waits again
        self._list_exchanged()

    def exchanged(self) -> list[str]:
        """Members present (not the speaker) who made an offer or were asked: the only ones the
        respect bonus can go to (docs/rules.md), in the order of the list of who is here."""
        names = {o[0] for o in self.offers} | {n for a in self.asks if not isinstance(a, str) for n in a[1]}
        return [n for n in self.session.here if n in names and n != self.speaker.value]

    def _list_exchanged(self):
        # A member whose last offer or ask was removed leaves the list, and their tick with them.
        names = self.exchanged()
        self.respectful.set_names(names)
        self.nobody_to_respect.layout.display = "none" if names else None


    def _show_offer(self, offer: tuple) -> str:
        return snippet("offer", self.w, who=offer[0], kind=_kind(offer[1], self.w),
                       said=offer[2] if len(offer) == 3 else None)

    def _show_ask(self, ask: str | tuple) -> str:
        return esc(ask) if isinstance(ask, str) else \
            Markup("%s &mdash; <i>%s</i>") % (ask[0], self.w._("to %(names)s", names=self.w.list(ask[1])))


def _kind(kind: str, w: Words) -> str:
    """A kind of offer as the facilitator reads it: the ledger keeps the English word, which is also its
    message in the catalogs (the phones say the same words, docs/glossary.md)."""
    return w._(kind) if kind in rules.OFFER_KINDS else kind
