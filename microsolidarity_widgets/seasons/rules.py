"""What each event of a crew's season needs before it may enter the ledger (one builder per kind, as
``microsolidarity_widgets.rules`` has for the levels): each reads the ledger through ``State`` inside the
write transaction and returns an ``Entry`` or raises ``LedgerError`` in plain words."""

from __future__ import annotations

import datetime as dt
import numbers

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from .. import storage as st
from ..errors import LedgerError
from .. import i18n
from ..i18n import N_, _, ngettext
from ..rules import Entry, Part, State, dated, given, one_member
from ..values import clean_date, clean_text, name_key, shown

OWNER = "owner"  # the role of the member an action of a retrospective is given to

EVERY_MONTHS = 3        # a retrospective about every three months (docs/rules.md#crew-formation)
SEASON_MONTHS = 6       # crews are re-formed every 4 to 6 months: a season's default length
VOTES = 3               # each member's votes in a retrospective, unless the crew says otherwise
MAX_VOTES = 20
MAX_REFLECTION = 1000   # a sticky note, not an essay: long enough for a paragraph
MAX_TITLE = 200
# The three questions of a retrospective, by the short name the ledger keeps.
# A season's end, its retrospectives and an action's due date are agreed ahead: unlike what happened,
# they may lie in the future.
AHEAD = dt.date.max
COLUMNS = {"working": "What is working", "better": "What could be better", "change": "What will we change"}
DECISIONS = ("continue", "change", "close")


def crew(state: State, group) -> sa.Row:
    g = state.group(group)
    if g.kind != "crew":
        raise LedgerError(_("%(group)s is a partnership: seasons and retrospectives are for crews.", group=g.name)
                          if g.kind == "partnership" else
                          _("%(group)s is a congregation: seasons and retrospectives are for crews.", group=g.name))
    return g


