"""01 · Crew set-up: create crews and partnerships, welcome later joiners, agree how to keep each
other safe, and see every group with its members."""

from __future__ import annotations

import os
import warnings

import ipywidgets as widgets
import pandas as pd

from .. import holds, i18n, rules
from ..errors import LedgerError, LookAlikeName
from ..ledger import Ledger
from ..seasons import standings
from . import last_group, texts
from .controls import Choice, Form, MemberChoice, Status, chosen, date_picker, hint, primary, section, wide
from .markup import STYLE, empty, esc, html_list, html_table, snippet
from .session import KIND_WORDS, group_label


def _group_dropdown(description: str) -> Choice:
    return Choice(description=description, layout=widgets.Layout(width="340px"), **wide())


def _recording(w: i18n.Words, call, *args, **kwargs) -> str:
    """Run a ledger call; what it warns about (a look-alike name) comes back as words to show."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LookAlikeName)
        call(*args, **kwargs)
    return "".join(" " + w._("Note: %(note)s", note=c.message) for c in caught if issubclass(c.category, LookAlikeName))


def _names_on_phones(w: i18n.Words) -> list[widgets.Widget]:
    """While members can join (``serve --share``), where the facilitator frees a name a phone holds
    (``holds``): a page of the server itself, since the holds live in its process, not in this kernel."""
    address = os.environ.get(holds.PAGE_ENV)
    if not address:
        return []
    link = snippet("link", href=address, text=w._("Names chosen on phones: see and free them"))
    return [section(w._("Names chosen on phones"), hint(esc(w._(texts.NAMES_ON_PHONES_HINT))), widgets.HTML(link))]


class CrewApp:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        # The page's language: the kernel's, i.e. the one chosen on the landing page (apps/page.py).
        self.w = w = i18n.words()
        # Each form answers right under itself, where the facilitator is looking.
        self.create_status, self.join_status, self.agree_status = Status(w), Status(w), Status(w)
        self.change_status = Status(w)

        self.new_name = widgets.Text(description=w._("Group name"), layout=widgets.Layout(width="420px"), **wide())
        self.new_kind = widgets.ToggleButtons(description=w._("Kind"),
                                              options=[(w._("Crew (3–8 people)"), "crew"),
                                                       (w._("Partnership (2 people)"), "partnership")], **wide())
        self.new_members = widgets.Textarea(description=w._("Members, one per line"),
                                            layout=widgets.Layout(width="420px", height="150px"), **wide())
        self.new_date = date_picker(w._("Started on"))
        self.create_button = primary(w._("Create crew"), disabled=True)
        self.create_missing = hint("")  # says why the button is greyed out

        self.join_group = _group_dropdown(w._("Group"))
        self.join_name = widgets.Text(description=w._("New member's name"), layout=widgets.Layout(width="420px"),
                                      **wide())
        self.join_date = date_picker(w._("Joined on"))
        self.join_button = widgets.Button(description=w._("Add member"), button_style="primary", disabled=True)

        # Rename a member (everywhere: one person, one name) or record that they left a group.
        self.change_group = _group_dropdown(w._("Group"))
        self.change_member = MemberChoice(w._("Member"))
        self.rename_to = widgets.Text(description=w._("New name"), layout=widgets.Layout(width="320px"), **wide())
        self.rename_button = widgets.Button(description=w._("Rename"), button_style="primary", disabled=True)
        self.leave_date = date_picker(w._("Left on"))
        self.remove_button = widgets.Button(description=w._("Remove from the group"), button_style="warning",
                                            disabled=True)

        self.agree_group = _group_dropdown(w._("Group"))
        self.agree_date = date_picker(w._("Agreed on"))
        self.confidentiality = widgets.Textarea(description=w._("Confidentiality"),
                                                placeholder=w._(texts.CONFIDENTIALITY_PLACEHOLDER),
                                                layout=widgets.Layout(width="100%", height="70px"), **wide())
        self.cross_talk = widgets.Textarea(description=w._("Cross-talk"), placeholder=w._(texts.CROSS_TALK_PLACEHOLDER),
                                           layout=widgets.Layout(width="100%", height="70px"), **wide())
        self.agree_private = widgets.Checkbox(description=w._("Keep these agreements private (out of exports)"),
                                              indent=False, layout=widgets.Layout(width="auto"))
        self.agree_button = widgets.Button(description=w._("Record agreements"), button_style="primary")
        self.current_agreements = widgets.HTML()

        self.group_list = widgets.HTML()
        self.season_list = widgets.HTML()  # where each crew is in its season (docs/rules.md#seasons-and-retrospectives)

        for field in (self.new_name, self.new_kind, self.new_members):
            field.observe(self._ready_to_create, "value")
        self.join_name.observe(lambda ch: setattr(self.join_button, "disabled", not ch["new"].strip()), "value")
        self.create_button.on_click(self.create_group)
        self.join_button.on_click(self.add_member)
        self.agree_button.on_click(self.record_agreements)
        # Remembered first: the page redraws for the group next, and may be closed before it is done.
        self._filling_groups = False  # while ``_refresh`` fills the group lists in (no choice of the facilitator's)
        for dropdown in (self.join_group, self.change_group, self.agree_group):
            dropdown.observe(self._group_chosen, "value")
        self.agree_group.observe(self._show_agreements, "value")
        self.change_group.observe(self._list_members, "value")
        for field in (self.change_member, self.rename_to):
            field.observe(self._ready_to_change, "value")
        self.rename_button.on_click(self.rename_member)
        self.remove_button.on_click(self.remove_member)
        # Each form declared once: what is typed goes back to blank once recorded, the choices stay for
        # the next one. A message is about its form as it was when the button was pressed: a change to
        # that form takes it away, so an old refusal or confirmation never sits beside what is typed now.
        self.create_form = Form([self.new_name, self.new_members], kept=[self.new_kind, self.new_date],
                                changed=self.create_status.clear)
        self.join_form = Form([self.join_name], kept=[self.join_group, self.join_date], changed=self.join_status.clear)
        self.change_form = Form([self.rename_to], kept=[self.change_group, self.change_member, self.leave_date],
                                changed=self.change_status.clear)
        self.agree_form = Form([self.confidentiality, self.cross_talk],
                               kept=[self.agree_group, self.agree_date, self.agree_private],
                               changed=self.agree_status.clear)

        why = snippet("why", intro=w._("Take a round on one or two of these before you begin."),
                      prompts=[(w._(theme), w._(question)) for theme, question in texts.WHY_SMALL_GROUPS])
        self.widget = widgets.VBox([
            widgets.HTML(STYLE),
            section(w._("Opening conversation: why meet in small groups?"), hint(why)),
            section(w._("Create a crew or partnership"), self.new_name, self.new_kind, self.new_members, self.new_date,
                    self.create_button, self.create_missing, self.create_status.widget),
            section(w._("Welcome someone who joins later"), widgets.HBox([self.join_group, self.join_date]), self.join_name,
                    self.join_button, self.join_status.widget),
            section(w._("Rename or remove a member"), hint(esc(w._(texts.CHANGE_MEMBER_HINT))),
                    widgets.HBox([self.change_group, self.change_member]),
                    widgets.HBox([self.rename_to, self.rename_button]),
                    widgets.HBox([self.leave_date, self.remove_button]), self.change_status.widget),
            *_names_on_phones(w),
            section(w._("Our agreements"), hint(esc(w._(texts.AGREEMENTS_HINT))), widgets.HBox([self.agree_group, self.agree_date]),
                    self.confidentiality, self.cross_talk, self.agree_private, self.agree_button,
                    self.agree_status.widget, self.current_agreements),
            section(w._("Every group and its members"), self.group_list),
            section(w._("Where each crew is in its season"), self.season_list),
        ])
        self.widget.add_class("ms-page")
        self._ready_to_create()
        self._refresh()

    # --- actions ----------------------------------------------------------------------------

    def _answer_under(self, status: Status) -> None:
        """Only the form just used shows a message, so an old one never reads as the latest."""
        for other in (self.create_status, self.join_status, self.agree_status, self.change_status):
            if other is not status:
                other.clear()

    def _ready_to_create(self, *_):
        w = self.w
        self.create_button.description = w._("Create crew") if self.new_kind.value == "crew" else w._("Create partnership")
        named, listed = self.new_name.value.strip(), self.new_members.value.strip()
        missing = ("" if named and listed else
                   w._("To create it, type a name for the group.") if listed else
                   w._("To create it, list the members, one per line.") if named else
                   w._("To create it, type a name for the group and list the members, one per line."))
        self.create_button.disabled = bool(missing)
        self.create_missing.value = str(esc(missing))

    def create_group(self, _=None):
        self._answer_under(self.create_status)
        names = [line.strip() for line in self.new_members.value.splitlines() if line.strip()]
        try:
            note = _recording(self.w, self.ledger.add_group, self.new_name.value, names, kind=self.new_kind.value,
                              on=chosen(self.new_date))
        except LedgerError as exc:
            self.create_status.error(exc)
            return
        name = self.new_name.value.strip()
        # The names as typed, in their order (a list of people, not a sentence's "and").
        said = (self.w._("Recorded: the crew %(group)s with %(names)s.", group=name, names=", ".join(names))
                if self.new_kind.value == "crew" else
                self.w._("Recorded: the partnership %(group)s with %(names)s.", group=name, names=", ".join(names))) + note
        self.create_form.reset()
        last_group.remember(self.ledger, name)  # the group worked on now: the next page opens on it
        self._refresh(select=name)
        self.create_status.ok(said)  # after the form is reset, which would take a message away

    def add_member(self, _=None):
        self._answer_under(self.join_status)
        try:
            if not self.join_group.value:
                raise LedgerError(self.w._("Choose the group they are joining."))
            note = _recording(self.w, self.ledger.add_member, self.join_group.value, self.join_name.value,
                              on=chosen(self.join_date))
        except LedgerError as exc:
            self.join_status.error(exc)
            return
        said = self.w._("Recorded: %(name)s joined %(group)s on %(day)s.", name=self.join_name.value.strip(),
                        group=self.join_group.value, day=self.w.date(self.join_date.value)) + note
        self.join_form.reset()
        self._refresh()
        self.join_status.ok(said)

    def rename_member(self, _=None):
        self._answer_under(self.change_status)
        old, new = self.change_member.value, self.rename_to.value.strip()
        try:
            if not old:
                raise LedgerError(self.w._("Choose the member to rename."))
            self.ledger.rename_member(old, new)
        except LedgerError as exc:
            self.change_status.error(exc)
            return
        self.change_form.reset()
        self._refresh(chosen_member=new)
        self.change_status.ok(self.w._("Recorded: %(old)s is now called %(new)s, in every group; their history and "
                                       "points stay theirs.", old=old, new=new))

    def remove_member(self, _=None):
        self._answer_under(self.change_status)
        group, who = self.change_group.value, self.change_member.value
        try:
            if not group or not who:
                raise LedgerError(self.w._("Choose the group and the member who is leaving."))
            on = chosen(self.leave_date)
            self.ledger.remove_member(group, who, on=on)
        except LedgerError as exc:
            self.change_status.error(exc)
            return
        self._refresh()
        self.change_status.ok(self.w._("Recorded: %(name)s left %(group)s on %(day)s. What they did before stays in "
                                       "the history with its points; meetings after that day no longer count them.",
                                       name=who, group=group, day=self.w.date(on)))

    def record_agreements(self, _=None):
        self._answer_under(self.agree_status)
        # Kept as written, under the labels of the language they were written in.
        parts = [(box.description, box.value.strip()) for box in (self.confidentiality, self.cross_talk)]
        text = "\n".join(f"{label}: {value}" for label, value in parts if value)
        try:
            if not self.agree_group.value:
                raise LedgerError(self.w._("Choose the group these agreements are for."))
            self.ledger.record_agreements(self.agree_group.value, chosen(self.agree_date), text,
                                          private=self.agree_private.value)
        except LedgerError as exc:
            self.agree_status.error(exc)
            return
        self.agree_form.reset()
        self._show_agreements()
        self.agree_status.ok(self.w._("Recorded: %(group)s's agreements.", group=self.agree_group.value))

    # --- views ------------------------------------------------------------------------------

    def _refresh(self, select: str | None = None, chosen_member: str | None = None):
        groups = self.ledger.groups()
        options = [(group_label(g, k, self.w), g) for g, k in zip(groups["group"], groups["kind"])]
        # A new crew is where the next joiner goes; the other pickers stay on what the facilitator chose
        # and, on a page just opened, on the group last worked on (on any page).
        remembered = last_group.remembered(self.ledger)
        self._filling_groups = True
        try:
            for dropdown, kinds, follow in ((self.join_group, ("crew",), True),
                                            (self.agree_group, rules.GROUP_KINDS, False),
                                            (self.change_group, rules.GROUP_KINDS, False)):
                current = (select if follow else None) or dropdown.value or remembered
                dropdown.options = [o for o, k in zip(options, groups["kind"]) if k in kinds]
                if current in dropdown.options_values():
                    dropdown.value = current
        finally:
            self._filling_groups = False
        self._show_groups(groups)
        self._show_seasons()
        self._show_agreements()
        self._list_members(chosen=chosen_member)

    def _group_chosen(self, change) -> None:
        if not self._filling_groups:
            last_group.remember(self.ledger, change.new)

    def _list_members(self, *_, chosen: str | None = None):
        group = self.change_group.value
        self.change_member.set_names(self.ledger.members(group) if group else [])
        if chosen:
            self.change_member.value = chosen  # the name just given, in place of the one it replaced
        self._ready_to_change()

    def _ready_to_change(self, *_):
        self.remove_button.disabled = not self.change_member.value
        self.rename_button.disabled = not (self.change_member.value and self.rename_to.value.strip())

    def _show_groups(self, groups: pd.DataFrame):
        if groups.empty:
            self.group_list.value = empty(self.w._("No groups yet: create the first one above."))
            return
        w = self.w
        changes = self.ledger.memberships()
        joined = changes[changes["change"] == "joined"].groupby(["group", "member"])["date"].max()

        def roster(group, members):
            return ", ".join(w._("%(name)s (joined %(day)s)", name=m, day=w.date(joined[(group, m)], "medium"))
                             if (group, m) in joined.index else m for m in members)

        points = self.ledger.points().groupby("group")["points"].sum()
        size, total = w._("Size"), w._("Points")
        shown = pd.DataFrame({w._("Group"): groups["group"],
                              w._("Kind"): groups["kind"].map(lambda k: w._(KIND_WORDS.get(k, k))), size: groups["size"],
                              w._("Members"): [roster(g, ms) for g, ms in zip(groups["group"], groups["members"])],
                              total: groups["group"].map(points).fillna(0).astype(int)})
        self.group_list.value = html_table(shown, numeric=[size, total], w=w)

    def _show_seasons(self):
        w = i18n.words()
        said = [esc(where.words(w)) for where in standings(self.ledger)]
        none_yet = w._("No crew yet: once a crew is created, where it is in its season shows here.")
        self.season_list.value = html_list(said, "ms-seasons") if said else empty(none_yet)

    def _show_agreements(self, *_):
        group = self.agree_group.value
        text = self.ledger.agreements(group, include_private=True) if group else None
        if text is None:
            self.current_agreements.value = empty(self.w._("No agreements recorded for this group yet.")) if group else ""
            return
        self.current_agreements.value = snippet("agreements", self.w, group=group, text=text)
