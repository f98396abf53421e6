"""The controls kit every page is built from: sections, hints, the main button, the message area,
a form's declaration, and the components the level pages share (a checklist of members, a dropdown
that always shows its value, a member to choose, a list built an entry at a time, today's hosts).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable

import ipywidgets as widgets
import traitlets

from .. import i18n, rules
from ..errors import LedgerBusy, LedgerError
from ..i18n import N_
from ..ledger import Ledger
from . import texts
from .markup import empty, esc, html_list, snippet

def section(title: str, *children: widgets.Widget) -> widgets.VBox:
    heading = widgets.HTML(snippet("heading", title=title))
    heading.add_class("ms-section-title")
    box = widgets.VBox([heading, *children])
    box.add_class("ms-section")
    return box


def hint(markup: str) -> widgets.HTML:
    """A fixed guide text: trusted markup (a template's, or a text escaped with ``markup.esc``)."""
    w = widgets.HTML(str(markup))
    w.add_class("ms-hint")
    return w


def primary(description: str, **kwargs) -> widgets.Button:
    """A form's main action (Record, Create crew, Prepare downloads): the same big green button on every page."""
    button = widgets.Button(description=description, button_style="success", **kwargs)
    button.add_class("ms-primary")
    return button


def wide(**extra) -> dict:
    # An empty tooltip rather than none: ipywidgets 8's label sets its title to the tooltip as it is, and
    # showed "null" on hovering, and to screen readers, beside every described control.
    return {"style": {"description_width": "initial"}, "tooltip": "", **extra}


def date_picker(description: str) -> widgets.DatePicker:
    return widgets.DatePicker(description=description, value=dt.date.today(), **wide())


def chosen(picker: widgets.DatePicker, what: str | None = None) -> dt.date:
    """The picked date; a cleared picker is refused ("Choose ``what``.", ``what`` said in the page's
    language; "the date" by default) rather than read as today (which the API takes a missing date for)."""
    if picker.value is None:
        w = i18n.words()
        raise LedgerError(w._("Choose %(what)s.", what=what) if what else w._("Choose the date."))
    return picker.value


def points_word(n: int, w: i18n.Words | None = None) -> str:
    """``+2 points``, ``-1 point``: the sign always shown, the word in the language's plural."""
    w = w or i18n.words()
    return w.ngettext("%(signed)s point", "%(signed)s points", abs(n), signed=("+" if n >= 0 else "-") + w.number(abs(n)))


class Status:
    """The page's message area: recorded (green), refused (red) or neutral, announced to screen readers."""

    def __init__(self, w: i18n.Words | None = None):
        self.w = w or i18n.words()
        self.widget = widgets.HTML()
        self.widget.add_class("ms-status")
        self.kind, self.text = None, ""

    def _show(self, kind: str, text: str) -> None:
        self.kind, self.text = kind, text
        role = "alert" if kind == "error" else "status"
        # The widget's own box is the live region (the page template marks it so before any message).
        self.widget.value = snippet("message", kind=kind, role=role, text=text)

    def ok(self, text: str) -> None:
        self._show("ok", text)

    def info(self, text: str) -> None:
        self._show("info", text)

    def error(self, exc: LedgerError | str, nothing_recorded: bool = True) -> None:
        text = str(exc)
        if isinstance(exc, LedgerBusy):
            text = self.w._("%(refusal)s (Someone else is saving right now.)", refusal=text)
        nothing = self.w._("Nothing was recorded.")
        if nothing_recorded and nothing.rstrip(".") not in text:
            text = self.w._("Nothing was recorded. %(refusal)s", refusal=text)
        self._show("error", text)

    def clear(self) -> None:
        self.kind, self.text = None, ""
        self.widget.value = ""


class Form:
    """A form's controls, declared once. ``reset()`` puts the ``controls`` back to the values they had
    when declared; the ``kept`` stay as they are (a group, a date, a setting). A change to any of them
    calls ``changed()``: a level page's Session drafts its event again, the crew and congregation pages
    take the form's message away (it was about the form as it was). A control is a widget or a
    component with a ``value`` and ``observe(callback, names="value")``."""

    def __init__(self, controls: Iterable = (), kept: Iterable = (), *, changed: Callable[[], None]):
        controls = list(controls)
        self._declared = [(control, control.value) for control in controls]
        for control in [*controls, *kept]:
            control.observe(lambda _: changed(), names="value")

    def reset(self) -> None:
        for control, value in self._declared:
            control.value = value


class Checklist(traitlets.HasTraits):
    """One checkbox per member; ``value`` is the names ticked, in the list's order. Earlier ticks stay
    when the list of names changes. Observed like a widget: ``observe(callback, names="value")``."""

    value = traitlets.List(traitlets.Unicode())

    def __init__(self, label: str, ticked: bool = False):
        super().__init__()
        self.ticked_by_default = ticked
        self.label = widgets.Label(label)
        self.boxes: dict[str, widgets.Checkbox] = {}
        self.row = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self.row.add_class("ms-checklist")
        self.widget = widgets.VBox([self.label, self.row])

    def set_names(self, names: Iterable[str]) -> None:
        # Boxes of names that stay are kept as they are, so a click that crosses a refresh is not lost.
        boxes = {}
        for name in names:
            boxes[name] = self.boxes.get(name)
            if boxes[name] is None:
                boxes[name] = widgets.Checkbox(value=self.ticked_by_default, description=name, indent=False,
                                               layout=widgets.Layout(width="auto"))
                boxes[name].observe(lambda change, name=name: self._box_changed(name, change.new), "value")
        self.boxes = boxes
        self.row.children = list(boxes.values())
        self.value = [n for n, b in boxes.items() if b.value]

    @traitlets.validate("value")
    def _known(self, proposal) -> list[str]:
        wanted = set(proposal.value)
        return [n for n in self.boxes if n in wanted]

    @traitlets.observe("value")
    def _tick(self, change) -> None:
        wanted = set(change.new)
        for n, b in self.boxes.items():
            b.value = n in wanted

    def _box_changed(self, name: str, ticked: bool) -> None:
        # One name in or out of the value: when ``_tick`` set the box, the value already says so and
        # nothing changes, so ticking boxes from the value never loops back.
        names = set(self.value)
        self.value = list(names | {name} if ticked else names - {name})


class Choice(widgets.Dropdown):
    """A dropdown that always shows the value it holds (every page's dropdowns are this one).

    ipywidgets 8 takes a value of None for "nothing selected": a page's option meaning "none"
    ("— choose —", "no preference", "everyone in the pool"), chosen or reset to, left the page's
    select showing nothing at all, and once nothing was selected new options selected nothing either.
    Here None selects the option whose value is None when there is one, and new options keep the
    value held when it is still among them (else the first option is chosen, as ipywidgets does)."""

    @traitlets.observe("value")
    def _propagate_value(self, change):
        if change.new is None and None in self._options_values:
            self._select(self._options_values.index(None))
        else:
            super()._propagate_value(change)

    @traitlets.observe("options")
    def _propagate_options(self, change):
        held = self.value
        options = self._options_full
        self.set_trait("_options_labels", tuple(label for label, _ in options))
        self._options_values = tuple(value for _, value in options)
        if self._initializing_traits_ is True:
            return
        values = self._options_values
        self._select(values.index(held) if held in values else 0 if values else None)

    def _select(self, index: int | None) -> None:
        if index == self.index:
            # The same position may hold another option now: its label and value follow, and the
            # page's select is told again which one it shows.
            self._notify_trait("index", index, index)
        else:
            self.index = index

    def options_values(self) -> tuple:
        """The values among which one is chosen, in the options' order."""
        return self._options_values


class MemberChoice(Choice):
    """A member to choose from the names given ("— choose —" until then); a choice still among them
    stays chosen. Money's speaker and the one who offers are two."""

    def __init__(self, description: str, width: str = "300px"):
        self.choose = (i18n.words()._(CHOOSE), None)
        super().__init__(description=description, options=[self.choose], layout=widgets.Layout(width=width), **wide())

    def set_names(self, names: Iterable[str]) -> None:
        options = [self.choose] + [(n, n) for n in names]
        if options != list(self.options):  # the same names are not sent to the page again
            self.options = options


CHOOSE = N_("— choose —")


class Additions(traitlets.HasTraits):
    """A list built one entry at a time (``value``, a tuple): the entry's fields, a button that adds
    the entry they make (greyed out until there is one, and saying what it adds), a button that takes
    back the last, and the list so far. Money's offers (a present member and what they offer) and the
    speaker's asks are two; each entry added clears the fields named in ``clear``."""

    value = traitlets.Tuple()

    def __init__(self, rows: list[list[widgets.Widget]], fields: Iterable, entry: Callable[[], object | None],
                 show: Callable[[object], str], *, add: Callable[[object | None], str], remove: str, empty: str,
                 buttons_on: int = -1, clear: Iterable = ()):
        super().__init__()
        self.entry, self.show, self.add_label, self.empty = entry, show, add, empty
        self.to_clear = [(field, field.value) for field in clear]  # each back to its value when declared
        self.add_button = widgets.Button(description=add(None), disabled=True)
        self.remove_button = widgets.Button(description=remove)
        self.list = widgets.HTML()
        rows = [list(row) for row in rows]
        rows[buttons_on] += [self.add_button, self.remove_button]
        self.widget = widgets.VBox([widgets.HBox(row) if len(row) > 1 else row[0] for row in rows] + [self.list])
        for field in fields:
            field.observe(self._ready, names="value")
        self.add_button.on_click(lambda _: self.add())
        self.remove_button.on_click(lambda _: self.remove())
        self._show()

    def add(self) -> None:
        item = self.entry()
        if item is None:
            return
        self.value = (*self.value, item)
        for field, value in self.to_clear:
            field.value = value

    def remove(self) -> None:
        self.value = self.value[:-1]

    def _ready(self, *_) -> None:
        item = self.entry()
        self.add_button.description = self.add_label(item)
        self.add_button.disabled = item is None

    @traitlets.observe("value")
    def _show(self, *_) -> None:
        shown = [self.show(item) for item in self.value]
        self.list.value = html_list(shown) if shown else empty(self.empty)


class Hosts:
    """Today's facilitator, timekeeper and note-taker, suggested from who has hosted least.

    Only a suggestion: nothing is recorded unless the facilitator ticks the box (unticked by default)."""

    LABELS = {"facilitator": N_("Facilitator"), "timekeeper": N_("Timekeeper"), "note_taker": N_("Note-taker")}

    def __init__(self, w: i18n.Words | None = None):
        w = w or i18n.words()
        self.pickers = {role: Choice(description=w._(self.LABELS[role]), options=[("—", None)],
                                     layout=widgets.Layout(width="260px"), **wide())
                        for role in rules.HOST_ROLES}
        self.record = widgets.Checkbox(value=False, description=w._("Record these hosts with this session"),
                                       indent=False, layout=widgets.Layout(width="auto"))
        self.widget = widgets.VBox([hint(esc(w._(texts.HOSTS_HINT))), widgets.HBox(list(self.pickers.values())),
                                    self.record])

    def set_group(self, ledger: Ledger, group: str | None, members: list[str]) -> None:
        suggested = ledger.suggest_hosts(group) if group else {}
        for role, picker in self.pickers.items():
            picker.options = [("—", None)] + [(m, m) for m in members]
            picker.value = suggested.get(role) if suggested.get(role) in members else None
        self.record.value = False

    def chosen(self) -> dict[str, str]:
        return {role: p.value for role, p in self.pickers.items() if p.value}
