"""Showing an app in a notebook or a Voilà page, preheated kernels included.

Voilà can start a page's kernel before anyone asks for the page ("preheating"): the notebook runs
until ``wait_for_request()`` and waits there for a visitor. The page is built before that wait, so
the visitor does not wait for the ledger to be read and a hundred-odd widgets to be made. It must
still show the ledger as it is when opened, not as it was when the kernel started: after the wait
it is built again if anyone wrote to the ledger meanwhile (the ledger's revision changed), the
day changed (date pickers start at today), the facilitator chose another group on another page or
another language on the landing page; the widgets of the first build are closed, so the browser is
not sent them too. The points per group the notebook prints after the page are worked out ahead in
the same way. Outside a preheated Voilà kernel (JupyterLab, nbval) the wait returns at once and the
first build is the one shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
from typing import Callable

import ipywidgets as widgets
from IPython.display import display
from .. import charts, choices, i18n
from ..errors import LedgerError
from ..ledger import Ledger
from . import last_group
from .controls import Status
from .markup import STYLE
from .session import points_by_group


def wait_for_request() -> None:
    """Voilà's ``wait_for_request``, in a preheated kernel only. Importing ``voila`` loads its whole server
    extension (jupyter_server, Tornado's web stack): 1.8 s of a page kernel's 4.2 s of imports, spent on every
    page opened without preheating, and in every notebook run elsewhere, for a wait that returns at once."""
    if os.environ.get("VOILA_PREHEAT", "False") == "False":  # voila.utils.ENV_VARIABLE.VOILA_PREHEAT's test
        return
    from voila.utils import wait_for_request as wait

    wait()


@functools.cache
def kernel_ledger() -> Ledger:
    """The ledger this kernel works on: ``$MICROSOLIDARITY_LEDGER`` or the default, opened once."""
    return Ledger.open()


def show(build: Callable[[Ledger], object]) -> None:
    """Display ``build(ledger).widget``, or a plain-words message if the ledger cannot be opened.

    The page's notebook prints ``group_points(level)`` next (``build.level``, the page's level, if it has
    one); it is worked out before the visitor arrives too.
    """
    level = getattr(build, "level", None)
    with contextlib.suppress(LedgerError):  # the page itself says why in plain words
        group_points(level.number if level else None)
    display(fresh_page(build, _cannot_open))


def group_points(level: int | None = None) -> str:
    """Points per group so far (at one level, or in all), as plain text."""
    ledger = kernel_ledger()
    return _group_points(ledger, ledger.revision(), level)


@functools.lru_cache(maxsize=8)
def _group_points(ledger: Ledger, revision: tuple[int, int], level: int | None) -> str:
    return points_by_group(ledger, level)


def cannot_open(what: str, exc: LedgerError, root: type[widgets.Box] = widgets.VBox) -> widgets.Box:
    """What a page shows in place of itself when its ledger cannot be read: why, in plain words, in the
    pages' own message area (announced to screen readers). ``what``: a sentence saying which page cannot
    open its ledger, in the page's language."""
    status = Status()
    status.error(f"{what} {exc}", nothing_recorded=False)
    return root([widgets.HTML(STYLE), status.widget])


def _cannot_open(exc: LedgerError) -> widgets.Widget:
    return cannot_open(i18n.words()._("The workbook cannot open its ledger."), exc)


def fresh_page(build: Callable[[Ledger], object], cannot_open: Callable[[LedgerError], widgets.Widget],
               ledger: Ledger | None = None) -> widgets.Widget:
    """``build(ledger).widget`` as the ledger is when the visitor arrives, built ahead of them when
    nothing changed meanwhile; ``cannot_open(error)`` when the ledger cannot be read.

    ``ledger`` defaults to ``kernel_ledger()``.
    """
    charts.enable_offline_charts()
    early = Build(build, ledger)
    wait_for_request()
    if early.current():
        return speaking(early.widget)
    early.close()
    # Let go of the stale build before the next one reads the ledger: its widgets hold it in
    # reference cycles that only a collection frees, and a review holds the whole history.
    del early
    gc.collect()
    late = Build(build, ledger)
    if late.error is not None:
        late.close()
        return cannot_open(late.error)
    return speaking(late.widget)


def speaking(widget: widgets.Widget) -> widgets.Widget:
    """The page's root widget, saying which language it speaks (the page template sets ``<html lang>``
    from it, since a page rendered ahead of the choice cannot know it)."""
    widget.add_class(f"ms-lang-{i18n.words().tag}")
    return widget


class Build:
    """One build of a page: its root widget (or the error that stopped it), every widget it made,
    and the ledger revision and day it was built for."""

    def __init__(self, build: Callable[[Ledger], object], ledger: Ledger | None = None):
        self.made: list[widgets.Widget] = []
        self.widget: widgets.Widget | None = None
        self.error: LedgerError | None = None
        self.on = dt.date.today()
        with _collecting(self.made):
            try:
                self.ledger = ledger or kernel_ledger()
                # Read before building: a write landing during the build makes it stale, never lost.
                self.revision = self.ledger.revision()
                self.group = last_group.remembered(self.ledger)  # the group it opens on
                # The language chosen on the landing page, this kernel's from now on: the page, its charts
                # and the model's messages all say their words in it.
                self.language_file = choices.language_file(self.ledger.store)
                self.lang = choices.speak_chosen(self.language_file)
                self.widget = build(self.ledger).widget
            except LedgerError as exc:
                if ledger is None:
                    kernel_ledger.cache_clear()  # the next build opens it afresh, once it is fixed
                self.error = exc

    def current(self) -> bool:
        """Whether this build still shows the ledger, the day, the group last worked on and the language
        chosen as they are now."""
        if self.error is not None or self.on != dt.date.today():
            return False
        try:
            return (self.ledger.revision() == self.revision and last_group.remembered(self.ledger) == self.group
                    and choices.language(self.language_file) in (None, self.lang))
        except LedgerError:
            return False  # a new build will say why in plain words

    def close(self) -> None:
        """Close every widget this build made, those not (or no longer) on the page included."""
        for widget in self.made:
            widget.close()
        self.made.clear()


@contextlib.contextmanager
def _collecting(made: list[widgets.Widget]):
    """Collect every widget constructed inside the block: walking a page's children would miss the
    parts a page keeps aside until asked for (e.g. the form for closing a conflict)."""
    before = widgets.Widget._widget_construction_callback  # ipywidgets offers no getter; usually None

    def constructed(widget):
        made.append(widget)
        if before is not None:
            before(widget)

    widgets.Widget.on_widget_constructed(constructed)
    try:
        yield made
    finally:
        widgets.Widget.on_widget_constructed(before)
