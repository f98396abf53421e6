"""What member pages show of the ledger at one revision, worked out once however many phones ask.

Every function here reads the ledger and may wait on it: the server calls them in worker threads,
never on its event loop. Results are cached by the ledger's revision, which changes with every write,
so a cached answer is never an old one.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field

import pandas as pd

from .. import charts, export, i18n
from ..values import clean_name, name_key

PHONE_CHART_WIDTH = 300  # px of plot: with its axis and legend, the picture fits a phone held upright


@functools.cache
def _ledger():
    """The server's ledger (``$MICROSOLIDARITY_LEDGER``), opened once for all member pages."""
    from ..ledger import Ledger

    return Ledger.open()


@dataclass(frozen=True)
class Standing:
    """What member pages show of the ledger at one revision."""

    points: pd.DataFrame                    # by member, group and level
    roster: list[tuple[str, list[str]]]     # (group, members) for every group, in the ledger's order
    pools: list[tuple[str, list[str]]]      # (congregation, the people of its pool) for every congregation

    def names(self) -> dict[str, str]:
        """Everyone a phone may speak for, by name key: crews' members and pools' people."""
        return {name_key(m): m for _, people in self.roster + self.pools for m in people}


def now(ledger=None) -> Standing:
    ledger = ledger or _ledger()
    return standing(ledger, ledger.revision())


@functools.lru_cache(maxsize=2)
def standing(ledger, revision: tuple[int, int]) -> Standing:
    """Everyone's points, the rosters and the pools as ``ledger`` is at ``revision``: worked out once
    however many phones ask (scoring the whole history takes far longer than a page), and again after
    anything is recorded."""
    from ..congregation import Congregation

    points = ledger.points().groupby(["member", "group", "level"], as_index=False)["points"].sum()
    groups = ledger.groups()
    pools = [(c, list(Congregation(ledger, c).pool()["name"])) for c in Congregation.names(ledger)]
    return Standing(points, [(g, list(m)) for g, m in zip(groups["group"], groups["members"])], pools)


def spelled(ledger, name: str) -> str:
    """A name as the ledger holds it (a person already known keeps their spelling)."""
    typed = clean_name(name, "person's name")
    return ledger.member_name(typed) or typed


@functools.lru_cache(maxsize=64)
def group_today(ledger, group: str, revision: tuple[int, int], today: dt.date) -> tuple[list[str], pd.DataFrame]:
    """Who checked in for ``group`` today and what its members sent from their phones, as the ledger
    is at ``revision``: read once for all the group's phones."""
    return ledger.check_ins(group, today), ledger.proposals(group, today)


@functools.lru_cache(maxsize=2)
def trust_at(ledger, revision: tuple[int, int]) -> pd.DataFrame:
    """Every group's trust over time as the ledger is at ``revision``, scored once for all crews."""
    return ledger.trust_over_time()


def crew_chart(ledger, group: str, revision: tuple[int, int], w: i18n.Words | None = None) -> str:
    """The group's trust over time as an SVG picture for a phone (drawn in the server, no script), its
    title in ``w``'s language (the facilitator's by default).

    Drawn again only when the group's figures change: a check-in or another crew's round changes the
    ledger's revision but not this picture, and drawing takes about a tenth of a second."""
    trust = trust_at(ledger, revision)
    w = w or i18n.words()
    return _drawn(w._("Trust in %(group)s over time", group=group),
                  Figures.of(trust[trust["group"] == group].reset_index(drop=True)))


@dataclass(frozen=True)
class Figures:
    """A table that is equal to (and hashes as) any other with the same contents."""

    digest: str
    frame: pd.DataFrame = field(compare=False)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "Figures":
        return cls(hashlib.sha256(pd.util.hash_pandas_object(frame).to_numpy().tobytes()).hexdigest(), frame)


@functools.lru_cache(maxsize=64)
def _drawn(title: str, figures: Figures) -> str:
    chart = charts.trust_chart(figures.frame, title=title)
    return export.chart_svg(chart, width=PHONE_CHART_WIDTH).decode("utf-8")


def prepare(ledger=None) -> None:
    """Score the ledger and draw every crew's chart as it is now, before the phones ask.

    The server calls this in a worker thread each time the ledger changes: after a record every phone
    in the room reloads at once, and the first of a crew would otherwise wait for its chart (drawing
    leaves the interpreter free, so the server goes on answering meanwhile)."""
    ledger = ledger or _ledger()
    ready_at(ledger, ledger.revision())


@functools.lru_cache(maxsize=1)
def ready_at(ledger, revision: tuple[int, int]) -> None:
    # Once per revision: the server asks every second, and an unchanged ledger needs nothing new.
    for group, _ in standing(ledger, revision).roster:
        crew_chart(ledger, group, revision)
