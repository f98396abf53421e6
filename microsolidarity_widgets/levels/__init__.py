"""The levels of the Reciprocity Game: each a folder of this package, and the registry that finds them.

A level's folder holds everything of the level (docs/architecture.md, "Adding a level"): its events
with their rules, role words and the sentence that names a record; its award rule and points; its
ties for the network chart; its prompts, its landing card, its page, its phone form and its review
chart. The folder's ``__init__`` ends with ``LEVEL = register(Level(...))``, and this package imports
every folder it holds, so a level added here touches no line outside its folder; a level kept
elsewhere (a crew's own notebook, a test) is the one line ``levels.register(Level(...))``.

``Level``'s fields are its hooks; those a level may leave out have defaults (no ties, no phone
form, no review chart of its own, the ``about`` line as its landing card). The core (ledger,
session, member pages, review, landing) asks ``all_levels()`` and names none of them.

Plain Python and pandas, no widgets: a crew's own notebook can read it (a page is imported only
when asked for, by ``Level.app()``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

import pandas as pd

from .. import i18n
from ..errors import LedgerError
from ..rules import Event
from ..scoring import History, Pairs

if TYPE_CHECKING:
    import altair as alt

    from ..ledger import Ledger
    from ..review import ReviewData, Selection


@dataclass(frozen=True)
class PhoneForm:
    """What a level lets members send from their phones while its page is open for their group.

    ``template``: a Jinja2 template in the level's folder, rendered inside the member page's "Today"
    section for each of the member's groups (it is given ``group``, ``n``, ``hidden``, ``prefix`` and
    ``action``, the address it posts to); ``route``: that address under ``m/``; ``event(who, said)``:
    the event the form records, ``said(name)`` reading a field of the form (``""`` when missing);
    ``typed``: how the page names each field when it shows back what a member typed; ``values``:
    what else its template reads, as ``form.<name>`` (money's kinds of offer)."""

    template: str
    route: str
    event: Callable[[str, Callable[[str], str]], Event]
    failed: str = "Not sent"
    typed: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewChart:
    """A chart of a level's own in the trust review (and its exports, as ``<key>.png``/``.svg``):
    ``draw(data, selection, colours, title)`` returns it, ``alt.Chart``. ``draw`` may be given as
    "module:function" (a ``chart.py`` in the level's folder, drawn with ``charts``' helpers), imported
    only when the review asks: the charts read the levels, so the level's model cannot import them."""

    key: str
    title: str
    draw: Callable[["ReviewData", "Selection", dict, str], "alt.Chart"] | str

    def drawn(self, data: "ReviewData", sel: "Selection", colours: dict) -> "alt.Chart":
        draw = self.draw
        if isinstance(draw, str):
            module, name = draw.split(":")
            draw = getattr(importlib.import_module(module), name)
        return draw(data, sel, colours, self.title)


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    colour: str                     # the level's colour in charts; see tests/test_palettes.py
    events: tuple[type[Event], ...]  # what is recorded at this level (its page's undo voids these)
    points: Mapping[str, object]    # the point values of docs/rules.md, by what earns them
    # How the level scores, as a page says it (trusted HTML, marked with N_ for translation): %(name)s is
    # replaced by points[name] said in points, %(name1)s… by each of a tuple's (a level kept outside
    # the catalogs may write {name} and {name[0]}).
    words: str
    award: Callable[[History, "Level"], list[pd.DataFrame]] = field(repr=False, compare=False)
    page: str | None = None         # its workbook page, e.g. "02_listening"
    about: str = ""                 # one line on what is played at this level (the phones show it)
    # What the round asks of the people in it (plain text: pages escape it, a checkbox shows it as it
    # is): its page shows them, and so does each member's phone while the facilitator has the page open
    # for their group.
    prompts: tuple[str, ...] = ()
    # --- hooks with defaults --------------------------------------------------------------------
    folder: Path | None = None      # where its page, phone template and other files are
    app: str | None = None          # its page's class, "module:Class" (imported only when asked for)
    card: str = ""                  # the landing page's blurb for its page (default: ``about``)
    # Its ties for the network chart: {tie kind: how the review counts them ("meetings together")},
    # and ``tie(pairs)``, the frames of ``Pairs.pairs`` it finds, in that order.
    tie_words: Mapping[str, str] = field(default_factory=dict)
    tie: Callable[[Pairs], list[pd.DataFrame]] | None = field(default=None, repr=False, compare=False)
    directed_ties: tuple[str, ...] = ()  # its tie kinds that go one way (an offer, to the speaker)
    phone: PhoneForm | None = field(default=None, repr=False, compare=False)
    # A chart of its own for the trust review (None: only the review's shared charts, where the level
    # has its colour and its legend entry).
    review_chart: ReviewChart | None = field(default=None, repr=False, compare=False)
    # Its own tables of what was recorded, by name ({"attendance": make}): ``make(ledger)`` reads the
    # ledger's public API and gives one row per thing, with its "group" by name. A page, the review or a
    # crew's notebook reads one as ``ledger.table("attendance", group)``; the ledger names no level.
    tables: Mapping[str, Callable[["Ledger"], pd.DataFrame]] = field(default_factory=dict, repr=False, compare=False)
    # The reasons its award rule gives, each a message marked N_ and given in English: that English is
    # the award's key (the points table's ``reason``, the same in every language, as exports keep it),
    # and ``reason_words`` says it in the reader's language at display time. A message with %(num)s
    # is given with a number ("attended meeting #12"); a reason not listed is shown as it is.
    reasons: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(e.kind for e in self.events)

    @property
    def label(self) -> str:
        """How charts and tables name it: "2 Money", in the language spoken when they are drawn (the
        name is kept in English, N_, and said at display time: a chart redraws in the page's language)."""
        return f"{self.number} {i18n._(self.name)}"

    @property
    def scoring(self) -> str:
        """``words`` with the level's own point values in them, in the facilitator's language."""
        return self.scoring_in(i18n.words())

    def scoring_in(self, w: i18n.Words) -> str:
        """``words`` with the level's own point values in them, in ``w``'s language."""
        said = {}
        for k, v in self.points.items():
            said[k] = tuple(_points(n, w) for n in v) if isinstance(v, tuple) else _points(v, w)
            if isinstance(v, tuple):
                said.update({f"{k}{i}": p for i, p in enumerate(said[k], 1)})
        text = w._(self.words)
        return text % said if "%(" in text else text.format(**said)

    def ties(self, pairs: Pairs) -> list[pd.DataFrame]:
        return self.tie(pairs) if self.tie else []

    def landing_card(self, w: i18n.Words | None = None) -> tuple[str, str, str]:
        """("Level 1", "Listening", blurb): how the landing page lists its page, in ``w``'s language
        (the facilitator's by default)."""
        w = w or i18n.words()
        return w._("Level %(number)s", number=self.number), w._(self.name), w._(self.card or self.about)

    def page_class(self):
        """Its page's class (imports ipywidgets: only pages ask)."""
        if self.app is None:
            raise LedgerError(f"Level {self.number} has no page.")
        module, name = self.app.split(":")
        return getattr(importlib.import_module(module), name)


_LEVELS: dict[int, Level] = {}


def register(level: Level) -> Level:
    """Add a level to the game. Its number and event kinds must be new."""
    if level.number in _LEVELS:
        raise LedgerError(f"There is already a level {level.number} ({_LEVELS[level.number].name}).")
    taken = {kind: lv.name for lv in _LEVELS.values() for kind in lv.kinds}
    for kind in level.kinds:
        if kind in taken:
            raise LedgerError(f"The event kind “{kind}” already belongs to the level {taken[kind]}.")
    _LEVELS[level.number] = level
    return level


def unregister(number: int) -> None:
    """Take a level out of the game again (for a level tried out in a test or a crew's notebook)."""
    _LEVELS.pop(number, None)


def all_levels() -> list[Level]:
    """Every level, in playing order."""
    return [_LEVELS[n] for n in sorted(_LEVELS)]


def get(number: int) -> Level:
    try:
        return _LEVELS[int(number)]
    except (KeyError, TypeError, ValueError):
        raise LedgerError(f"There is no level {number}; the levels are {', '.join(map(str, sorted(_LEVELS)))}.") from None


def numbers() -> list[int]:
    return sorted(_LEVELS)


def labels() -> dict[int, str]:
    """{number: "1 Listening", …}: the review's legend and the exports' column names."""
    return {lv.number: lv.label for lv in all_levels()}


def colours() -> list[str]:
    return [lv.colour for lv in all_levels()]


def level_of_kind() -> dict[str, int]:
    """{event kind: level number} for every kind that belongs to a level."""
    return {kind: lv.number for lv in all_levels() for kind in lv.kinds}


def tie_words() -> dict[str, str]:
    """{tie kind: how the review counts them}, level by level: the network chart's kinds, in order."""
    return {kind: words for lv in all_levels() for kind, words in lv.tie_words.items()}


def directed_ties() -> list[str]:
    """The tie kinds that go from one member to another (the review counts them given and received)."""
    return [kind for lv in all_levels() for kind in lv.directed_ties]


def tables() -> dict[str, Callable[["Ledger"], pd.DataFrame]]:
    """{name: make} of every level's own tables (``Level.tables``), level by level."""
    return {name: make for lv in all_levels() for name, make in lv.tables.items()}


def table(name: str) -> Callable[["Ledger"], pd.DataFrame]:
    """The level table called ``name``, or ``LedgerError`` naming the tables there are."""
    found = tables()
    if name not in found:
        raise LedgerError(f"There is no table “{name}”; the levels keep {', '.join(sorted(found)) or 'none'}.")
    return found[name]


def reason_words(reason: str, w: i18n.Words | None = None) -> str:
    """An award's ``reason`` (its English key, ``Level.reasons``) in ``w``'s language, the facilitator's by
    default: "attended meeting #12" is "beim 12. Treffen dabei" in German, its number in the language's
    digits. A reason no level lists is said as it is."""
    w = w or i18n.words()
    for lv in all_levels():
        for message in lv.reasons:
            if message == reason:
                return w._(message)
            if "%(num)s" in message:
                found = re.fullmatch(re.escape(message).replace(re.escape("%(num)s"), r"(\d+)"), reason)
                if found:
                    return w._(message, num=w.number(int(found[1])))
    return reason


def phone_forms() -> list[Level]:
    """The levels members can send something to from their phones."""
    return [lv for lv in all_levels() if lv.phone is not None]


def phone_template(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    """A level's phone template by the name the member pages include it under, "level/<number>/<file>"
    (a ``jinja2.FunctionLoader``'s answer: source, file name, whether it is still up to date)."""
    parts = name.split("/")
    if len(parts) != 3 or parts[0] != "level" or not parts[1].isdigit() or int(parts[1]) not in _LEVELS:
        return None
    level = _LEVELS[int(parts[1])]
    if level.folder is None or level.phone is None or parts[2] != level.phone.template:
        return None
    path = level.folder / parts[2]
    return path.read_text(encoding="utf-8"), str(path), lambda: True


def cards(w: i18n.Words | None = None) -> dict[str, tuple[str, str, str]]:
    """{notebook file: (kicker, title, blurb)} for every level with a page: the landing page's cards."""
    return {f"{lv.page}.ipynb": lv.landing_card(w) for lv in all_levels() if lv.page}


def _points(n: int, w: i18n.Words) -> str:
    n = abs(n)  # the words say "costs" or "loses" where the points are negative
    return "<b>" + w.ngettext("%(num)s point", "%(num)s points", n) + "</b>"


# Every folder of this package is a level that registers itself as it is imported.
for _found in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_found.name}")
