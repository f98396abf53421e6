"""Level 5 · Co-owners: ventures members have formally set up and own together."""

from __future__ import annotations

import ipywidgets as widgets
from markupsafe import Markup
import pandas as pd

from ...apps.controls import Checklist, section, wide
from ...apps.markup import html_table
from ...apps.session import Session
from ...i18n import N_, words
from ...ledger import Ledger
from . import LEVEL, Venture

# What the page suggests to the facilitator (a form is typed text: the ledger keeps it as said).
LEGAL_FORMS = [N_("company"), N_("association"), N_("co-op"), N_("savings pool"), N_("lending circle"),
               N_("livelihood pod")]


class CoOwnersApp:
    """Level 5's page: a venture members set up and own together."""

    level = LEVEL

    def __init__(self, ledger: Ledger):
        w = self.w = words()
        self.ledger = ledger
        self.name = widgets.Text(description=w._("Venture name"), continuous_update=False,
                                 layout=widgets.Layout(width="460px"), **wide())
        self.form = widgets.Combobox(description=w._("Legal form"), options=[w._(f) for f in LEGAL_FORMS],
                                     ensure_option=False, placeholder=w._("e.g. co-op"), continuous_update=False,
                                     layout=widgets.Layout(width="360px"), **wide())
        self.owners = Checklist(w._("Who owns it?"))
        self.ventures = widgets.HTML()

        self.session = Session(ledger, self.level, self.draft, controls=[self.name, self.form, self.owners],
                               present=None, date_label=w._("Date of incorporation"), hosts=False)
        self.session.on_context(self._refresh)
        self.session.on_record(lambda _: self._show_ventures())

        venture_box = section(w._("The venture"), widgets.HBox([self.name, self.form]), self.owners.widget)
        self.widget = self.session.page(venture_box,
                                        section(w._("This group's ventures"), self.ventures))

    def draft(self):
        s = self.session
        return Venture(s.group_name, s.on, name=self.name.value, form=self.form.value, owners=self.owners.value)

    def _refresh(self):
        self.owners.set_names(self.session.members())
        self._show_ventures()

    def _show_ventures(self):
        w, group = self.w, self.session.group.value
        found = (self.ledger.table("ventures", group) if group
                 else pd.DataFrame(columns=["venture", "form", "date", "owners"]))
        shown = pd.DataFrame({w._("Venture"): found["venture"], w._("Legal form"): found["form"],
                              w._("Since"): pd.to_datetime(found["date"]).map(lambda d: w.date(d, "medium")),
                              w._("Owners"): found["owners"].map(lambda o: w.list(o.split(", ")))})
        self.ventures.value = html_table(shown) if len(shown) else \
            Markup("<i>%s</i>") % (w._("%(group)s has no ventures recorded yet.", group=group) if group else
                                   w._("This group has no ventures recorded yet."))
