"""The frame every level page shares: which group and day, who is here, who hosts, what the
exercise would score, recording it, undoing it, and the group's trust chart.

A level page builds its own questions and gives the session one function, ``draft()``, that
returns the event it would record (a typed ``rules.Event``). The session previews that event
while the facilitator fills the page in, and records the same value when they press Record.

Anything a person typed is shown as text: widget labels and options are text already, and the HTML
comes from ``markup``. The controls a page is built from are in ``controls``; how a record is told
("Recorded …", "Undo …?") is the model's, beside each event (``rules.describe``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Callable, Iterable

import ipywidgets as widgets
import pandas as pd
import traitlets

from .. import charts, i18n, levels, room, rules
from ..errors import LedgerError
from ..i18n import N_
from ..rules import Event, Hosting, describe
from ..ledger import Ledger
from . import last_group
from .controls import Checklist, Choice, Form, Hosts, Status, chosen, date_picker, points_word, primary, section, wide
from .markup import STYLE, box, chart_table, html_table, lead

# The frame's own questions, unless the page asks its own (a level page passes its texts translated).
PRESENT, DATE = N_("Who is here today?"), N_("Date")

# How often an open page looks for check-ins and offers from phones (the room sees them within two seconds).
POLL_SECONDS = 1.0


def keep_looking(alive: widgets.Widget, look: Callable[[], None],
                 start: Callable[[], None] = lambda: None) -> asyncio.Task | None:
    """In the kernel's event loop: ``start()``, then ``look()`` every ``POLL_SECONDS`` until ``alive``
    is closed (the page's widgets are closed when it goes). None outside an event loop (a script, a
    test): there is nothing to wait on, the caller looks when it needs to.

    It runs only once someone has the page: a preheated kernel waits for its visitor before its event
    loop turns, so a page nobody opened never tells the phones it is being played."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None

    async def watch():
        step = start
        while alive.comm is not None:
            step()
            step = look
            await asyncio.sleep(POLL_SECONDS)

    return loop.create_task(watch())


class Latest:
    """``compute(key)`` for the key last asked, worked out again only when the key changes.

    What a page derives from the ledger (the preview of its draft, its group's trust) depends on what
    is on the page and on the ledger's revision; keyed by both, it is worked out once per change, and
    whoever needs it next (a record confirms with the preview the facilitator saw) reads it with
    ``get`` instead of a copy kept in step by hand."""

    _NOTHING = object()

    def __init__(self, compute: Callable):
        self.compute, self.key, self.value = compute, self._NOTHING, None

    def __call__(self, key):
        if key != self.key:
            self.key, self.value = self._NOTHING, None
            self.value = self.compute(key)  # may raise: then nothing is kept
            self.key = key
        return self.value

    def get(self, key, default=None):
        return self.value if key == self.key else default


