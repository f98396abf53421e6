"""Level 5 · Co-owners: ventures members have formally set up and own together."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ...apps.controls import Checklist, section, wide
from ...apps.markup import esc, html_table
from ...apps.session import Session
from ...ledger import Ledger
from . import LEVEL, Venture

# What the page says to the facilitator.
LEGAL_FORMS = ["company", "association", "co-op", "savings pool", "lending circle", "livelihood pod"]


class CoOwnersApp:
    """Level 5's page: a venture members set up and own together."""

    level = LEVEL

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.name = widgets.Text(description="Venture name", continuous_update=False,
                                 layout=widgets.Layout(width="460px"), **wide())
        self.form = widgets.Combobox(description="Legal form", options=LEGAL_FORMS, ensure_option=False,
                                     placeholder="e.g. co-op", continuous_update=False,
                                     layout=widgets.Layout(width="360px"), **wide())
        self.owners = Checklist("Who owns it?")
        self.ventures = widgets.HTML()

        self.session = Session(ledger, self.level, self.draft, controls=[self.name, self.form, self.owners],
                               present=None, date_label="Date of incorporation", hosts=False)
        self.session.on_context(self._refresh)
        self.session.on_record(lambda _: self._show_ventures())

        venture_box = section("The venture", widgets.HBox([self.name, self.form]), self.owners.widget)
        self.widget = self.session.page(venture_box,
                                        section("This group's ventures", self.ventures))

    def draft(self):
        s = self.session
        return Venture(s.group_name, s.on, name=self.name.value, form=self.form.value, owners=self.owners.value)

    def _refresh(self):
        self.owners.set_names(self.session.members())
        self._show_ventures()

    def _show_ventures(self):
        group = self.session.group.value
        found = (self.ledger.table("ventures", group) if group
                 else pd.DataFrame(columns=["venture", "form", "date", "owners"]))
        shown = pd.DataFrame({"Venture": found["venture"], "Legal form": found["form"],
                              "Since": pd.to_datetime(found["date"]).dt.strftime("%Y-%m-%d"), "Owners": found["owners"]})
        self.ventures.value = html_table(shown) if len(shown) else \
            f"<i>{esc(group or 'This group')} has no ventures recorded yet.</i>"