def whole(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LedgerError(_("The %(what)s is a whole number from %(low)s to %(high)s, not “%(value)s”.",
                            what=_(what), low=low, high=high, value=shown(value)))
    return value


def season_days(start: dt.date, end: dt.date, every_months: int) -> list[dt.date]:
    """A retrospective every ``every_months`` months from the start, and one on the season's last day."""
    days, n = [], 1
    while (day := start + relativedelta(months=every_months * n)) < end:
        days.append(day)
        n += 1
    return days + [end]


def agree_season(state: State, group, on, end=None, retrospectives=None, every_months=EVERY_MONTHS) -> Entry:
    g = crew(state, group)
    start = dated(state, g, on)
    every = whole(every_months, N_("number of months between retrospectives"), 1, 12)
    end = clean_date(end, N_("season's end"), today=AHEAD) if end is not None else start + relativedelta(months=SEASON_MONTHS)
    if end <= start:
        raise LedgerError(_("A season ends after it starts: %(end)s is not after %(start)s.", end=end.isoformat(),
                            start=start.isoformat()))
    if retrospectives is None:
        days = season_days(start, end, every)
    else:
        if isinstance(retrospectives, (str, dt.date)) or not hasattr(retrospectives, "__iter__"):
            raise LedgerError(_("Give the retrospectives' days as a list of dates."))
        days = sorted({clean_date(d, N_("retrospective's day"), today=AHEAD) for d in retrospectives})
        if not days:
            raise LedgerError(_("A season has at least one retrospective, on its last day at the latest."))
        for day in days:
            if not start < day <= end:
                raise LedgerError(_("The retrospective on %(day)s is outside the season (%(start)s to %(end)s).",
                                    day=day.isoformat(), start=start.isoformat(), end=end.isoformat()))
    for earlier in state.live("season", g.id):
        if earlier.on_date >= start.isoformat():
            raise LedgerError(_("%(group)s already has a season starting on %(day)s: a new season starts after it (undo "
                                "that one first if it was wrong).", group=g.name, day=earlier.on_date))
    return Entry("season", start, group=g.name,
                 data={"end": end.isoformat(), "retrospectives": [d.isoformat() for d in days]})


def hold_retrospective(state: State, group, on, votes=VOTES) -> Entry:
    g = crew(state, group)
    on = dated(state, g, on)
    votes = whole(votes, N_("number of votes each member has"), 1, MAX_VOTES)
    if state.live("retrospective", g.id, on_date=on.isoformat()):
        raise LedgerError(_("%(group)s already has a retrospective on %(day)s.", group=g.name, day=on.isoformat()))
    return Entry("retrospective", on, group=g.name, data={"votes": votes})


def standing_retrospective(state: State, event_id) -> sa.Row:
    """A retrospective that stands, by its event id."""
    row = state.event(event_id)
    if row.kind != "retrospective":
        raise LedgerError(_("That record is not a retrospective: choose one of the crew's retrospectives."))
    if state.void_of(row.id):
        raise LedgerError(_("The retrospective of %(day)s was undone.", day=row.on_date))
    return row


def revealed(state: State, retro: sa.Row) -> bool:
    return bool(state.live("reflections_revealed", ref_id=retro.id))


def reflect(state: State, retrospective, member, column, words=None, typed_by_facilitator=False) -> Entry:
    retro = standing_retrospective(state, retrospective)
    g = state.group(state.group_name(retro.group_id))
    member = one_member(state, g, dt.date.fromisoformat(retro.on_date), member, N_("member reflecting"))
    if column not in COLUMNS:
        # The columns as the reader's language names them (the phone's words, phone.COLUMN_WORDS).
        raise LedgerError(_("A reflection goes in one of the columns %(columns)s, not “%(value)s”.",
                            columns=i18n.words().list([_(c) for c in COLUMNS.values()], style="or"), value=shown(column)))
    if isinstance(words, str) and len(words.strip()) > MAX_REFLECTION:
        raise LedgerError(_("This reflection is %(length)s characters long; keep it under %(most)s (a few sentences), "
                            "or split it in two.", length=len(words.strip()), most=MAX_REFLECTION))
    words = clean_text(words, N_("reflection"), required=True)
    if not isinstance(typed_by_facilitator, bool):
        raise LedgerError(_("Say whether the facilitator typed this reflection (yes or no)."))
    if revealed(state, retro):
        raise LedgerError(_("The reflections of this retrospective are already revealed: say it aloud, or undo the "
                          "reveal to add it."))
    # Private: a reflection is someone's own words (docs/rules.md#private-words).
    return Entry("reflection", dt.date.fromisoformat(retro.on_date), group=g.name, ref_id=retro.id,
                 data=given(column=column, typed_by_facilitator=typed_by_facilitator or None),
                 texts={"words": words}, private=True, parts=[Part(member, "reflected")])


def reveal(state: State, retrospective) -> Entry:
    retro = standing_retrospective(state, retrospective)
    if revealed(state, retro):
        raise LedgerError(_("The reflections of this retrospective are already revealed."))
    if not state.live("reflection", ref_id=retro.id):
        raise LedgerError(_("Nobody has written a reflection in this retrospective yet: there is nothing to reveal."))
    return Entry("reflections_revealed", dt.date.fromisoformat(retro.on_date), group=state.group_name(retro.group_id),
                 ref_id=retro.id)


def _ids(values) -> list[int]:
    """The reflections' event ids, as a list of whole numbers."""
    if isinstance(values, (str, bytes, dict, int)) or not hasattr(values, "__iter__"):
        raise LedgerError(_("Give the reflections as a list of their numbers."))
    out = []
    for v in values:
        # Any whole number (a frame's numpy integers too), never True or False.
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise LedgerError(_("“%(value)s” is not the number of a reflection.", value=shown(v)))
        if int(v) not in out:
            out.append(int(v))
    return out


def topic_of(state: State, retro_id: int, reflection_id: int) -> int | None:
    """The standing topic of the retrospective a reflection is grouped in, if any."""
    for row in state.live("topic", ref_id=retro_id):
        if reflection_id in row.data["reflections"]:
            return row.id
    return None


def group_reflections(state: State, retrospective, reflections, title=None) -> Entry:
    retro = standing_retrospective(state, retrospective)
    if not revealed(state, retro):
        raise LedgerError(_("Reveal the reflections before grouping them."))
    if isinstance(title, str) and len(title.strip()) > MAX_TITLE:
        raise LedgerError(_("A topic's title is %(length)s characters long; keep it under %(most)s.",
                            length=len(title.strip()), most=MAX_TITLE))
    title = clean_text(title, N_("topic's title"), required=True)
    ids = _ids(reflections)
    if not ids:
        raise LedgerError(_("Choose at least one reflection for this topic."))
    for rid in ids:
        row = state.event(rid)
        if row.kind != "reflection" or row.ref_id != retro.id or state.void_of(rid):
            raise LedgerError(_("Reflection %(id)s is not one of this retrospective's.", id=rid))
        if topic_of(state, retro.id, rid) is not None:
            raise LedgerError(_("Reflection %(id)s is already in a topic: undo that topic to regroup it.", id=rid))
    return Entry("topic", dt.date.fromisoformat(retro.on_date), group=state.group_name(retro.group_id), ref_id=retro.id,
                 data={"reflections": ids}, texts={"title": title}, private=True)


def votes_cast(state: State, retro_id: int, member: str) -> int:
    topics = {row.id for row in state.live("topic", ref_id=retro_id)}
    return sum(row.data["votes"] for tid in topics for row in state.live("vote", ref_id=tid)
               if name_key(state.parts(row.id)[0].name) == name_key(member))


def vote(state: State, topic, member, votes=1) -> Entry:
    row = state.event(topic)
    if row.kind != "topic" or state.void_of(row.id):
        raise LedgerError(_("That record is not a topic of a retrospective: vote for one of the topics shown."))
    retro = standing_retrospective(state, row.ref_id)
    g = state.group(state.group_name(retro.group_id))
    member = one_member(state, g, dt.date.fromisoformat(retro.on_date), member, "member voting")
    votes = whole(votes, N_("number of votes"), 1, MAX_VOTES)
    limit, cast = retro.data["votes"], votes_cast(state, retro.id, member)
    if cast + votes > limit:
        left = limit - cast
        raise LedgerError(ngettext("%(name)s has %(num)s vote left in this retrospective (%(limit)s each): that vote "
                                   "is not counted.", "%(name)s has %(num)s votes left in this retrospective "
                                   "(%(limit)s each): that vote is not counted.", left, name=member, limit=limit)
                          if left else _("%(name)s has no votes left in this retrospective (%(limit)s each): that "
                                         "vote is not counted.", name=member, limit=limit))
    return Entry("vote", dt.date.fromisoformat(retro.on_date), group=g.name, ref_id=row.id, data={"votes": votes},
                 parts=[Part(member, "voter")])


def agree_action(state: State, retrospective, owner, due, what=None) -> Entry:
    retro = standing_retrospective(state, retrospective)
    g = state.group(state.group_name(retro.group_id))
    day = dt.date.fromisoformat(retro.on_date)
    owner = one_member(state, g, day, owner, N_("owner of the action"))
    due = clean_date(due, N_("due date"), today=AHEAD)
    if due < day:
        raise LedgerError(_("An action is due after the retrospective that agreed it (%(agreed)s), not on %(due)s.",
                            agreed=retro.on_date, due=due.isoformat()))
    what = clean_text(what, N_("action"), required=True)
    # Private like meeting notes: the crew's own words.
    return Entry("action", day, group=g.name, ref_id=retro.id, data={"due": due.isoformat()}, texts={"what": what},
                 private=True, parts=[Part(owner, OWNER)])


def review_action(state: State, action, on, done, retrospective=None) -> Entry:
    row = state.event(action)
    if row.kind != "action" or state.void_of(row.id):
        raise LedgerError(_("That record is not an action of a retrospective."))
    if not isinstance(done, bool):
        raise LedgerError(_("Say whether the action was done (yes or no)."))
    g = state.group(state.group_name(row.group_id))
    on = dated(state, g, on)
    if on.isoformat() < row.on_date:
        raise LedgerError(_("That action was agreed on %(day)s: it cannot be reviewed before.", day=row.on_date))
    data = {}
    if retrospective is not None:
        # Looked at in a later retrospective of the same crew (usually the next one), on its day.
        at = standing_retrospective(state, retrospective)
        if at.group_id != row.group_id:
            raise LedgerError(_("That action belongs to %(crew)s, not to %(group)s: mark it in a retrospective of "
                                "%(crew)s.", crew=g.name, group=state.group_name(at.group_id)))
        if at.on_date <= row.on_date:
            raise LedgerError(_("That action was agreed on %(day)s: whether it was done is said in a later "
                                "retrospective.", day=row.on_date))
        if at.on_date != on.isoformat():
            raise LedgerError(_("The retrospective chosen is on %(retro)s, not on %(day)s.", retro=at.on_date,
                                day=on.isoformat()))
        data = {"retrospective": at.id}
    if [r for r in state.live("action_reviewed", ref_id=row.id) if not reviewed_in_undone(state, r)]:
        raise LedgerError(_("That action has been reviewed already: undo that review to change it."))
    return Entry("action_reviewed", on, group=g.name, ref_id=row.id, outcome="done" if done else "not_done",
                 data=data)


def reviewed_in_undone(state: State, review: sa.Row) -> bool:
    """A review said in a retrospective that was undone counts for nothing, like that retrospective."""
    at = (review.data or {}).get("retrospective")
    return at is not None and state.void_of(at) is not None


def decision(state: State, group, on, decision) -> Entry:
    """The season-end decision itself (``decisions.decide`` records what comes with it)."""
    g = crew(state, group)
    on = dated(state, g, on)
    if state.ended(g) is not None:
        raise LedgerError(_("%(group)s closed on %(day)s: undo that closing first.", group=g.name, day=state.ended(g)))
    if decision not in DECISIONS:
        raise LedgerError(_("At a season's end the crew decides to continue, change or close, not “%(decision)s”.",
                            decision=shown(decision)))
    if decision == "close":
        e = st.events
        later = state.con.execute(sa.select(sa.func.max(e.c.on_date)).where(
            e.c.group_id == g.id, e.c.on_date > on.isoformat(), e.c.kind != st.VOID,
            e.c.id.not_in(st.voided_ids()))).scalar()
        if later is not None:
            raise LedgerError(_("%(group)s has records dated %(later)s, after %(day)s: it can close on %(later)s at the "
                                "earliest.", group=g.name, later=later, day=on.isoformat()))
    return Entry("season_decided", on, group=g.name, outcome=decision)
