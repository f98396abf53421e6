"""08 · Retrospective: a crew looks back on its season and decides what it will change.

The page opens with what the crew did since its last retrospective (from the ledger), then walks the
retrospective through: the facilitator types reflections for those without a phone, reveals them,
groups them into topics, records the votes and the actions, and at the season's end the crew's decision.
Built from the level pages' kit (``apps.session``); the model is this folder's ``rules`` and ``queries``.
Members send their own reflections and votes from their phones (``phone``); the page looks at the ledger
every second while it is open, so what they send shows on the projector without a reload. Every word is
the facilitator's language (``i18n``); its markup comes from templates/retrospective_page.html.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import ipywidgets as widgets
import pandas as pd
from dateutil.relativedelta import relativedelta

from ..apps import last_group
from ..apps.session import keep_looking
from ..apps.controls import Choice, MemberChoice, Status, chosen, date_picker, hint, primary, section, wide
from markupsafe import Markup

from .. import i18n, templating
from ..i18n import N_
from ..apps.markup import STYLE
from ..levels.consistency.page import download_link
from ..errors import LedgerError
from ..ledger import Ledger
from . import queries
from .calendar import calendar_file_name, retrospectives_ics
from .decisions import add_to_topic, decide
from .events import Action, ActionReviewed, Reflection, Retrospective, Reveal, Season, Topic, Vote
from .phone import COLUMN_WORDS
from .rules import EVERY_MONTHS, SEASON_MONTHS, VOTES


def _short(text: str | None, size: int = 60) -> str:
    text = text or ""
    return text if len(text) <= size else text[: size - 1] + "…"


class RetrospectiveApp:
    """The retrospective page of one crew on one day."""

    level = None  # not a level: it scores nothing (docs/rules.md#seasons-and-retrospectives)

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.w = w = i18n.words()  # the facilitator's language
        self.markup = templating.templates(w.lang).get_template("retrospective_page.html").module
        self.status = Status()
        self.group = Choice(description=w._("Crew"), layout=widgets.Layout(width="340px"), **wide())
        self.date = date_picker(w._("Retrospective on"))

        self.where = widgets.HTML()
        self.season_end = widgets.DatePicker(description=w._("Season ends on"), **wide())
        self.every = widgets.BoundedIntText(value=EVERY_MONTHS, min=1, max=12, description=w._("Months between retrospectives"),
                                            **wide())
        self.agree_button = widgets.Button(description=w._("Agree this season"), button_style="primary")
        self.calendar = widgets.HTML()

        self.since = widgets.HTML()
        self.last_actions = widgets.HTML()
        # Marked done or not once the retrospective has started: said in it (ActionReviewed).
        self.reviews: dict[int, widgets.ToggleButtons] = {}
        self.review_box = widgets.VBox()
        self.review_button = widgets.Button(description=w._("Record what was done"), button_style="primary")

        self.votes_each = widgets.BoundedIntText(value=VOTES, min=1, max=20, description=w._("Votes each"), **wide())
        self.start_button = primary(w._("Start today's retrospective"))

        self.reflector = MemberChoice(w._("Member"))
        self.column = widgets.ToggleButtons(description=w._("Column"), options=[(w._(v), k) for k, v in COLUMN_WORDS.items()], **wide())
        self.words = widgets.Textarea(description=w._("Their words"), layout=widgets.Layout(width="100%", height="70px"),
                                      **wide())
        self.words.add_class("ms-private")
        self.reflect_button = widgets.Button(description=w._("Add their reflection"), button_style="primary")
        self.board = widgets.HTML()
        self.reveal_button = widgets.Button(description=w._("Reveal everyone's reflections"), button_style="warning")

        self.ungrouped = widgets.SelectMultiple(description=w._("Reflections"), layout=widgets.Layout(width="100%"), **wide())
        self.into = Choice(description=w._("Into"), options=[(w._("a new topic"), None)], layout=widgets.Layout(width="420px"),
                           **wide())
        self.title = widgets.Text(description=w._("Topic"), placeholder=w._("A few words for what they share"),
                                  layout=widgets.Layout(width="420px"), **wide())
        self.topic_button = widgets.Button(description=w._("Group them"), button_style="primary")
        # A new topic needs its title; an existing one has it.
        self.into.observe(lambda change: setattr(self.title.layout, "display", None if change.new is None else "none"),
                          "value")
        self.topics = widgets.HTML()

        self.voter = MemberChoice(w._("Member"))
        self.topic = Choice(description=w._("Topic"), options=[(w._("— choose —"), None)], layout=widgets.Layout(width="340px"),
                            **wide())
        self.vote_button = widgets.Button(description=w._("Add a vote"), button_style="primary")

        self.owner = MemberChoice(w._("Owner"))
        self.action_text = widgets.Text(description=w._("Action"), layout=widgets.Layout(width="100%"), **wide())
        self.due = widgets.DatePicker(description=w._("Due on"), **wide())
        self.action_button = widgets.Button(description=w._("Add the action"), button_style="primary")
        self.action_list = widgets.HTML()

        self.decision = widgets.ToggleButtons(description=w._("The crew decides to"), **wide(),
                                              options=[(w._("Continue"), "continue"), (w._("Change"), "change"),
                                                       (w._("Close"), "close")])
        self.leaving = widgets.SelectMultiple(description=w._("Leaving"), **wide())
        self.joining = widgets.Textarea(description=w._("Joining, one per line"), layout=widgets.Layout(width="420px"),
                                        **wide())
        self.decide_button = widgets.Button(description=w._("Record the decision"), button_style="primary")

        self.group.observe(self._refresh, "value")
        self.date.observe(self._refresh, "value")
        for button, action in ((self.agree_button, self.agree_season), (self.review_button, self.review_actions),
                               (self.start_button, self.start), (self.reflect_button, self.reflect),
                               (self.reveal_button, self.reveal), (self.topic_button, self.group_reflections),
                               (self.vote_button, self.vote), (self.action_button, self.add_action),
                               (self.decide_button, self.decide)):
            button.on_click(lambda _, action=action: action())

        self.today = widgets.VBox()
        self.day_refused = False  # the day picked cannot hold a retrospective (after today)
        self.widget = widgets.VBox([
            widgets.HTML(STYLE), self.status.widget,
            section(w._("Which crew, which day"), self.group, self.date),
            section(w._("The season"), self.where, self.season_end, self.every, self.agree_button, self.calendar),
            section(w._("Since the last retrospective"), self.since, self.last_actions),
            self.today,
        ])
        self.group.options = [(g, g) for g in ledger.groups().query("kind == 'crew'")["group"]] or [(w._("— no crew yet —"), None)]
        if last_group.remembered(ledger) in self.group.options_values():  # the crew the other pages were on
            self.group.value = last_group.remembered(ledger)
        self.group.observe(lambda change: last_group.remember(ledger, change.new), "value")
        self._refresh()
        self._revision = ledger.revision()
        # Phones send reflections and votes while the page is on the projector: it follows them.
        self._watcher = keep_looking(self.group, self.poll)

    # --- what the page shows --------------------------------------------------------------------

    @property
    def crew(self) -> str | None:
        return self.group.value

    def retro(self) -> int | None:
        """The retrospective of the day chosen (today, or a past one recorded afterwards), once started."""
        if not self.crew or self.date.value is None:
            return None
        held = queries.retrospectives(self.ledger, self.crew)
        today = held[held["date"] == pd.Timestamp(self.date.value)]
        return None if today.empty else int(today["id"].iloc[0])

    def _refresh(self, *_) -> None:
        if not self.crew or self.date.value is None:
            self.where.value = self.since.value = self.last_actions.value = ""
            self.today.children = []
            return
        try:
            members = self.ledger.members(self.crew, on=self.date.value)
        except LedgerError as exc:  # a day ahead of today: refused as it is picked, nothing shown for it
            self.status.error(exc, nothing_recorded=False)
            self.day_refused = True
            self.where.value = self.since.value = self.last_actions.value = ""
            self.reviews, self.today.children = {}, []
            return
        if self.day_refused:  # the day is good again: its refusal goes
            self.status.clear()
            self.day_refused = False
        for choice in (self.reflector, self.voter, self.owner):
            choice.set_names(members)
        self.leaving.options = members
        where = queries.standing(self.ledger, self.crew, self.date.value)
        # Where the crew is in its season: the model's sentence (seasons/queries.py), not translated yet.
        self.where.value = self.markup.where(where.words(), Markup(""))
        self.season_end.value = self.date.value + relativedelta(months=SEASON_MONTHS)
        self.calendar.value = "" if where.season is None else download_link(
            retrospectives_ics(self.crew, where.planned), calendar_file_name(self.crew),
            self.w._("Download season %(n)s's retrospectives (.ics calendar file)", n=where.season))
        self.due.value = self.date.value + relativedelta(months=1)
        self.start_button.description = self._on_the_day(self.w._("Start today's retrospective"),
                                                         N_("Start the retrospective of %(day)s"))
        self._show_since()
        self._show_today()

    def _show_since(self) -> None:
        opens = queries.since_last(self.ledger, self.crew, self.date.value, include_private=True)
        w = self.w
        points = opens.points.reset_index()
        level_columns = [c for c in points.columns if c not in ("member", "total")]
        self.since.value = self.markup.since(
            w.date(opens.since.date()) if opens.since is not None else None, opens.meetings, opens.conflicts_opened,
            opens.conflicts_closed,
            None if points.empty else {
                "columns": [w._("Member"), *level_columns, w._("Total")],
                "rows": points[["member", *level_columns, "total"]].itertuples(index=False),
                "numeric": tuple(range(1, len(level_columns) + 2))},
            None if opens.attendance.empty else {
                "columns": [w._("Member"), w._("Came"), w._("Missed"), w._("Streak now")],
                "rows": opens.attendance[["member", "attended", "missed", "streak"]].itertuples(index=False)})
        # Last time's actions: who owns each, when it was due, whether it was done (said in this one).
        last = opens.actions
        said = {True: w._("Done"), False: w._("Not done")}
        self.last_actions.value = "" if last.empty else self.markup.table(
            [w._("Owner"), w._("Action"), w._("Due"), w._("Done?")],
            zip(last["owner"], last["what"], (w.date(d.date()) for d in last["due"]),
                (w._("not said yet") if pd.isna(d) else said[bool(d)] for d in last["done"])),
            w._("Last time's actions"))
        self.reviews = {}
        toggles = []
        for action in last[last["done"].isna()].itertuples():
            toggle = widgets.ToggleButtons(options=[(said[True], True), (said[False], False)], value=None,
                                           description=f"{action.owner}: {_short(action.what)}", **wide())
            self.reviews[action.id] = toggle
            toggles.append(toggle)
        self.review_box.children = toggles

    def poll(self) -> None:
        """Show what phones (or another page) recorded since the last look: today's reflections, topics and
        votes. Only that part is drawn again, keeping what the facilitator is typing or has chosen."""
        try:
            revision = self.ledger.revision()
        except LedgerError:
            return  # busy for a moment: the next look tries again
        if revision != self._revision:
            self._revision = revision
            if self.crew and self.date.value is not None and not self.day_refused:
                self._show_today()

    def _show_today(self) -> None:
        retro, w = self.retro(), self.w
        if retro is None:
            self.today.children = [section(self._on_the_day(w._("Today's retrospective"),
                                                            N_("The retrospective of %(day)s")), hint(self.markup.where(w._(
                "Each member writes what is working, what could be better and what we will change, on their phone "
                "or through you; nobody sees another's words until you reveal them."), Markup("")))),
                self.votes_each, self.start_button]
            return
        notes = queries.reflections(self.ledger, retro)
        revealed = bool(queries.retrospectives(self.ledger, self.crew).set_index("id").loc[retro, "revealed"])
        self._show_board(notes, revealed)
        children = [section(w._("Were last time's actions done?"), self.review_box, self.review_button)
                    ] if self.reviews else []
        children += [section(w._("Reflections"), self.board, *([] if revealed else [
            hint(self.markup.where(w._("For someone without a phone, type their reflection here."), Markup(""))),
            self.reflector, self.column, self.words, self.reflect_button, self.reveal_button]))]
        if revealed:
            loose = notes[notes["topic"].isna()]
            chosen_before = self.ungrouped.value
            options = [(w._("%(column)s · %(member)s: %(words)s", column=w._(COLUMN_WORDS[r.column]), member=r.member,
                             words=_short(r.words)), r.id) for r in loose.itertuples()]
            if list(self.ungrouped.options) != options:
                # Nothing chosen first: a page shown a choice beyond the new, shorter list fails to draw it.
                self.ungrouped.value = ()
                self.ungrouped.options = options
                self.ungrouped.value = tuple(v for v in chosen_before if v in set(loose["id"]))
            found = queries.topics(self.ledger, retro)
            # Reflections go into a new topic or one nobody has voted for yet.
            self.into.options = [(w._("a new topic"), None)] + [(t.title, t.id) for t in found.itertuples() if not t.votes]
            self.topic.options = [(w._("— choose —"), None)] + [(w._("%(title)s (%(votes)s)", title=t.title, votes=t.votes),
                                                                  t.id) for t in found.itertuples()]
            self.topics.value = "" if found.empty else self.markup.table(
                [w._("Title"), w._("Reflections"), w._("Votes")],
                zip(found["title"], found["reflections"].map(len), found["votes"]), w._("Topics, most votes first"), (1, 2))
            actions = queries.actions(self.ledger, self.crew, retro, include_private=True)
            self.action_list.value = "" if actions.empty else self.markup.table(
                [w._("Owner"), w._("Action"), w._("Due")],
                zip(actions["owner"], actions["what"], (w.date(d.date()) for d in actions["due"])),
                self._on_the_day(w._("Today's actions"), N_("The actions agreed on %(day)s")))
            each = self._votes_each(retro)
            children += [section(w._("Group the reflections"), self.ungrouped, self.into, self.title, self.topic_button,
                                 self.topics),
                         section(w._("Votes"), hint(self.markup.where(
                             w.ngettext("%(num)s vote each, from the phones or here.",
                                        "%(num)s votes each, from the phones or here.", each), Markup(""))),
                                 self.voter, self.topic, self.vote_button),
                         section(w._("Actions"), self.owner, self.action_text, self.due, self.action_button,
                                 self.action_list)]
        children.append(section(w._("At the season's end"), self.decision, self.leaving, self.joining,
                                self.decide_button))
        self.today.children = children

    def _on_the_day(self, today: str, other: str) -> str:
        """``today``'s words when the day chosen is today, else ``other``'s, saying the day: a past
        retrospective recorded afterwards is never called today's."""
        if self.date.value == dt.date.today():
            return today
        return self.w._(other, day=self.w.date(self.date.value))

    def _votes_each(self, retro: int) -> int:
        return int(queries.retrospectives(self.ledger, self.crew).set_index("id").loc[retro, "votes"])

    def _show_board(self, notes: pd.DataFrame, revealed: bool) -> None:
        if notes.empty:
            self.board.value = self.markup.board(None, ())
        elif not revealed:  # who has written, never what
            said = notes.groupby("member").size()
            self.board.value = self.markup.board(", ".join(f"{m} ({n})" for m, n in said.items()), ())
        else:
            self.board.value = self.markup.board(None, [
                (self.w._(label), zip(notes.loc[notes["column"] == key, "member"], notes.loc[notes["column"] == key, "words"]))
                for key, label in COLUMN_WORDS.items() if (notes["column"] == key).any()])

    # --- what the facilitator does ------------------------------------------------------------

    def _do(self, write: Callable[[], str]) -> None:
        """Run one write; its words, or the refusal's, in the page's message area."""
        try:
            said = write()
        except LedgerError as exc:
            self.status.error(exc)
            return
        self.status.ok(said)
        self._refresh()

    def _needs_retro(self) -> int:
        retro = self.retro()
        if retro is None:
            raise LedgerError(self._on_the_day(self.w._("Start today's retrospective first."),
                                               N_("Start the retrospective of %(day)s first.")))
        return retro

    def agree_season(self) -> None:
        def write():
            self.ledger.record(Season(self.crew, chosen(self.date), end=chosen(self.season_end, "the season's end"),
                                      every_months=self.every.value))
            return self.w._("Recorded: the season of %(crew)s, until %(day)s.", crew=self.crew,
                           day=self.w.date(self.season_end.value))
        self._do(write)

    def review_actions(self) -> None:
        def write():
            answered = {aid: t.value for aid, t in self.reviews.items() if t.value is not None}
            if not answered:
                raise LedgerError(self.w._("Mark at least one action as done or not done."))
            # Said in this retrospective, so it is started first; all the marks land together or none.
            retro, day = self._needs_retro(), chosen(self.date)
            with self.ledger.batch() as batch:
                for aid, done in answered.items():
                    batch.record(ActionReviewed(aid, day, done, retrospective=retro))
            return self.w.ngettext("Recorded: %(num)s action reviewed.", "Recorded: %(num)s actions reviewed.",
                                   len(answered))
        self._do(write)

    def start(self) -> None:
        def write():
            self.ledger.record(Retrospective(self.crew, chosen(self.date), votes=self.votes_each.value))
            n = self.votes_each.value
            if self.date.value == dt.date.today():
                return self.w.ngettext("Today's retrospective has started; %(num)s vote each.",
                                       "Today's retrospective has started; %(num)s votes each.", n)
            return self.w.ngettext("The retrospective of %(day)s has started; %(num)s vote each.",
                                   "The retrospective of %(day)s has started; %(num)s votes each.", n,
                                   day=self.w.date(self.date.value))
        self._do(write)

    def reflect(self) -> None:
        def write():
            self.ledger.record(Reflection(self._needs_retro(), self.reflector.value, self.column.value, self.words.value,
                                          typed_by_facilitator=True))
            self.words.value = ""
            return self.w._("Recorded %(name)s's reflection; it stays hidden until you reveal them.",
                           name=self.reflector.value)
        self._do(write)

    def reveal(self) -> None:
        def write():
            self.ledger.record(Reveal(self._needs_retro()))
            return self.w._("Revealed: everyone's reflections are on the screen.")
        self._do(write)

    def group_reflections(self) -> None:
        def write():
            if self.into.value is None:
                self.ledger.record(Topic(self._needs_retro(), list(self.ungrouped.value), self.title.value))
                self.title.value = ""
                return self.w._("Grouped.")
            title = dict(zip(self.into.options_values(), self.into.options))[self.into.value][0]
            add_to_topic(self.ledger, self.into.value, list(self.ungrouped.value), title)
            return self.w._("Added to “%(title)s”.", title=title)
        self._do(write)

    def vote(self) -> None:
        def write():
            if self.topic.value is None:
                raise LedgerError(self.w._("Choose the topic to vote for."))
            self.ledger.record(Vote(self.topic.value, self.voter.value))
            left = queries.votes_left(self.ledger, self._needs_retro(), self.voter.value)
            return self.w._("Recorded %(name)s's vote; %(left)s left.", name=self.voter.value, left=left)
        self._do(write)

    def add_action(self) -> None:
        def write():
            self.ledger.record(Action(self._needs_retro(), self.owner.value, chosen(self.due, "the due date"),
                                      self.action_text.value))
            self.action_text.value = ""
            return self.w._("Recorded the action for %(name)s; the next retrospective opens with it.",
                           name=self.owner.value)
        self._do(write)

    def decide(self) -> None:
        def write():
            joining = [n for n in self.joining.value.splitlines() if n.strip()]
            decide(self.ledger, self.crew, chosen(self.date), self.decision.value,
                   leaving=list(self.leaving.value), joining=joining)
            self.joining.value = ""
            said = {"continue": N_("Recorded: %(crew)s continues with a new season."),
                    "change": N_("Recorded: %(crew)s changes and goes on with a new season."),
                    "close": N_("Recorded: %(crew)s closed on %(day)s. Its history and points stay; its people are "
                                "back in the pool.")}[self.decision.value]
            return self.w._(said, crew=self.crew, day=self.w.date(self.date.value))
        self._do(write)

