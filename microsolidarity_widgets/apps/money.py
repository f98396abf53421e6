"""Level 2 · Money: one speaker, two kinds of work, and the offers and asks that follow."""

from __future__ import annotations

import ipywidgets as widgets

from .. import levels, rules
from ..events import Money, ProposalSettled
from ..errors import LedgerError
from ..ledger import Ledger
from . import texts
from .session import Checklist, Session, esc, hint, html_list, section, wide


class MoneyApp:
    """Level 2's page: a speaker's turn, the offers and asks, the respectful exchanges."""

    level = levels.MONEY

    def __init__(self, ledger: Ledger):
        self.offers: list[tuple] = []
        self.asks: list[str | tuple[str, list[str]]] = []  # as record_money takes them: text, or (text, to)
        # Offers and asks from phones the facilitator accepted: {proposal id: (who sent it, the item in offers
        # or asks)}. One still in its list is in this round; once the round is recorded it is answered
        # "accepted". Another group or day, or (for an ask) another speaker, sends it back to wait.
        self.accepted: dict[int, tuple[str, object]] = {}
        self._filling = False

        self.speaker = widgets.Dropdown(description="Speaker", options=[("— choose —", None)],
                                        layout=widgets.Layout(width="320px"), **wide())
        self.private_note = widgets.Textarea(description="Private notes (optional)", placeholder=texts.PRIVATE_NOTE_HINT,
                                             layout=widgets.Layout(width="100%", height="90px"), **wide())
        self.private_note.add_class("ms-private")
        self.offer_who = widgets.Dropdown(description="Who offers", options=[("— choose —", None)],
                                          layout=widgets.Layout(width="260px"), **wide())
        self.offer_kind = widgets.Dropdown(description="Kind of offer", options=list(rules.OFFER_KINDS),
                                           layout=widgets.Layout(width="380px"), **wide())
        self.offer_note = widgets.Text(description="Offer note (optional)", continuous_update=False,
                                       layout=widgets.Layout(width="420px"), **wide())
        self.add_offer_button = widgets.Button(description="Add offer", disabled=True)
        self.drop_offer_button = widgets.Button(description="Remove last offer")
        self.offer_list = widgets.HTML()
        self.ask_text = widgets.Text(description="The speaker asks for", placeholder="e.g. an introduction to …",
                                     layout=widgets.Layout(width="520px"), **wide())
        self.add_ask_button = widgets.Button(description="Add ask", disabled=True)
        self.drop_ask_button = widgets.Button(description="Remove last ask")
        self.ask_to = Checklist(texts.ASK_TO_HINT)
        self.ask_list = widgets.HTML()
        self.respectful = Checklist("Who exchanged with the speaker with mutual respect?")
        self.nobody_to_respect = hint(texts.RESPECT_NOBODY_YET)
        self.from_phones = widgets.VBox()
        self._waiting: tuple | None = None  # the proposals on screen: the list is rebuilt only when they change

        self.session = Session(ledger, self.level, self.draft)
        self.session.on_context(self._refill)
        self.session.present.observe(self._refill)
        self.session.on_record(self._answer_accepted)
        self.session.on_record(lambda _: self._clear())
        self.session.on_change(self._show_from_phones)
        self.session.on_context(self._return_accepted)
        self.speaker.observe(lambda _: self._refill(), "value")
        self.speaker.observe(lambda _: self._return_accepted(asks_only=True), "value")
        self.respectful.observe(self.session.refresh_preview)
        self.private_note.observe(self.session.refresh_preview, "value")
        self.offer_who.observe(self._name_offer_button, "value")
        self.ask_text.observe(lambda ch: setattr(self.add_ask_button, "disabled", not ch["new"].strip()), "value")
        self.add_offer_button.on_click(self.add_offer)
        self.drop_offer_button.on_click(self.drop_offer)
        self.add_ask_button.on_click(self.add_ask)
        self.drop_ask_button.on_click(self.drop_ask)

        speaker_box = section("The speaker", hint(texts.MONEY_WHEN), self.speaker,
                              hint("<b>Questions to explore together</b>" + html_list(esc(p) for p in self.level.prompts)),
                              self.private_note)
        offers_box = section("Offers from the group", widgets.HBox([self.offer_who, self.offer_kind]),
                             widgets.HBox([self.offer_note, self.add_offer_button, self.drop_offer_button]),
                             self.offer_list)
        asks_box = section("Asks by the speaker", widgets.HBox([self.ask_text, self.add_ask_button, self.drop_ask_button]),
                           self.ask_to.widget, self.ask_list)
        respect_box = section("Mutual respect", hint(texts.RESPECT_HINT), self.respectful.widget,
                              self.nobody_to_respect)
        phones_box = section("Sent from phones", hint(texts.FROM_PHONES_HINT), self.from_phones)
        self.widget = self.session.page(speaker_box, phones_box, offers_box, asks_box, respect_box)
        self._show_lists()

    def draft(self):
        s = self.session
        if not self.speaker.value:
            raise LedgerError("Choose the speaker.")
        return Money(s.group_name, s.on, speaker=self.speaker.value, offers=tuple(self.offers), asks=tuple(self.asks),
                     respectful=self.respectful.value, present=s.here, note=self.private_note.value)

    def add_offer(self, _=None):
        if not self.offer_who.value:
            self.session.status.error("Choose who makes the offer first.", nothing_recorded=False)
            return
        note = self.offer_note.value.strip()
        self.offers.append((self.offer_who.value, self.offer_kind.value) + ((note,) if note else ()))
        self.offer_note.value = ""
        self._show_lists()

    def add_ask(self, _=None):
        if not self.ask_text.value.strip():
            self.session.status.error("Type what the speaker asks for first.", nothing_recorded=False)
            return
        text, to = self.ask_text.value.strip(), self.ask_to.value
        self.asks.append((text, to) if to else text)
        self.ask_text.value = ""
        self.ask_to.value = []
        self._show_lists()

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
            for listed in (self.offers, self.asks):
                if item in listed:
                    listed.remove(item)
            del self.accepted[proposal_id]
        self._show_lists()

    def _show_from_phones(self):
        waiting = self.waiting()
        if tuple(waiting) == self._waiting:
            return
        self._waiting = tuple(waiting)
        rows = []
        for row in waiting:
            said = (f"<b>{esc(row.member)}</b> offers {esc(row.offer_kind)}" if row.what == "offer" else
                    f"<b>{esc(row.member)}</b> asks for {esc(row.text)}")
            if row.what == "offer" and row.text:
                said += f" <i>({esc(row.text)})</i>"
            accept = widgets.Button(description="Accept", button_style="success", tooltip="Add it to this round")
            decline = widgets.Button(description="Decline", tooltip="Answer no; it is kept, marked declined")
            accept.on_click(lambda _, row=row: self.accept(row))
            decline.on_click(lambda _, row=row: self.decline(row))
            rows.append(widgets.HBox([widgets.HTML(said), accept, decline], layout=widgets.Layout(flex_flow="row wrap")))
        self.from_phones.children = rows or [widgets.HTML("<i>Nothing waiting.</i>")]

    def accept(self, row) -> None:
        """Take a member's offer or ask into this round; it scores when the round is recorded."""
        if row.what == "ask":
            if self.speaker.value != row.member:
                self.session.status.error(f"{row.member} sent an ask: choose {row.member} as the speaker to accept it.",
                                          nothing_recorded=False)
                return
            item = row.text
            self.asks.append(item)
        else:
            item = (row.member, row.offer_kind) + ((row.text,) if row.text else ())
            self.offers.append(item)
        self.accepted[row.id] = (row.member, item)
        self._show_lists()  # and the list from the phones, without it

    def decline(self, row) -> None:
        try:
            self.session.ledger.record(ProposalSettled(row.id, self.session.on, "declined"))
        except LedgerError as exc:
            self.session.status.error(exc, nothing_recorded=False)
            return
        self.session.status.ok(f"Declined {row.member}'s {row.what}; their phone says so.")
        self._show_from_phones()

    def _answer_accepted(self, event_id):
        """After the round is recorded: each accepted proposal in it is answered "accepted"."""
        if event_id is None:
            return
        for proposal_id in self._taken():
            try:
                self.session.ledger.record(ProposalSettled(proposal_id, self.session.on, "accepted", event_id))
            except LedgerError as exc:
                self.session.status.error(f"The round is recorded, but a phone's {exc}", nothing_recorded=False)
        self.accepted.clear()

    def _name_offer_button(self, change):
        # The button says whose offer it adds, so nobody credits the wrong person by accident.
        who = change["new"]
        self.add_offer_button.description = f"Add offer from {who}" if who else "Add offer"
        self.add_offer_button.disabled = not who

    def drop_offer(self, _=None):
        if self.offers:
            self.offers.pop()
        self._show_lists()

    def drop_ask(self, _=None):
        if self.asks:
            self.asks.pop()
        self._show_lists()

    def _refill(self, *_):
        if self._filling:  # setting a dropdown's options fires its own observers
            return
        self._filling = True
        try:
            here = self.session.here
            speaker = self.speaker.value if self.speaker.value in here else None
            self.speaker.options = [("— choose —", None)] + [(n, n) for n in here]
            self.speaker.value = speaker
            others = [n for n in here if n != speaker]
            who = self.offer_who.value
            self.offer_who.options = [("— choose —", None)] + [(n, n) for n in others]
            self.offer_who.value = who if who in others else None
            self.ask_to.set_names(others)
            self._list_exchanged()
        finally:
            self._filling = False
        self.session.refresh_preview()

    def _clear(self):
        self.offers.clear()
        self.asks.clear()
        self.private_note.value = ""
        self.respectful.value = []
        self.ask_to.value = []
        self.speaker.value = None
        self._show_lists()

    def _show_lists(self):
        self._show_from_phones()  # an accepted offer or ask removed from its list waits again
        offers = [f"{esc(o[0])} &mdash; {esc(o[1])}" + (f" <i>({esc(o[2])})</i>" if len(o) == 3 else "")
                  for o in self.offers]
        self.offer_list.value = html_list(offers) if offers else "<i>No offers yet.</i>"
        asks = [esc(a) if isinstance(a, str) else f"{esc(a[0])} &mdash; <i>to {esc(', '.join(a[1]))}</i>"
                for a in self.asks]
        self.ask_list.value = html_list(asks) if asks else "<i>No asks yet.</i>"
        self._list_exchanged()
        self.session.refresh_preview()

    def exchanged(self) -> list[str]:
        """Members present (not the speaker) who made an offer or were asked: the only ones the
        respect bonus can go to (GAME.md), in the order of the list of who is here."""
        names = {o[0] for o in self.offers} | {n for a in self.asks if not isinstance(a, str) for n in a[1]}
        return [n for n in self.session.here if n in names and n != self.speaker.value]

    def _list_exchanged(self):
        # A member whose last offer or ask was removed leaves the list, and their tick with them.
        names = self.exchanged()
        self.respectful.set_names(names)
        self.nobody_to_respect.layout.display = "none" if names else None