class Session(traitlets.HasTraits):
    """The shared frame of a level page. See the module docstring.

    The page declares its controls once: ``controls``, the exercise's own fields, and ``kept``, the
    page's settings (a mode, a meeting process). A change to any of them drafts the event again; after a
    record or an undo the ``controls`` go back to the values they had when declared, the ``kept`` stay
    (one ``Form``, as the crew and congregation pages declare theirs)."""

    # The page's event as it stands, or why there is none yet ("not ready: …"), drafted again whenever
    # what it is made of changes: the preview and the message on screen follow from it.
    current = traitlets.Any(None)

    def __init__(self, ledger: Ledger, level: levels.Level, draft: Callable[[], Event], *,
                 controls: Iterable = (), kept: Iterable = (), kinds: Iterable[str] = rules.GROUP_KINDS, present: str | None = PRESENT,
                 date_label: str = DATE, warn: Callable[[], str] | None = None,
                 hosts: bool = True):
        super().__init__()
        # The page's language: the kernel's, i.e. the one chosen on the landing page (apps/page.py).
        self.w = w = i18n.words()
        self.ledger, self.level, self.draft = ledger, level.number, draft
        self.warn = warn  # the page's own caution about a valid draft (plain text), or "" when there is none
        self.kinds = tuple(kinds)
        self.undo_kinds = level.kinds  # what its undo may void: the level's own records
        self._context_observers: list[Callable] = []
        self._record_observers: list[Callable] = []
        self._change_observers: list[Callable] = []
        # This page's last record: its group and its events' ids (the exercise, then any hosts).
        self._last: tuple[str, list[int]] | None = None
        self._undoing: list[int] = []  # what the undo waiting for confirmation would void
        # What the message on screen is, "recorded" or "said", and the draft it is about: a record's
        # confirmation stands in for the preview until the form changes (the reset form is not news).
        self._message_for: tuple[str, Event | str] | None = None
        # The draft's awards and the group's trust, each for the ledger's revision: what the preview and
        # the chart show, and enough to confirm a record at once, without scoring the whole ledger again.
        # (A draft's notes never change its points: typing one does not score the history again.)
        self._previews = Latest(lambda key: self.ledger.preview(key[0]))        # key: (draft.scored(), revision)
        self._trust = Latest(lambda key: _group_trust(self.ledger, key[0]))    # key: (group, revision)
        # Who had checked in from their phones when the page last looked, and the ledger's revision then:
        # a new check-in is ticked as it arrives, without undoing the facilitator's own ticks.
        self._checked_in: list[str] = []
        self._revision: tuple[int, int] | None = None
        self._announced: tuple[str, dt.date] | None = None  # the group and day phones were last told of
        self._watcher: asyncio.Task | None = None

        self.group = Choice(description=w._("Group"), layout=widgets.Layout(width="340px"), **wide())
        self.date = date_picker(w._(date_label))
        self.present = Checklist(w._(present), ticked=True) if present else None
        self.joined = widgets.HTML()  # who checked in from their phones
        self.hosts = Hosts(w) if hosts else None
        self.scoring = widgets.HTML(level.scoring)
        self.scoring.add_class("ms-scoring")
        self.preview = widgets.HTML()
        self.preview.add_class("ms-preview")
        self.record_button = primary(w._("Record"), tooltip=w._("Write this exercise into the ledger"))
        self.status = Status(w)
        self.undo_target = widgets.Label()
        self.undo_reason = widgets.Text(description=w._("Reason for undoing"), placeholder=w._("e.g. entered twice"),
                                        layout=widgets.Layout(width="420px"), **wide())
        self.undo_button = widgets.Button(description=w._("Undo this record…"), button_style="warning",
                                          tooltip=w._("Cancel this record (it stays in the history, marked as undone)"))
        self.undo_question = widgets.HTML()
        self.undo_yes = widgets.Button(description=w._("Yes, undo it"), button_style="danger")
        self.undo_no = widgets.Button(description=w._("No, keep it"))
        self.undo_confirm = widgets.VBox([self.undo_question, widgets.HBox([self.undo_yes, self.undo_no])],
                                         layout=widgets.Layout(display="none"))
        self.chart = charts.chart_widget(self._trust_chart(None))
        self.chart.layout = widgets.Layout(width="100%")
        self.chart_table = widgets.HTML()  # the chart's figures for those who cannot see it

        self._filling_groups = False  # while the page fills its group list in (no choice of the facilitator's)
        self.reload_groups(refresh=False)  # the page's own widgets do not exist yet: ``page()`` fills everything in
        # Remembered first: the page redraws for the group next, and may be closed before it is done.
        self.group.observe(self._group_chosen, "value")
        self.group.observe(self._context_changed, "value")
        self._change_observers.append(self._groups_changed)
        self.date.observe(self._context_changed, "value")
        self.form = Form(controls, [*kept, *([self.present] if self.present else [])], changed=self._redraft)
        self.record_button.on_click(self.record)
        self.undo_button.on_click(self.undo)
        self.undo_yes.on_click(self.confirm_undo)
        self.undo_no.on_click(lambda _: self._ask_undo(None))

    # --- what the page reads -----------------------------------------------------------------

    @property
    def group_name(self) -> str:
        if not self.group.value:
            raise LedgerError(self.w._("Choose a group first (groups are created on the crew set-up page)."))
        return self.group.value

    @property
    def on(self) -> dt.date:
        return chosen(self.date)

    @property
    def here(self) -> list[str]:
        return self.present.value if self.present else []

    def members(self) -> list[str]:
        """Members of the chosen group on the chosen day (empty when either is missing or invalid)."""
        if not self.group.value or self.date.value is None:
            return []
        try:
            return self.ledger.members(self.group.value, on=self.date.value)
        except LedgerError as exc:
            self.status.error(exc, nothing_recorded=False)
            return []

    # --- hooks for the page ----------------------------------------------------------------

    def on_context(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the group or the date changes (and when the page is built)."""
        self._context_observers.append(callback)

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the ledger has changed since the page last looked (a phone or another
        page wrote to it); the page looks every ``POLL_SECONDS`` while it is open."""
        self._change_observers.append(callback)

    def on_record(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(event_id)`` after each successful record and after an undo (with None)."""
        self._record_observers.append(callback)

    def carry_from(self, old: Session) -> bool:
        """The page built again in another language (apps/relabel.py) keeps what its old self recorded:
        the undo still names this page's last record. Whether anything changed."""
        if self._last == old._last:
            return False
        self._last = old._last
        self._refresh_undo_target()
        return True

    # --- behaviour --------------------------------------------------------------------------

    def _group_options(self) -> list[tuple[str, str]]:
        groups = self.ledger.groups()
        groups = groups[groups["kind"].isin(self.kinds)]
        groups = groups.iloc[groups["kind"].map(self.kinds.index).argsort(kind="stable")]  # the page's main kind first
        return [(group_label(g, k, self.w), g) for g, k in zip(groups["group"], groups["kind"])]

    def reload_groups(self, refresh: bool = True) -> None:
        """The groups of the page's kinds: the one on screen stays chosen; a page opening shows the group
        the facilitator last worked on (on any page), else the first."""
        self._filling_groups = True
        try:
            current = self.group.value or last_group.remembered(self.ledger)
            self.group.options = self._group_options()
            if current in self.group.options_values():
                self.group.value = current
        finally:
            self._filling_groups = False
        if refresh:
            self._context_changed()

    def _groups_changed(self) -> None:
        """New crews (a formation round) or a group gone: the list follows, the choice stays where it can."""
        if self._group_options() != list(self.group.options):
            self.reload_groups(refresh=False)  # a group that went is replaced, and the page follows the new one

    def _group_chosen(self, change) -> None:
        if not self._filling_groups:
            last_group.remember(self.ledger, change.new)

    def _context_changed(self, *_):
        # A message is about the form as it was: another group or day makes it stale, and so
        # does an undo that was waiting for confirmation.
        self.status.clear()
        self._ask_undo(None)
        members = self.members()
        with self.hold_trait_notifications():  # the page's lists change one by one: one preview at the end
            if self.present:
                self.present.set_names(members)
            self._checked_in = []
            self.show_check_ins(len(members))
            try:
                if self.hosts:
                    self.hosts.set_group(self.ledger, self.group.value, members)
            except LedgerError as exc:
                self.status.error(exc)
            for cb in self._context_observers:
                cb()
        self._refresh_after_change()

    def show_check_ins(self, of: int | None = None) -> None:
        """Who checked in from their phones for the group and day on screen, on every level page (of
        ``of`` members; by default as many as the group has). Where the page asks who is here, its
        ticks start from them (everyone, when nobody has checked in), and each later arrival is ticked."""
        came = self._check_ins()
        new = [n for n in came if n not in self._checked_in]
        if new and self.present:
            untouched = not self._checked_in and set(self.present.value) == set(self.present.boxes)
            self.present.value = came if untouched else [*self.present.value, *new]
        self._checked_in = came
        if came and of is None:
            of = len(self.present.boxes) if self.present else len(self.members())
        self.joined.value = box(self.w._("Checked in from their phones: %(names)s (%(came)s of %(of)s).",
                                         names=self.w.list(came), came=self.w.number(len(came)),
                                         of=self.w.number(of))) if came else ""

    def _check_ins(self) -> list[str]:
        if not self.group.value or self.date.value is None:
            return []
        try:
            return self.ledger.check_ins(self.group.value, self.date.value)
        except LedgerError:
            return []

    def poll(self) -> None:
        """Take in what phones and other pages wrote since the last look (new check-ins, and whatever
        the page's own ``on_change`` callbacks show)."""
        try:
            revision = self.ledger.revision()
        except LedgerError:
            return  # busy or unreadable for a moment: the next look tries again
        if revision != self._revision:
            self._revision = revision
            for cb in [self.show_check_ins, *self._change_observers]:
                try:
                    cb()
                except LedgerError as exc:  # e.g. the group renamed on another page: said here, looked at again
                    self.status.error(exc, nothing_recorded=False)

    def _watch(self) -> None:
        """Tell the phones what the page plays, then look at the ledger every ``POLL_SECONDS`` while
        the page is open. Outside an event loop (a script, a test) call ``poll()`` instead."""
        def look():
            self.poll()
            self._tell_phones()

        self._watcher = keep_looking(self.group, look, start=self._tell_phones)

    def _tell_phones(self) -> None:
        """Members' phones show this level's prompts for the group on screen today (see ``room``); a
        page turned to another day (typing in last week's round) or to no group stops telling them."""
        where = (self.group.value, self.date.value)
        if where == self._announced:
            return
        if self.group.value and self.date.value == dt.date.today():
            room.announce(self.group.value, self.level, self.date.value)
        else:
            room.withdraw()
        self._announced = where

    def _refresh_after_change(self):
        self.refresh_preview()
        self.refresh_chart()
        self._refresh_undo_target()

    def _draft_key(self) -> Event | str:
        """The page's event as it stands, or why there is none yet: what a message or a preview is about."""
        try:
            return self.draft()
        except LedgerError as exc:
            return f"not ready: {exc}"

    def reset(self) -> None:
        """Each declared control back to the value it had when declared."""
        self.form.reset()

    def _redraft(self, *_):
        self.current = self._draft_key()

    def refresh_preview(self, *_):
        """Draft the event again and show what it would score (also when only the ledger moved)."""
        key = self._draft_key()
        if key == self.current:
            self._show_preview()
        else:
            self.current = key  # ``_show_preview`` follows

    @traitlets.observe("current")
    def _show_preview(self, *_):
        key = self.current
        if self.status.kind is not None and (not self._message_for or key != self._message_for[1]):
            self.status.clear()  # the message was about a form that has changed since
        if self.status.kind is not None and self._message_for == ("recorded", key):
            self.preview.value = box(self.w._("Recorded. Fill in the next one when you are ready."), "ms-msg-info ms-msg")
            return
        try:
            table = self._previews((self.draft().scored(), self.ledger.revision()))
        except LedgerError as exc:
            self.preview.value = box(self.w._("Not ready to record yet: %(why)s", why=exc), "ms-wait")
            return
        caution = self.warn() if self.warn else ""
        caution = box(self.w._("Check first: %(caution)s", caution=caution), "ms-wait") if caution else ""
        if table.empty:
            self.preview.value = caution + box(self.w._("Recording this gives no points."))
            return
        # One row per person: their total, and the awards that make it up (each with its points when
        # there are several).
        rows = []
        for member, own in table.groupby("member", sort=False):
            said = [levels.reason_words(r, self.w) for r in own["reason"]]  # in the page's language
            why = said[0] if len(own) == 1 else \
                ", ".join(f"{r} {signed(n, self.w)}" for r, n in zip(said, own["points"]))
            rows.append((member, signed(int(own["points"].sum()), self.w), why))
        w = self.w
        member, points = w._("Member"), w._("Points")
        shown = pd.DataFrame(rows, columns=[member, points, w._("Why")])
        total = int(table["points"].sum())
        self.preview.value = caution + lead(w._("If you record this now:"), then=html_table(
            shown, numeric=[points], footer={member: w._("Total"), points: signed(total, w)}, w=w))

    def refresh_chart(self):
        self.chart.chart = self._trust_chart(self.group.value)
        self.chart_table.value = chart_table(self.chart.chart)

    def _trust_chart(self, group: str | None):
        trust = self._trust((group, self.ledger.revision()))
        title = self.w._("Trust in %(group)s over time", group=group) if group else self.w._("Trust over time")
        return charts.trust_chart(trust, title=title)

    def record(self, _=None) -> int | None:
        """Commit the page's draft (and today's hosts), say what it awarded, then refresh the page."""
        try:
            draft = self.draft()
            group = self.group_name
            hosts = self.hosts.chosen() if self.hosts and self.hosts.record.value else {}
            if hosts:  # a bad host choice must stop the whole record, before anything is written
                self.ledger.preview(Hosting(group, self.on, **hosts))
            revision = self.ledger.revision()
            trust, awards = self._trust.get((group, revision)), self._previews.get((draft.scored(), revision))
            before = (group, int(trust["points"].sum())) if trust is not None else None
            event_id = self.ledger.record(draft)
        except LedgerError as exc:
            self._say_error(exc)
            return None
        recorded = [event_id]
        extra = ""
        if hosts:
            try:
                recorded.append(self.ledger.record(Hosting(group, self.on, **hosts)))
                self.hosts.record.value = False  # hosts are recorded once per session, not per round
            except LedgerError as exc:
                extra = " " + self.w._("Today's hosts were not recorded: %(why)s", why=exc)
        self._last = (group, recorded)
        what = describe(self.ledger, recorded, when=False)
        if awards is None or before is None:  # no preview of this very draft to go by: score it properly
            points = self.ledger.points()
            awards = points[points["event_id"] == event_id]
            before = (group, int(points.loc[points["group"] == group, "points"].sum()) - int(awards["points"].sum()))
        def confirm(total: int) -> None:  # said now, and again if the redrawn chart finds another total
            self.status.ok(self.w.ngettext("Recorded (%(what)s). %(given)s %(group)s now has %(num)s point in all.",
                                           "Recorded (%(what)s). %(given)s %(group)s now has %(num)s points in all.",
                                           total, what=what, given=_given(awards, self.w), group=group) + extra)

        total = before[1] + int(awards["points"].sum())
        confirm(total)
        # The message is on screen; now the slower part: reset the form and redraw tables and chart.
        # The form changes a field at a time: the preview follows once, when it is reset (the message
        # is about the form as the record left it, so it stays).
        with self.hold_trait_notifications():
            self._after(event_id)
            self._message_for = ("recorded", self.current)
        self._show_preview()  # also when the reset changed nothing
        self.refresh_chart()
        now = int(self._trust((group, self.ledger.revision()))["points"].sum())  # as the chart just drew it
        if now != total:  # someone else recorded for this group meanwhile
            confirm(now)
        self._refresh_undo_target()
        return event_id

    def undo(self, _=None) -> None:
        """Ask once whether to void the record named above (this page's last record in the group on
        screen, or the group's latest at this level); ``confirm_undo`` does it."""
        target = self._undo_target()
        if not target:
            self._say_error(self.w._("There is nothing to undo here yet."), nothing_recorded=False)
            return
        if not self.undo_reason.value.strip():
            self._say_error(self.w._("Say why it is undone (the reason stays in the history). Nothing was undone."),
                            nothing_recorded=False)
            return
        self.status.clear()
        self._ask_undo(target)

    def _ask_undo(self, target: list[int] | None) -> None:
        self._undoing = list(target or [])
        if self._undoing:
            self.undo_question.value = lead(
                self.w._("Undo %(what)s?", what=describe(self.ledger, self._undoing)),
                self.w._("It stays in the history, marked as undone, and its points are taken back."))
        self.undo_confirm.layout.display = None if self._undoing else "none"

    def confirm_undo(self, _=None) -> None:
        """Void what the question named (each event of it), then say what was voided."""
        target, reason = self._undoing, self.undo_reason.value
        self._ask_undo(None)
        if not target:
            return
        what = describe(self.ledger, target)
        try:
            for event_id in target:
                self.ledger.void(event_id, reason=reason)
        except LedgerError as exc:
            self._say_error(exc, nothing_recorded=False)
            self._refresh_undo_target()
            return
        if self._last and self._last[1] == target:
            self._last = None
        self.undo_reason.value = ""
        with self.hold_trait_notifications():
            self._after(None)
        self._refresh_after_change()
        self.status.ok(self.w._("Undone: %(what)s. It stays in the history, marked as undone (%(reason)s).",
                                what=what, reason=reason.strip()))
        self._message_for = ("said", self.current)

    def _after(self, event_id: int | None) -> None:
        """After a record (its id) or an undo (None): the page's own callbacks (which may still read the
        form, e.g. to answer the phones whose offers it holds), the form reset, and the draft as they
        leave it."""
        for cb in self._record_observers:
            cb(event_id)
        self.reset()
        self._redraft()

    def say(self, text: str) -> None:
        """Tell what the page just did to its form (e.g. took a phone's offer into the round): said after
        the form changed, it stays until the form changes again."""
        self.status.ok(text)
        self._message_for = ("said", self._draft_key())

    def _say_error(self, exc: LedgerError | str, nothing_recorded: bool = True) -> None:
        self.status.error(exc, nothing_recorded=nothing_recorded)
        self._message_for = ("said", self._draft_key())

    def _undo_target(self) -> list[int]:
        """This page's last record if it is of the group on screen and still stands, else the
        group's latest live record at this level: never another group's."""
        ev = self.ledger.events(texts=False)
        live = ev[~ev["voided"]]
        if self._last and self._last[0] == self.group.value and set(self._last[1]) <= set(live["id"]):
            return list(self._last[1])
        if not self.group.value:
            return []
        mine = live[(live["group"] == self.group.value) & live["kind"].isin(self.undo_kinds)]
        return [int(mine["id"].max())] if len(mine) else []

    def _refresh_undo_target(self):
        target = self._undo_target()
        self.undo_target.value = (self.w._("Last record: %(what)s.", what=describe(self.ledger, target)) if target
                                  else self.w._("Nothing to undo yet."))
        self.undo_button.disabled = not target

    # --- layout -----------------------------------------------------------------------------

    def page(self, *body: widgets.Widget) -> widgets.VBox:
        """The whole page under the notebook's own heading and introduction (which say what the page is
        for, so the page does not say it again): context, the level's own sections, then preview,
        record, undo and the chart."""
        context = [widgets.HBox([self.group, self.date])]
        if self.present:
            context.append(self.present.widget)
        context.append(self.joined)
        if self.hosts:
            context.append(self.hosts.widget)
        w = self.w
        scoring = section(w._("Points at this level"), self.scoring)
        # The preview, the button and the answer stay in view at the foot of the screen while the form
        # above is filled in (a projector at 1280×720 shows a third of a level page at a time).
        record = section(w._("Record"), widgets.HBox([self.record_button, self.status.widget]), self.preview)
        record.add_class("ms-recordbar")
        undo = section(w._("Made a mistake?"), self.undo_target, widgets.HBox([self.undo_reason, self.undo_button]),
                       self.undo_confirm)
        chart = section(w._("Trust over time"), self.chart, self.chart_table)
        page = widgets.VBox([widgets.HTML(STYLE), section(w._("Today's session"), *context),
                             *body, scoring, record, undo, chart])
        page.add_class("ms-page")
        self._context_changed()
        self._watch()
        return page


def _group_trust(ledger: Ledger, group: str | None) -> pd.DataFrame:
    """The group's trust over time (none without a group), as its chart draws it."""
    trust = ledger.trust_over_time()
    return trust[trust["group"] == group] if group else trust.iloc[:0]


def group_label(group: str, kind: str, w: i18n.Words) -> str:
    """A group in a list of groups: its name, and its kind in the page's language."""
    return w._("%(group)s (%(kind)s)", group=group, kind=w._(KIND_WORDS.get(kind, kind)))


KIND_WORDS = {"crew": N_("crew"), "partnership": N_("partnership"), "congregation": N_("congregation")}


def signed(n: int, w: i18n.Words) -> str:
    """A number of points with its sign (+3, -1, +0), in the language's digits."""
    return ("+" if n >= 0 else "-") + w.number(abs(n))


def _given(awards: pd.DataFrame, w: i18n.Words) -> str:
    if awards.empty:
        return w._("No points for this one.")
    per = awards.groupby("member", sort=False)["points"].sum()
    return w._("Points: %(given)s.", given=", ".join(f"{m} {points_word(int(p), w)}" for m, p in per.items()))


def points_by_group(ledger: Ledger, level: int | None = None) -> str:
    """Points per group (at one level, or in all), as plain text: what the pages' notebooks print first."""
    awards = ledger.points()
    if level is not None:
        awards = awards[awards["level"] == level]
    groups = ledger.groups()
    w = i18n.words()
    if groups.empty:
        return w._("No groups yet.")
    totals = awards.groupby("group")["points"].sum()
    table = pd.DataFrame({w._("group"): groups["group"], w._("kind"): groups["kind"].map(lambda k: w._(KIND_WORDS.get(k, k))),
                          w._("members"): groups["size"], w._("points"): groups["group"].map(totals).fillna(0).astype(int)})
    return table.to_string(index=False)
