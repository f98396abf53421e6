"""Level 4 · Conflict: open a conflict, walk through the repair, close it resolved or not."""

from __future__ import annotations

import ipywidgets as widgets
from markupsafe import Markup
import pandas as pd

from ...apps.controls import Checklist, Choice, hint, section, wide
from ...apps.markup import esc, html_table
from ...apps.session import Session
from ...errors import LedgerError
from ...i18n import N_, Words, words
from ...ledger import Ledger
from . import LEVEL, RESOLVED, UNRESOLVED, ConflictClosed, ConflictOpened

# What the page says to the facilitator.
REPAIR_HINT = N_("Walk through the repair together, at whatever pace it needs (tick each step as you go):")
OUTCOME_LABELS = {
    RESOLVED: N_("Resolved: we found a way forward we both agree with"),
    UNRESOLVED: N_("Unresolved: we are closing it without agreement"),
}

OPEN, CLOSE = "open", "close"


class ConflictApp:
    """Level 4's page: open a conflict, walk through its repair, close it."""

    level = LEVEL

    def __init__(self, ledger: Ledger):
        w = self.w = words()
        self.ledger = ledger
        self.mode = widgets.ToggleButtons(description=w._("What now?"), options=[(w._("Open a conflict"), OPEN),
                                                                                 (w._("Close a conflict"), CLOSE)],
                                          **wide())
        self.parties = Checklist(w._("Who is involved?"))
        self.description = widgets.Textarea(description=w._("What happened (private, optional)"),
                                            layout=widgets.Layout(width="100%", height="80px"), **wide())
        self.description.add_class("ms-private")
        self.conflict = Choice(description=w._("Conflict"), options=[(w._("— choose —"), None)],
                               layout=widgets.Layout(width="520px"), **wide())
        self.steps = [widgets.Checkbox(description=text, indent=False, layout=widgets.Layout(width="auto"))
                      for text in map(w._, self.level.prompts)]
        self.outcome = widgets.RadioButtons(description=w._("How did it end?"), value=None,
                                            options=[(w._(label), key) for key, label in OUTCOME_LABELS.items()],
                                            layout=widgets.Layout(width="auto"), **wide())
        self.close_note = widgets.Textarea(description=w._("Private note (optional)"),
                                           layout=widgets.Layout(width="100%", height="70px"), **wide())
        self.close_note.add_class("ms-private")
        self.open_list = widgets.HTML()
        self.open_now = pd.DataFrame(columns=["id", "group", "date", "parties"])  # the group's, as last shown

        self.session = Session(ledger, self.level, self.draft, present=None, warn=self._same_parties_open,
                               controls=[self.parties, self.description, *self.steps, self.outcome, self.close_note],
                               kept=[self.mode, self.conflict])  # the list of open conflicts keeps its choice
        self.open_form = section(w._("Open a conflict"), self.parties.widget, self.description)
        self.close_form = section(w._("Repair and close"), self.conflict,
                                  hint(esc(w._(REPAIR_HINT))),
                                  *self.steps, self.outcome, self.close_note)
        self.forms = widgets.VBox()
        self.session.on_context(self._refresh)
        self.session.on_record(lambda _: self._refresh())
        self.mode.observe(self._show_form, "value")

        self.widget = self.session.page(section(w._("Open conflicts in this group"), self.open_list),
                                        section(w._("Step"), self.mode), self.forms)
        self._show_form()

    def draft(self):
        s = self.session
        if self.mode.value == OPEN:
            return ConflictOpened(s.group_name, s.on, parties=self.parties.value, description=self.description.value)
        if self.conflict.value is None:
            raise LedgerError(self.w._("Choose the conflict to close."))
        if self.outcome.value is None:
            raise LedgerError(self.w._("Say how it ended: resolved or unresolved."))
        return ConflictClosed(self.conflict.value, s.on, outcome=self.outcome.value, note=self.close_note.value)

    def _show_form(self, *_):
        self.forms.children = [self.open_form if self.mode.value == OPEN else self.close_form]
        self.session.record_button.description = self.w._("Open conflict") if self.mode.value == OPEN else \
            self.w._("Close conflict")

    def _same_parties_open(self) -> str:
        if self.mode.value != OPEN:
            return ""
        parties = set(self.parties.value)
        same = [row for row in self.open_now.itertuples() if set(row.parties.split(", ")) == parties]
        w = self.w
        return w._("%(people)s already have a conflict open here, opened %(day)s. Record a new one only if this "
                   "is something else.", people=_between(same[0].parties, w), day=w.date(same[0].date, "medium")) \
            if same else ""

    def _refresh(self):
        self.parties.set_names(self.session.members())
        w, group = self.w, self.session.group.value
        self.open_now = conflicts = self.ledger.table("open_conflicts", group) if group else self.open_now.iloc[:0]
        chosen = self.conflict.value
        self.conflict.options = [(w._("— choose —"), None)] + [
            (w._("%(people)s — opened %(day)s (%(group)s)", people=_between(p, w), day=w.date(d, "medium"), group=g),
             int(i)) for i, g, d, p in
            zip(conflicts["id"], conflicts["group"], conflicts["date"], conflicts["parties"])]
        ids = [int(i) for i in conflicts["id"]]
        # With only one conflict open there is nothing to choose: it is the one being closed.
        self.conflict.value = chosen if chosen in ids else ids[0] if len(ids) == 1 else None
        shown = pd.DataFrame({w._("Between"): conflicts["parties"].map(lambda p: _between(p, w)),
                              w._("Opened"): conflicts["date"].map(lambda d: w.date(d, "medium"))})
        self.open_list.value = html_table(shown) if len(shown) else \
            Markup("<i>%s</i>") % (w._("No open conflicts in %(group)s.", group=group) if group else
                                   w._("No open conflicts in this group."))


def _between(parties: str, w: Words) -> str:
    """"Ama, Bo, Dev" (as the ledger lists them) as people say it: "Ama, Bo and Dev"."""
    return w.list(parties.split(", "))
