"""Level 5, Co-owners: ventures members have formally set up and own together.

Everything of the level is here: its event and rule, its award and ties, its words, prompts and
card, how a record of it is named (by the venture's name); its page is ``page.py`` (docs/rules.md,
"Level 5").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import rules
from ...errors import LedgerError
from ...i18n import N_, _
from ...rules import Entry, InGroup, Names, Part, State
from ...scoring import History, Pairs
from ...values import clean_name, name_key
from .. import Level, register

OWNER = "owner"                # each member who co-owns the venture
NAME, FORM = "name", "form"    # what the venture's record says: its name and its legal form
VENTURE_TIE = "venture"


def record_venture(state: State, group, on, name, form, owners) -> Entry:
    """Members who formally co-own a venture."""
    g = state.group(group)
    on = rules.dated(state, g, on)
    title = clean_name(name, "venture name")
    form = clean_name(form, "legal form")
    names = rules.in_group(state, g, on, owners, "owner")
    if len(names) < 2:
        raise LedgerError(_("A venture needs at least 2 owners from the group."))
    if any(name_key(r.data[NAME]) == name_key(title) for r in state.live(Venture.kind, g.id)):
        raise LedgerError(_("%(group)s already has a venture called “%(name)s”.", group=g.name, name=title))
    return Entry(Venture.kind, on, group=g.name, data={NAME: title, FORM: form}, parts=[Part(n, OWNER) for n in names])


@dataclass(frozen=True)
class Venture(InGroup):
    """Level 5: a venture members formally set up and own together."""

    kind = "venture"
    name: str
    form: str
    owners: Names
    rule = record_venture
    roles = {OWNER: N_("owners")}
    # A group's ventures have names of their own (rules.history_problems).
    once = ("two ventures", lambda on, ref_id, called: name_key(called or ""),
            N_("{group} would have two ventures called “{called}”"))

    @classmethod
    def told(cls, row) -> str:
        return f"{super().told(row)} “{row['data'][NAME]}”"


CO_OWNS = N_("co-owns a venture")  # the award's reason (its key, in English; ``Level.reasons``)


def _award(h: History, level: Level) -> list[pd.DataFrame]:
    return [h.award(h.roles(h.of_kind(Venture.kind), OWNER), level, level.points["owner"], CO_OWNS)]


def _ties(t: Pairs) -> list[pd.DataFrame]:
    return [t.pairs(t.same_event(t.named(OWNER, t.of_kind(Venture.kind))), VENTURE_TIE)]


def _ventures(ledger) -> pd.DataFrame:
    """Every venture (voided ones left out), as ``ledger.table("ventures")``: id, group, date, venture,
    form, owners."""
    ev = ledger.events()
    out = ev[(ev["kind"] == Venture.kind) & ~ev["voided"]]
    return pd.DataFrame({"id": out["id"], "group": out["group"], "date": out["date"],
                         "venture": out["data"].str["name"], "form": out["data"].str["form"],
                         "owners": out["members"]}).reset_index(drop=True)


LEVEL = register(Level(
    5, N_("Co-owners"), "#332288", events=(Venture,), points={"owner": 100}, award=_award, page="06_co_owners",
    tables={"ventures": _ventures}, reasons=(CO_OWNS,),
    folder=Path(__file__).parent, app=f"{__name__}.page:CoOwnersApp",
    about=N_("Ventures members have formally set up and own together."),
    card=N_("Record a venture that members have set up and own together."),
    prompts=(N_("What could we build or hold together that none of us could alone?"),
             N_("Which legal form fits it: a company, an association, a co-op, a savings pool, a lending circle, "
                "a livelihood pod, or something else?"),
             N_("Who will be an owner, and how will the owners decide together?")),
    words=N_("<b>How Level 5 scores.</b> Each owner of a venture the group has formally set up together gets "
             "%(owner)s, once per venture."),
    tie_words={VENTURE_TIE: N_("ventures co-owned")}, tie=_ties))
