"""A facilitator's page switching its language in place, keeping what was typed and chosen.

Every page is built from the ledger in one language (``apps/page.py``). To speak another, the page is
built again in it and the facilitator's state is carried from the old build to the new one, which then
takes the old one's place under the same frame:

- every input on the page (texts, dropdowns, dates, ticks, radio buttons) takes the old one's value,
  the two found at the same place in the two pages' trees (the tree's shape does not depend on the
  language; each value is set as the facilitator would set it, so what follows from it follows: a
  group chosen fills in its members, a mode shows its form);
- the page's components that hold a value no input shows (a list built an entry at a time, a
  checklist) take theirs, found by the attribute that holds them (``app.offered``, ``session.present``);
- an object with its own state that is no value (a Session's last record, a timer, the turn in a
  round) says how to take it from its old self: ``carry_from(old)``, returning whether anything changed.

Values may open parts of the page that hold more values (a ticked offer lists its member for the
respect bonus), so this is repeated until nothing changes. Charts, tables and sentences are drawn by the
new build in the new language: nothing of the old one's words is kept.

The frame holds the language select, outside the page it rebuilds (the focus stays on it). Its choice
is this page's only, unless the facilitator makes it every page's: then it is kept beside the ledger
as the landing page keeps its choice, and every open page follows it (each looks at the choice's file
once a second, a ``stat`` that never waits on the ledger).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import anywidget
import ipywidgets as widgets
import traitlets

from .. import choices, i18n
from ..errors import LedgerError
from ..i18n import N_
from .controls import Status, hint
from .markup import esc
from .session import keep_looking

STATIC = Path(__file__).with_name("static")

# The inputs whose value is what the facilitator typed or chose; the text widgets a page draws are not.
DRAWN = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Valid)
# Passes over the page: each may open parts of it holding more values (enough for the deepest page).
PASSES = 5

LANGUAGE_LABEL = N_("Language of this page")
SWITCH = N_("Switch this page")
EVERYWHERE = N_("Use it on every page")
ABOUT = N_("“Switch this page” changes only this page, and keeps what you typed and chose. “Use it on every "
           "page” switches the other open pages too, and new pages open in it, as with the choice on the first "
           "page.")
EVERYWHERE_DONE = N_("Every page now opens in %(language)s; the open ones follow within a second.")


def carry(old_app, new_app) -> None:
    """Carry the facilitator's state from the page ``old_app`` to ``new_app`` (the same page, built
    again, perhaps in another language). See the module docstring."""
    for _ in range(PASSES):
        changed = _carry_tree(old_app.widget, new_app.widget)
        changed |= _carry_objects(old_app, new_app, set())
        if not changed:
            return


def _carry_tree(old: widgets.Widget, new: widgets.Widget) -> bool:
    changed = _carry_value(old, new)
    # Read again at each step: a value just carried may have changed the children of what follows.
    i = 0
    while i < min(len(getattr(old, "children", ())), len(getattr(new, "children", ()))):
        o, n = old.children[i], new.children[i]
        if _kind(o) == _kind(n):
            changed |= _carry_tree(o, n)
        i += 1
    return changed


def _kind(obj) -> tuple[str, str]:
    # By name: anywidget makes each of its widgets a class of its own, of the same name.
    return type(obj).__module__, type(obj).__qualname__


def _carry_value(old, new) -> bool:
    """One input's value, or one component's, onto its counterpart; whether it changed."""
    if hasattr(new, "carry_from"):
        return bool(new.carry_from(old))
    if isinstance(new, DRAWN) or not isinstance(new, traitlets.HasTraits) or not new.has_trait("value"):
        return False
    if isinstance(new, widgets.Widget) and not isinstance(new, widgets.ValueWidget):
        return False
    try:
        if old.value == new.value:
            return False
        new.value = old.value
    except (traitlets.TraitError, ValueError, TypeError):  # no longer among the options: the new page's stays
        return False
    return True


def _carry_objects(old, new, seen: set[int]) -> bool:
    """The state of ``old``'s attributes onto ``new``'s of the same names: inputs kept off the page,
    components, and the workbook's own objects within (a page's Session)."""
    if id(new) in seen:
        return False
    seen.add(id(new))
    changed = False
    if not isinstance(new, widgets.Widget) and hasattr(new, "carry_from"):
        changed |= bool(new.carry_from(old))
    for name, n in vars(new).items():
        o = vars(old).get(name)
        if o is None or _kind(o) != _kind(n) or name.startswith("_"):
            continue
        if isinstance(n, widgets.Widget) or (isinstance(n, traitlets.HasTraits) and n.has_trait("value")):
            changed |= _carry_value(o, n)
        elif _pages_own(n):
            changed |= _carry_objects(o, n, seen)
    return changed


def _pages_own(obj) -> bool:
    """Whether ``obj`` is one of the pages' own objects (a Session, a component, a page): the kit's, a
    level's page's or the retrospective's, not the model's (a ledger holds no state of the page)."""
    module = type(obj).__module__
    return hasattr(obj, "__dict__") and (module.startswith(__package__ + ".") or module.endswith(".page"))


class LanguageSelect(anywidget.AnyWidget):
    """A labelled select of the workbook's languages, each named in itself and marked in its own
    language (``<option lang="de">Deutsch</option>``), which ipywidgets' Dropdown cannot say."""

    _esm = STATIC / "language.js"
    _css = STATIC / "language.css"
    value = traitlets.Unicode().tag(sync=True)
    label = traitlets.Unicode().tag(sync=True)
    languages = traitlets.Dict().tag(sync=True)  # {code: its name in itself}


