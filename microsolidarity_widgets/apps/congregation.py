"""00 · Congregation: start a congregation, build its pool (typed in or from a form's CSV), record
gatherings, run a crew formation round (pin, swap, re-solve) and create the crews in one step.

Everything the page shows is read back from the ledger through ``Congregation``; the only state kept
here is the round in progress (its suggestion and the facilitator's pins and swaps) until it is created.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import ipywidgets as widgets
import pandas as pd
from babel import numbers
from markupsafe import Markup

from .. import charts, formation, i18n
from ..congregation import Congregation
from ..errors import LedgerError
from ..i18n import N_
from ..ledger import Ledger
from ..values import name_key
from .controls import Checklist, Choice, Form, Status, chosen, date_picker, hint, primary, section, wide
from .markup import STYLE, chart_table, empty, esc, html_table, snippet
from .session import keep_looking

NEW = "__new__"
HOST = "__host__"
FIELD = widgets.Layout(width="100%", max_width="420px")


def people_word(n: int, w: i18n.Words) -> str:
    return w.ngettext("%(num)s person", "%(num)s people", n)


def crews_word(n: int, w: i18n.Words, temporary: bool = False) -> str:
    return (w.ngettext("%(num)s temporary crew", "%(num)s temporary crews", n) if temporary else
            w.ngettext("%(num)s crew", "%(num)s crews", n))


def _text(description: str, placeholder: str = "") -> widgets.Text:
    return widgets.Text(description=description, placeholder=placeholder, layout=FIELD, **wide())


# The page's own rules: a suggested crew and why, each apart from the next; the round's progress bar.
# (Rows wrap on a phone and labels stay whole as on every page: the page template and session.css see to it.)
PAGE_STYLE = ("<style>.ms-congregation .ms-crews li { margin: 6px 0; }"
              ".ms-congregation progress { width: min(240px, 60%); vertical-align: middle; }</style>")

# A formation round's wall-clock budget on this page, from the click to the end of the search (reading the
# pool comes out of it, drawing the crews follows): the facilitator has an answer within 3 s whatever else
# the machine is doing (issue 21; the formation benchmark measures this page's path). The search's answer
# then depends on the machine's speed; it gets at least SEARCH_AT_LEAST, should the ledger be slow to read.
ROUND_SECONDS, SEARCH_AT_LEAST = 2.0, 0.5
# How often the progress bar is redrawn while the round is searching (each redraw is a message to the page).
PROGRESS_EVERY = 0.2
# How a pin is said (the round keeps the English key): apart, together, new to each other.
PIN_WORDS = {"apart": N_("apart"), "together": N_("together"), "new to each other": N_("new to each other")}
# The kinds of formation, as the formations table says them.
FORMATION_KINDS = {"lasting": N_("lasting"), "temporary": N_("temporary")}
log = logging.getLogger(__name__)


class CongregationApp:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        # The page's language: the kernel's, i.e. the one chosen on the landing page (apps/page.py).
        self.w = w = i18n.words()
        self.congregation: Congregation | None = None
        self._shown: tuple[int, int] | None = None  # the ledger's revision the page shows
        self.suggestion: formation.Suggestion | None = None
        self.crews: list[list[str]] = []     # the round's crews as the facilitator left them (after swaps)
        self.pins: list[tuple[str, str, str]] = []  # (a, b, "together"|"apart"|"new to each other")
        self.last_season: tuple[tuple[str, ...], ...] = ()  # read from the ledger with the round's people
        self.statuses = {k: Status(w) for k in ("start", "agree", "person", "csv", "gathering", "round", "create")}

        # The congregation.
        self.which = Choice(description=w._("Congregation"), layout=FIELD, **wide())
        self.new_name = _text(w._("Congregation name"), w._("e.g. Lisbon circle"))
        self.new_region = _text(w._("Region"), w._("e.g. Lisbon and around"))
        self.new_purpose = widgets.Textarea(description=w._("Purpose"),
                                            placeholder=w._("e.g. people supporting each other to do more meaningful work"),
                                            layout=FIELD, **wide())
        self.new_date = date_picker(w._("Started on"))
        self.start_button = widgets.Button(description=w._("Start the congregation"), button_style="success")
        self.new_form = widgets.VBox([self.new_name, self.new_region, self.new_purpose, self.new_date,
                                      self.start_button, self.statuses["start"].widget])
        self.about = widgets.HTML()
        self.agreements = widgets.Textarea(description=w._("Agreements"),
                                           layout=widgets.Layout(width="100%", height="80px"),
                                           placeholder=w._("How the congregation governs itself: the minimum structure "
                                                           "the first gathering agreed"), **wide())
        self.agree_button = widgets.Button(description=w._("Record agreements"), button_style="primary")

        # The pool.
        self.person = _text(w._("Person's name"))
        self.invited_by = Choice(description=w._("Invited by"), layout=FIELD, **wide())
        self.work = _text(w._("Meaningful work"), w._("a few tags, separated by ;"))
        self.slots = _text(w._("Can meet"), w._("e.g. Tue evening; Sat morning"))
        self.region = _text(w._("Region or time zone"))
        self.size = Choice(description=w._("Preferred crew size"), options=[(w._("no preference"), None)] +
                           [(w.number(n), n) for n in range(3, 9)], **wide())
        self.knows = _text(w._("Knows well"), w._("names in the pool, separated by ;"))
        self.on = date_picker(w._("Joined on"))
        self.add_button = widgets.Button(description=w._("Add to the pool"), button_style="success")
        self.upload = widgets.FileUpload(accept=".csv,text/csv", multiple=False, description=w._("Choose a CSV"))
        self.import_button = widgets.Button(description=w._("Import the CSV"), button_style="primary")
        self.show_answers = widgets.Checkbox(description=w._("Show everyone's answers (personal: only on your own "
                                                             "screen)"),
                                             indent=False, layout=widgets.Layout(width="auto"))
        self.pool_table = widgets.HTML()

        # Gatherings.
        self.gathering_title = _text(w._("Gathering"), w._("e.g. First gathering"))
        self.gathering_date = date_picker(w._("Held on"))
        self.came = Checklist(w._("Who came?"))
        self.gathering_button = widgets.Button(description=w._("Record the gathering"), button_style="primary")
        self.gathering_list = widgets.HTML()

        # The formation round.
        self.who = Choice(description=w._("Who is in this round"), layout=FIELD, **wide())
        self.target = widgets.BoundedIntText(value=formation.DEFAULT_SIZE, min=3, max=8, description=w._("Crew size"),
                                             layout=widgets.Layout(width="170px"), **wide())
        self.low = widgets.BoundedIntText(value=formation.DEFAULT_RANGE[0], min=3, max=8, description=w._("from"),
                                          layout=widgets.Layout(width="120px"), **wide())
        self.high = widgets.BoundedIntText(value=formation.DEFAULT_RANGE[1], min=3, max=8, description=w._("to"),
                                           layout=widgets.Layout(width="120px"), **wide())
        self.seed = widgets.BoundedIntText(value=0, min=0, max=10**6, description=w._("Seed"),
                                           layout=widgets.Layout(width="150px"), **wide())
        self.suggest_button = primary(w._("Suggest crews"))
        self.progress = widgets.HTML()
        self.solving: threading.Thread | None = None  # the round's search, off the page's thread
        self.round_number = 0  # a search whose round was forgotten meanwhile shows nothing
        self.round_lock = threading.Lock()  # ... checked and shown in one step, while nobody forgets the round
        self.could_create = False  # whether the crews on screen could be created before the search began
        self.pin_a = Choice(description=w._("Pin"), layout=FIELD, **wide())
        self.pin_b = Choice(description=w._("and"), layout=FIELD, **wide())
        self.pin_how = widgets.ToggleButtons(options=[(w._(said), how) for how, said in PIN_WORDS.items()],
                                             value="apart")
        # Last season (issue 24): crew-mates count as knowing each other well unless unticked, and whole
        # crews of last season can be kept from forming again.
        self.history = widgets.Checkbox(value=True, indent=False, layout=widgets.Layout(width="auto"),
                                        description=w._("Count last season's crew-mates as knowing each other well"))
        self.keep_apart = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="auto"),
                                           description=w._("Keep last season's crews apart"))
        self.pin_button = widgets.Button(description=w._("Add pin"), button_style="primary")
        self.clear_pins = widgets.Button(description=w._("Clear pins"))
        self.pin_list = widgets.HTML()
        self.swap_a = Choice(description=w._("Swap"), layout=FIELD, **wide())
        self.swap_b = Choice(description=w._("with"), layout=FIELD, **wide())
        self.swap_button = widgets.Button(description=w._("Swap them"), button_style="primary")
        self.result = widgets.HTML()
        self.temporary = Choice(description=w._("Create as"), layout=FIELD, **wide())
        self.create_button = primary(w._("Create these crews"), disabled=True)
        self.formation_list = widgets.HTML()
        self.undo_reason = _text(w._("Reason for undoing"), w._("e.g. formed too early"))
        self.undo_button = widgets.Button(description=w._("Undo the last formation"), button_style="warning")

        self.tree = charts.chart_widget(charts.invitation_chart(pd.DataFrame(
            columns=["name", "inviter", "generation", "x", "y", "parent_x", "parent_y"])))
        self.tree.layout = widgets.Layout(width="100%")
        self.availability = charts.chart_widget(charts.availability_chart(_no_slots()))
        self.availability.layout = widgets.Layout(width="100%")
        # Each chart's figures for those who cannot see it (a table under the chart, opened on demand).
        self.tree_table, self.availability_table = widgets.HTML(), widgets.HTML()

        # The forms that record what is typed, each declared once: what is typed goes back to blank once
        # recorded, the choices stay for the next one; a change to a form takes its message away.
        # (The round is no such form: its pins and swaps stay until its crews are created.)
        s = self.statuses
        self.forms = {
            "start": Form([self.new_name, self.new_region, self.new_purpose], kept=[self.new_date],
                          changed=s["start"].clear),
            "agree": Form([self.agreements], changed=s["agree"].clear),
            "person": Form([self.person, self.work, self.slots, self.knows],
                           kept=[self.invited_by, self.region, self.size, self.on], changed=s["person"].clear),
            "csv": Form([self.upload], kept=[self.on], changed=s["csv"].clear),
            "gathering": Form([self.gathering_title, self.came], kept=[self.gathering_date],
                              changed=s["gathering"].clear),
        }

        self.which.observe(self._chosen, "value")
        self.start_button.on_click(self.start)
        self.agree_button.on_click(self.record_agreements)
        self.add_button.on_click(self.add_person)
        self.import_button.on_click(self.import_csv)
        self.show_answers.observe(lambda _: self._show_pool(), "value")
        self.gathering_button.on_click(self.record_gathering)
        self.suggest_button.on_click(self.suggest)
        self.pin_button.on_click(self.add_pin)
        self.clear_pins.on_click(self.clear)
        self.swap_button.on_click(self.swap)
        self.history.observe(lambda _: self._show_round(), "value")
        self.keep_apart.observe(lambda _: self._show_round(), "value")
        self.create_button.on_click(self.create)
        self.undo_button.on_click(self.undo)

        self.body = widgets.VBox([
            section(w._("Its purpose and agreements"), self.about, self.agreements, self.agree_button, s["agree"].widget),
            section(w._("The pool"), hint(esc(w._("Everyone who may join a crew. Their answers are personal: the table "
                                                  "shows them only when you ask, the availability chart below counts "
                                                  "them without names, and exports leave them out unless you ask, like "
                                                  "money notes."))),
                    self.person, self.invited_by, self.work, self.slots, self.region, self.size, self.knows, self.on,
                    self.add_button, s["person"].widget,
                    hint(snippet("csv_columns")),
                    widgets.HBox([self.upload, self.import_button]), s["csv"].widget, self.show_answers, self.pool_table),
            section(w._("Who brought whom"), self.tree, self.tree_table),
            section(w._("The pool by availability"), self.availability, self.availability_table),
            section(w._("Gatherings"), self.gathering_title, self.gathering_date, self.came.widget, self.gathering_button,
                    s["gathering"].widget, self.gathering_list),
            section(w._("Crew formation round"),
                    hint(esc(w._("The round suggests crews for the people in it: every crew shares a weekly slot, "
                                 "holds at most one pair who already know each other well, and keeps your pins; then "
                                 "it looks for shared or complementary interests, one region per crew and the sizes "
                                 "people asked for."))),
                    self.who, widgets.HBox([self.target, self.low, self.high, self.seed]),
                    hint(esc(w._("People who shared a crew last season (one that still meets or one that closed) "
                                 "count as knowing each other well, so a new crew holds at most one such pair; untick "
                                 "to let them mix freely, or pin two of them “new to each other”. Keeping last "
                                 "season's crews apart means no new crew holds all of an old crew's people who are in "
                                 "the round."))),
                    self.history, self.keep_apart, self.suggest_button, self.progress,
                    widgets.HBox([self.pin_a, self.pin_b]),
                    widgets.HBox([self.pin_how, self.pin_button, self.clear_pins]), self.pin_list,
                    s["round"].widget, self.result, widgets.HBox([self.swap_a, self.swap_b]), self.swap_button,
                    self.temporary, self.create_button, s["create"].widget),
            section(w._("Formations so far"), self.formation_list, self.undo_reason, self.undo_button),
        ])
        self.widget = widgets.VBox([widgets.HTML(STYLE), widgets.HTML(PAGE_STYLE), section(w._("The congregation"), self.which, self.new_form),
                                    self.body])
        self.widget.add_class("ms-page")
        self.widget.add_class("ms-congregation")
        self._reload(select=None)
        # People join the pool from their phones too: the page shows them as they come, without a reload.
        self._watcher = keep_looking(self.widget, self.poll)

    # --- reading the ledger back ---------------------------------------------------------------

    def _reload(self, select: str | None) -> None:
        names = Congregation.names(self.ledger)
        current = select or (self.which.value if self.which.value not in (None, NEW) else None)
        self.which.options = [(n, n) for n in names] + [(self.w._("Start a new congregation…"), NEW)]
        self.which.value = current if current in names else (names[0] if names else NEW)
        self._chosen()

    def _chosen(self, *_):
        new = self.which.value in (None, NEW)
        self.new_form.layout.display = None if new else "none"
        self.body.layout.display = "none" if new else None
        self.congregation = None if new else Congregation(self.ledger, self.which.value)
        self._forget_round()
        if not new:
            self._refresh()

    def poll(self) -> None:
        """Show what phones and other pages wrote since the page last showed the ledger (a person who
        joined the pool from a phone); the round in progress and what is typed stay as they are."""
        if self.congregation is None:
            return
        try:
            if self.ledger.revision() != self._shown:
                self._refresh()
        except LedgerError:
            pass  # busy or unreadable for a moment: the next look tries again

    def _refresh(self) -> None:
        self._shown = self.ledger.revision()  # read first: a write landing meanwhile is shown at the next look
        c, w = self.congregation, self.w
        about = c.details()
        self.about.value = snippet("congregation_about", w, name=c.name, region=about["region"],
                                   started=w.date(about["started"]), purpose=about["purpose"],
                                   agreements=about["agreements"])
        pool = c.pool()
        names = list(pool["name"])
        self.invited_by.options = [(w._("— a host invited them"), HOST)] + [(n, n) for n in names]
        self.came.set_names(names)
        for dd in (self.pin_a, self.pin_b):
            dd.options = [(n, n) for n in names]
        gatherings = c.gatherings()
        held = list(zip(gatherings["id"], gatherings["title"], gatherings["date"].map(lambda d: w.date(d, "medium"))))
        self.who.options = ([(w._("Everyone in the pool not yet in a crew"), None)] +
                            [(w._("Who came to %(gathering)s (%(day)s)", gathering=t, day=d), int(i)) for i, t, d in held])
        self.temporary.options = ([(w._("lasting crews (each becomes a crew of the workbook)"), None)] +
                                  [(w._("temporary crews for %(gathering)s (%(day)s)", gathering=t, day=d), int(i))
                                   for i, t, d in held])
        came = w._("Came")
        self.gathering_list.value = (html_table(pd.DataFrame({w._("Gathering"): gatherings["title"],
                                                              w._("Date"): [d for _, _, d in held],
                                                              came: gatherings["count"],
                                                              w._("Who came"): gatherings["came"].map(", ".join)}),
                                                numeric=[came], w=w)
                                     if len(gatherings) else empty(w._("No gathering recorded yet.")))
        self._show_pool(pool)
        self._show_formations()
        self.tree.chart = charts.invitation_chart(c.invitation_tree())
        self.availability.chart = charts.availability_chart(c.availability())
        self.tree_table.value = chart_table(self.tree.chart)
        self.availability_table.value = chart_table(self.availability.chart)

    def _show_pool(self, pool: pd.DataFrame | None = None) -> None:
        if self.congregation is None:
            return
        private = self.show_answers.value
        pool = self.congregation.pool(include_private=private) if pool is None or private else pool
        w = self.w
        if pool.empty:
            self.pool_table.value = empty(w._("Nobody in the pool yet: add the first people above."))
            return
        yes = w._("yes")
        shown = pd.DataFrame({w._("Name"): pool["name"], w._("Invited by"): pool["invited_by"].fillna(w._("a host")),
                              w._("Answered"): pool["answered"].map({True: yes, False: w._("not yet")}),
                              w._("In a crew"): pool["member"].map({True: yes, False: ""})})
        if private:
            shown[w._("Meaningful work")] = pool["work"].map("; ".join)
            shown[w._("Can meet")] = pool["slots"].map("; ".join)
            shown[w._("Region")] = pool["region"].fillna("")
            shown[w._("Size")] = pool["size"].map(lambda s: "" if pd.isna(s) else w.number(int(s)))
            shown[w._("Knows well")] = pool["knows"].map("; ".join)
        self.pool_table.value = snippet("pool", count=w._("%(people)s in the pool.", people=people_word(len(pool), w)),
                                        table=Markup(html_table(shown, w=w)))

    def _show_formations(self) -> None:
        f, w = self.congregation.formations(), self.w
        if f.empty:
            self.formation_list.value = empty(w._("No crews formed yet."))
            return
        rows = [(w.date(d, "medium"), w._(FORMATION_KINDS.get(k, k)),
                 "; ".join(f"{crew}: {', '.join(ms)}" for crew, ms in crews.items()))
                for d, k, crews in zip(f["date"], f["kind"], f["crews"])]
        self.formation_list.value = html_table(pd.DataFrame(rows, columns=[w._("Date"), w._("Kind"), w._("Crews")]), w=w)

    def _answer_under(self, key: str) -> Status:
        for k, status in self.statuses.items():
            if k != key:
                status.clear()
        return self.statuses[key]

    # --- the congregation -----------------------------------------------------------------------

    def start(self, _=None):
        status = self._answer_under("start")
        try:
            c = Congregation.create(self.ledger, self.new_name.value, region=self.new_region.value,
                                    purpose=self.new_purpose.value, on=chosen(self.new_date))
        except LedgerError as exc:
            status.error(exc)
            return
        self.forms["start"].reset()
        self._reload(select=c.name)
        self.statuses["agree"].ok(self.w._("Recorded: the congregation %(name)s. Add its people to the pool below.",
                                           name=c.name))

    def _record(self, key: str, act: Callable[[], str]) -> None:
        """One form's answer, said under that form: ``act`` records and returns what to say (it reads the
        form before the form is reset); a refusal (``LedgerError``) is said instead and records nothing."""
        status = self._answer_under(key)
        try:
            said = act()
        except LedgerError as exc:
            status.error(exc)
            return
        self.forms[key].reset()
        self._refresh()
        status.ok(said)

    def record_agreements(self, _=None):
        def act():
            self.ledger.record_agreements(self.congregation.name, dt.date.today(), self.agreements.value)
            return self.w._("Recorded: %(group)s's agreements.", group=self.congregation.name)
        self._record("agree", act)

    # --- the pool ---------------------------------------------------------------------------------

    def add_person(self, _=None):
        def act():
            answers = {"work": self.work.value, "slots": self.slots.value, "region": self.region.value or None,
                       "size": self.size.value, "knows": self.knows.value}
            on = chosen(self.on, self.w._("the date they joined the pool"))
            if self.invited_by.value in (None, HOST):
                self.congregation.add_person(self.person.value, on=on, answers=answers)
            else:
                self.congregation.invite(self.invited_by.value, self.person.value, on=on, answers=answers)
            return self.w._("Recorded: %(name)s is in the pool.", name=self.person.value.strip())
        self._record("person", act)

    def import_csv(self, _=None):
        def act():
            if not self.upload.value:
                raise LedgerError(self.w._("Choose a CSV file first."))
            upload = self.upload.value[0]
            try:
                names = self.congregation.import_csv(bytes(upload["content"]),
                                                     on=chosen(self.on, self.w._("the date they joined the pool")))
            except LedgerError as exc:
                raise LedgerError(f"{upload['name']}: {exc}") from exc
            return self.w.ngettext("Recorded: %(num)s person from %(file)s is in the pool (%(names)s).",
                                   "Recorded: %(num)s people from %(file)s are in the pool (%(names)s).", len(names),
                                   file=upload["name"], names=", ".join(names))
        self._record("csv", act)

    def record_gathering(self, _=None):
        def act():
            self.congregation.record_gathering(self.gathering_title.value, chosen(self.gathering_date), self.came.value)
            return self.w._("Recorded: %(gathering)s, with %(people)s.", gathering=self.gathering_title.value.strip(),
                            people=people_word(len(self.came.value), self.w))
        self._record("gathering", act)

    # --- the formation round --------------------------------------------------------------------

    def _round(self) -> formation.Round:
        return formation.Round(size=self.target.value, min_size=self.low.value, max_size=self.high.value,
                               seed=self.seed.value, work=math.inf, time_limit=ROUND_SECONDS,
                               together=tuple((a, b) for a, b, how in self.pins if how == "together"),
                               apart=tuple((a, b) for a, b, how in self.pins if how == "apart"),
                               last_season=self.last_season, history=self.history.value,
                               keep_apart=self.keep_apart.value,
                               new_to_each_other=tuple((a, b) for a, b, how in self.pins if how == "new to each other"))

    def _round_people(self) -> list[str] | None:
        if self.who.value is None:
            return None
        g = self.congregation.gatherings()
        return list(g.loc[g["id"] == self.who.value, "came"].iloc[0])

    def suggest(self, _=None) -> threading.Thread | None:
        """Start the round's search in a thread of its own, so the page stays responsive and shows its
        progress; the crews and the status follow when it is done. Returns that thread (None when the
        round was refused before searching)."""
        status = self._answer_under("round")
        started = time.perf_counter()
        try:
            names = self._round_people()
            # The ledger is read here, once, on the page's thread (the search's thread reads nothing).
            people = self.congregation.people(names, free=names is None)
            self.last_season = self.congregation.last_season()
            rnd = self._round()
        except LedgerError as exc:
            status.error(exc, nothing_recorded=False)
            return None
        # Solving again starts from the crews on screen, swaps included, when they keep every rule and
        # the new pins: the new crews are never worse than those the facilitator left. A new seed asks
        # for another search altogether, so it starts afresh.
        same_search = self.suggestion is not None and self.suggestion.round.seed == rnd.seed
        hint = [list(c) for c in self.crews] if same_search and self.crews else None
        rnd = replace(rnd, time_limit=max(SEARCH_AT_LEAST, rnd.time_limit - (time.perf_counter() - started)))
        status.info(self.w._("Looking for crews for %(people)s: about %(seconds)s seconds…",
                             people=people_word(len(people), self.w), seconds=self.w.number(ROUND_SECONDS)))
        self._searching(True)
        self._show_progress(formation.Progress(0.0, 0, 0, 0))
        self.solving = threading.Thread(target=self._search, args=(people, rnd, hint, started, self.round_number),
                                        name="formation round", daemon=True)
        self.solving.start()
        return self.solving

    def _search(self, people, rnd, hint, started: float, round_number: int) -> None:
        """The search, in its own thread: progress as it goes, then the crews, or why there are none."""
        shown = 0.0

        def progress(p: formation.Progress) -> None:
            nonlocal shown
            if round_number == self.round_number and time.perf_counter() - shown >= PROGRESS_EVERY:
                shown = time.perf_counter()
                self._show_progress(p)

        suggestion = refused = None
        try:
            suggestion = formation.suggest(people, rnd, hint=hint, progress=progress)
        except LedgerError as exc:
            refused = exc
        except Exception:  # noqa: BLE001 - a failed search must not leave the page searching for ever
            log.exception("The formation round's search failed")
            refused = self.w._("The search for crews stopped unexpectedly; press “Suggest crews” to try again.")
        with self.round_lock:
            if round_number == self.round_number:  # else another congregation was chosen meanwhile
                self._answer(suggestion, refused, people, started)

    def _answer(self, suggestion, refused, people, started: float) -> None:
        """The search's answer on the page: its crews and what the status says of them, or why there are none."""
        self.progress.value = ""
        self._searching(False)
        status = self.statuses["round"]
        if refused is not None:  # the crews on screen stay as they were
            status.error(refused, nothing_recorded=False)
            return
        self.suggestion, self.crews = suggestion, formation.solution(suggestion)
        s, w = suggestion, self.w
        gap = "" if s.gap is None else (" " + w._("It is the best possible.") if s.status == "optimal" else
                                        " " + w._("The solver proved it is within %(gap)s of the best possible.",
                                                  gap=numbers.format_percent(s.gap, locale=w.locale)))
        placed = sum(len(c) for c in self.crews)
        self._show_round(people)  # the crews first: whoever reads the status then finds them on the page
        status.ok(w._("Suggested %(crews)s for %(people)s in %(seconds)s s.", crews=crews_word(len(self.crews), w),
                      people=people_word(placed, w), seconds=w.number(round(time.perf_counter() - started, 1)))
                  + gap + " " + w._("Nothing is recorded until you create them."))

    def _searching(self, busy: bool) -> None:
        """While the round searches, the buttons that would change its crews wait."""
        self.suggest_button.disabled = self.swap_button.disabled = busy
        if busy:
            self.could_create, self.create_button.disabled = not self.create_button.disabled, True
        else:
            self.create_button.disabled = not self.could_create

    def _show_progress(self, p: formation.Progress) -> None:
        self.progress.value = snippet("progress", self.w, percent=round(100 * p.done),
                                      crews=p.crews and crews_word(p.crews, self.w), placed=people_word(p.placed, self.w),
                                      score=self.w.number(p.score))

    def add_pin(self, _=None):
        status = self._answer_under("round")
        a, b = self.pin_a.value, self.pin_b.value
        if not a or not b or name_key(a) == name_key(b):
            status.error(self.w._("Choose two different people to pin."), nothing_recorded=False)
            return
        kept = self.pins
        self.pins = [p for p in self.pins if {name_key(p[0]), name_key(p[1])} != {name_key(a), name_key(b)}]
        self.pins.append((a, b, self.pin_how.value))
        try:
            self._round().check_pins()
        except LedgerError as exc:
            self.pins = kept
            status.error(exc, nothing_recorded=False)
            return
        self._show_pins()
        status.info(self.w._("Pinned %(a)s and %(b)s %(how)s. Press “Suggest crews” to solve again with the pins.",
                             a=a, b=b, how=self.w._(PIN_WORDS[self.pin_how.value])))

    def clear(self, _=None):
        self.pins = []
        self._show_pins()

    def swap(self, _=None):
        status = self._answer_under("round")
        a, b = self.swap_a.value, self.swap_b.value
        where = {n: i for i, crew in enumerate(self.crews) for n in crew}
        if a not in where or b not in where or where[a] == where[b]:
            status.error(self.w._("Choose two people in different crews to swap."), nothing_recorded=False)
            return
        ca, cb = self.crews[where[a]], self.crews[where[b]]
        ca[ca.index(a)], cb[cb.index(b)] = b, a
        status.info(self.w._("Swapped %(a)s and %(b)s.", a=a, b=b))
        self._show_round()

    def _show_pins(self):
        w = self.w
        said = "; ".join(w._("%(a)s and %(b)s %(how)s", a=a, b=b, how=w._(PIN_WORDS[how])) for a, b, how in self.pins)
        self.pin_list.value = str(esc(w._("Pins: %(pins)s", pins=said))) if self.pins else ""

    def _show_round(self, people: list[formation.Person] | None = None):
        """The round's crews as the facilitator left them; ``people``: the round's, when already read."""
        if self.suggestion is None:
            self.result.value = ""
            self.create_button.disabled = True
            return
        if people is None:
            people = self.congregation.people([n for c in self.crews for n in c])
        by = {name_key(p.name): p for p in people}
        rnd = self._round()
        broken = formation.violations(self.crews, people, rnd)
        crews = [(self.w.number(i), ", ".join(crew), formation.describe([by[name_key(n)] for n in crew], rnd).why)
                 for i, crew in enumerate(self.crews, 1)]
        # Swaps, or a tick about last season changed since the search, can break a rule.
        self.result.value = snippet("round", self.w, crews=crews, unplaced=list(self.suggestion.unplaced.items()),
                                    broken="; ".join(broken))
        names = [(n, n) for c in self.crews for n in c]
        self.swap_a.options, self.swap_b.options = names, names
        self.create_button.disabled = not self.crews or bool(broken)

    def carry_from(self, old: CongregationApp) -> bool:
        """Built again in another language (apps/relabel.py): the round in progress stays, its suggestion,
        its crews as swapped and its pins (a search still running answers the old page: ask again)."""
        if (self.suggestion is old.suggestion and self.crews == old.crews and self.pins == old.pins
                and self.last_season == old.last_season):
            return False
        self.suggestion, self.pins, self.last_season = old.suggestion, list(old.pins), old.last_season
        self.crews = [list(crew) for crew in old.crews]
        self._show_pins()
        self._show_round()
        return True

    def _forget_round(self):
        self.suggestion, self.crews, self.pins, self.last_season = None, [], [], ()
        with self.round_lock:
            if self.solving is not None and self.solving.is_alive():  # its crews would belong to the round forgotten
                self.round_number += 1
                self.progress.value = ""
                self._searching(False)
        self._show_pins()
        self._show_round()

    def create(self, _=None):
        status = self._answer_under("create")
        temporary = self.temporary.value
        try:
            people = self.congregation.people([n for c in self.crews for n in c])
            by = {name_key(p.name): p for p in people}
            explained = formation.Suggestion([formation.describe([by[name_key(n)] for n in c], self._round())
                                              for c in self.crews],
                                             {}, 0, None, "edited", 0.0)
            fid = self.congregation.form_crews(explained, on=dt.date.today(), temporary_for=temporary)
        except LedgerError as exc:
            status.error(exc)
            return
        crews = self.congregation.formations().set_index("id").loc[fid, "crews"]
        self._forget_round()
        self._refresh()
        w = self.w
        listed = "; ".join(f"{c} ({', '.join(m)})" for c, m in crews.items())
        said = crews_word(len(crews), w, temporary=bool(temporary))
        status.ok(w._("Recorded: %(crews)s: %(listed)s.", crews=said, listed=listed) if temporary else
                  w._("Recorded: %(crews)s: %(listed)s. Each is now a crew on every level page.", crews=said,
                      listed=listed))

    def undo(self, _=None):
        status = self._answer_under("create")
        f = self.congregation.formations()
        if f.empty:
            status.error(self.w._("There is no formation to undo."))
            return
        last = int(f["id"].iloc[-1])
        try:
            self.congregation.undo_formation(last, self.undo_reason.value)
        except LedgerError as exc:
            status.error(exc)
            return
        self.undo_reason.value = ""
        self._refresh()
        status.ok(self.w._("Undone: the formation of %(day)s and its crews. It stays in the history, marked as undone.",
                           day=self.w.date(f["date"].iloc[-1], "medium")))


def _no_slots() -> pd.DataFrame:
    return pd.DataFrame([{"day": s.split()[0], "part": s.split()[1], "people": 0} for s in formation.SLOTS])