class FrameBox(widgets.VBox):
    """The frame's root widget. As plain text (nbval, logs) it is the page it holds, its last child: a
    review's summary stays the notebook's output with the select above it, and follows a switch."""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.children[-1]._repr_mimebundle_(**kwargs)["text/plain"]
        return bundle


class Frame:
    """A page under its language select (see the module docstring). ``first``: the page's build (its
    ``app``, ``widget`` and ``lang``, and ``close()`` for every widget it made); ``rebuild(lang)`` builds
    it again in ``lang`` (or raises ``LedgerError``); ``language_file``: where every page's language is
    kept (None: nowhere, the select switches this page only)."""

    def __init__(self, first, rebuild: Callable, language_file: Path | None):
        self.build, self.lang, self.rebuild, self.file = first, first.lang, rebuild, language_file
        self.select = LanguageSelect(languages=dict(i18n.LANGUAGES), value=self.lang)
        self.switch = widgets.Button()
        self.everywhere = widgets.Button()
        self.about = hint("")
        self.status = Status()
        bar = widgets.VBox([widgets.HBox([self.select, self.switch, self.everywhere]), self.about, self.status.widget])
        bar.add_class("ms-language-bar")
        self.widget = FrameBox([bar, first.widget])
        self.widget.add_class("ms-frame")
        self._say()
        self.switch.on_click(lambda _: self.switch_to(self.select.value))
        self.everywhere.on_click(lambda _: self.use_everywhere())
        self._default = self._default_now()
        keep_looking(self.widget, self.follow_default)

    def _say(self) -> None:
        """The frame's own words in the page's language, and the page's language for ``<html lang>``."""
        w = i18n.words(self.lang)
        self.select.label = w._(LANGUAGE_LABEL)
        self.switch.description, self.everywhere.description = w._(SWITCH), w._(EVERYWHERE)
        self.about.value = str(esc(w._(ABOUT)))
        self.status.w = w
        self.widget._dom_classes = tuple(c for c in self.widget._dom_classes if not c.startswith("ms-lang-")) + (
            f"ms-lang-{w.tag}",)

    def switch_to(self, lang: str) -> None:
        """This page in ``lang``, with everything typed and chosen on it kept."""
        lang = i18n.known(lang)
        if lang is None or lang == self.lang:
            return
        self.status.clear()
        # The kernel is this page's alone: its language is the page's (the model's refusals follow it too).
        before = i18n.default_language()
        choices.speak(lang)
        try:
            build = self.rebuild(lang)
        except LedgerError as exc:  # the page stays as it was, in its language, and says why
            choices.speak(before)
            self.status.error(exc, nothing_recorded=False)
            return
        carry(self.build.app, build.app)
        old, self.build, self.lang = self.build, build, lang
        self.select.value = lang
        self.widget.children = [self.widget.children[0], build.widget]
        self._say()
        old.close()

    def use_everywhere(self) -> None:
        """The chosen language on this page and every other: kept beside the ledger, as the landing page keeps it."""
        self.switch_to(self.select.value)
        if self.file is not None and choices.choose_language(self.file, self.lang):
            self._default = self._default_now()
            w = i18n.words(self.lang)
            self.status.ok(w._(EVERYWHERE_DONE, language=i18n.LANGUAGES[self.lang]))

    def _default_now(self) -> tuple[float | None, str | None]:
        if self.file is None:
            return None, None
        try:
            mtime = self.file.stat().st_mtime
        except OSError:
            return None, None
        return mtime, choices.language(self.file)

    def follow_default(self) -> None:
        """Take the language made every page's since the last look (on the landing page or another page)."""
        if self.file is None:
            return
        try:
            mtime = self.file.stat().st_mtime
        except OSError:
            return
        if mtime == self._default[0]:
            return
        lang = choices.language(self.file)
        changed = lang != self._default[1]
        self._default = (mtime, lang)
        if changed and lang is not None:
            self.switch_to(lang)
