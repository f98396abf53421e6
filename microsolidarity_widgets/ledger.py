"""The public API: an append-only ledger of what a congregation's groups did, read as pandas.

    >>> ledger = Ledger.open("data/ledger.sqlite")
    >>> ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew")
    >>> ledger.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))
    >>> ledger.points()
    >>> ledger.table("attendance", "Kestrels")

``record`` takes a typed event (a ``rules.Event``: each level's are in its folder, ``levels/<name>/``),
validates it, then commits before it returns the new event's id. Nothing is ever edited: ``void`` adds
an event that cancels another. Every write takes a one-time ``key`` (a phone's form carries one, made
when the form was shown): a request sent twice records once, and the second sending raises
``AlreadyRecorded`` instead. Any event can be tried first with ``preview``, which shows the points it
would award without writing anything.

The ledger names no level: what a level adds to reading the history (Level 3's attendance, Level 4's
conflicts) is a table the level declares (``Level.tables``), read by name with ``table``.

Every write, these and the congregation's, the formations', a copy's and a phone's, goes through one
unit of work, ``Ledger.batch``: several events that land together or not at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import uuid
from contextlib import ExitStack, contextmanager
from typing import Iterator

import numpy as np
import pandas as pd
import sqlalchemy as sa

from . import levels, rules, scoring
from . import storage as st
from .errors import AlreadyRecorded, LedgerError
from .rules import Entry, Event, Hosting, State
from .values import clean_date, clean_once_key, name_key, shown


def _writes(build):
    """Make a rule builder into a ledger method that validates and commits in one transaction."""

    @functools.wraps(build)
    def method(self, *args, key: str | None = None, **kwargs):
        return self._commit(build, args, kwargs, key=key)

    return method


def _records(event_type: type[Event]):
    """A ledger method that records one ``event_type`` made of its arguments."""

    def method(self, *args, key: str | None = None, **kwargs):
        return self.record(event_type(*args, **kwargs), key=key)

    method.__name__ = method.__qualname__ = f"record_{event_type.__name__.lower()}"
    method.__doc__ = f"``record({event_type.__name__}(...))``: {event_type.__doc__}"
    return method


class Ledger:
    """A reciprocity ledger stored in SQLite (a file) or a server database (a URL)."""

    def __init__(self, store: st.Store):
        self._store = store
        # (revision, (events, participants)) in one attribute: a member page's worker thread and the
        # server's loop may read it at once, and one assignment is seen whole or not at all.
        self._cached = None

    @classmethod
    def open(cls, location: str | os.PathLike | None = None, read_only: bool = False) -> "Ledger":
        """Open (or create) a ledger at a path or database URL; default ``$MICROSOLIDARITY_LEDGER``.

        ``read_only=True`` only reads: a missing ledger is an error rather than created, nothing is
        ever written, and a ledger on a read-only disk opens too (to export or back it up).
        """
        return cls(st.Store(location, read_only=read_only))

    @property
    def location(self) -> str:
        return self._store.name

    @property
    def store(self) -> st.Store:
        return self._store

    def close(self) -> None:
        """Let go of the database connections and of the rows cached for scoring."""
        self._store.dispose()
        self._cached = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self.location!r})"

    # --- writing -----------------------------------------------------------------------------

    add_group = _writes(rules.add_group)
    add_member = _writes(rules.add_member)
    remove_member = _writes(rules.remove_member)
    record_hosting = _records(Hosting)
    record_agreements = _writes(rules.record_agreements)
    void = _writes(rules.void)

    def record(self, event: Event, key: str | None = None) -> int:
        """Validate ``event`` and commit it; the new event's id once it is in the ledger.

        ``key``: the one-time key of the request that asks for it (``values.new_once_key``, made
        when a phone's form was shown). It is stored with the event; if an event already holds it, the
        request was sent before and ``AlreadyRecorded`` (naming that event) is raised, nothing written.
        The look-up and the write are one transaction under the ledger's write lock, so two sendings at
        once land as one.
        """
        return self._commit(_event(event).entry, (), {}, key=key)

    def rename_member(self, old: str, new: str) -> int:
        return self._commit(rules.rename, ("member", old, new), {})

    def rename_group(self, old: str, new: str) -> int:
        return self._commit(rules.rename, ("group", old, new), {})

    def forget_member(self, name: str) -> int:
        """Erase a member's private texts and replace their name by a pseudonym; points stay.

        The erased words are then scrubbed from the database itself (free pages, the write-ahead
        log), not only from what the API shows. Backups made earlier still hold them.
        """
        with self._store.read() as con:
            pseudonym = rules.forget(State(con), name).rename[2]  # the name they will carry from now on
        event_id = self._commit(rules.forget, (name,), {})
        try:
            self._store.scrub()
        except st.LedgerBusy:
            raise st.LedgerBusy(
                f"{shown(name)} is forgotten: their texts are erased and they are now called “{pseudonym}”. "
                "Another page kept the ledger busy, so old copies of the erased words may still sit in the "
                f"ledger's files: to clear them, forget “{pseudonym}” again once the pages are quiet.") from None
        return event_id

    def _commit(self, build, args, kwargs, key: str | None = None) -> int:
        with self.batch(key=key) as batch:
            return batch.write(build, *args, **kwargs)

    @contextmanager
    def batch(self, key: str | None = None) -> Iterator["Batch"]:
        """One unit of work: every write to the ledger goes through one, and lands whole or not at all.

            >>> with ledger.batch(key=form_key) as batch:
            ...     batch.record(Money(...))       # validated against the ledger as the batch left it
            ...     batch.add(entry)               # an entry a rule of yours has validated

        The ledger's write lock is taken first (waiting, and trying again, while another page saves),
        so the body runs once, alone, and is committed on leaving; an exception rolls everything
        back. ``key``: the one-time key of the request (see ``record``); if an event holds it already
        the whole batch is refused with ``AlreadyRecorded`` before its body runs, and the batch's
        first entry keeps it.
        """
        key = None if key is None else clean_once_key(key)
        # The retries are only for taking the lock: once it is held no other writer can get in, so
        # nothing of the body is ever run twice.
        work, con = st.with_retries(lambda: _locked(self._store))
        with work:
            refuse_replay(con, key)
            batch = Batch(con, key)
            yield batch
            batch.check()
        self._cached = None

    def preview(self, event: Event) -> pd.DataFrame:
        """The awards recording ``event`` would make, without recording it.

        ``ledger.preview(Money("Kestrels", "2026-01-17", speaker="Caz", ...))`` returns the columns
        member, points, level, reason. It raises ``LedgerError`` exactly where ``record`` would.
        """
        event = _event(event)
        with self._store.read() as con:
            entry = event.entry(State(con))
            events, parts = self._frames()
            ev_row, part_rows = _entry_rows(con, entry)
        events, parts = _like(events, [ev_row]), _like(parts, part_rows)
        awards = scoring.points(events, parts, levels.all_levels())
        awards = awards[awards["event_id"] == ev_row["id"]]
        names = self.names()
        return pd.DataFrame({
            "member": awards["member_id"].map(names["member"]).to_numpy(),
            "points": awards["points"].to_numpy(),
            "level": awards["level"].to_numpy(),
            "reason": awards["reason"].to_numpy(),
        })

    # --- reading -----------------------------------------------------------------------------

    def _frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Events and participants as frames, cached until this ledger or another writer adds one."""
        with self._store.read() as con:
            key = _revision(con)  # in the same read as the rows, so the key always describes them
            cached = self._cached
            if cached is not None and cached[0] == key:
                return cached[1]
            events = st.read_table(con, st.events, SCORED_EVENT_COLUMNS).rename(columns={"on_date": "date"})
            parts = st.read_table(con, st.participants, SCORED_PARTICIPANT_COLUMNS)
        self._cached = (key, (events, parts))
        return events, parts

    def names(self) -> dict[str, dict[int, str]]:
        """How the frames' ids read: {"group": {id: name}, "member": {id: name}, "kind": {group name: kind}}."""
        with self._store.read() as con:
            groups = dict(con.execute(sa.select(st.groups.c.id, st.groups.c.name)).all())
            members = dict(con.execute(sa.select(st.members.c.id, st.members.c.name)).all())
            kinds = dict(con.execute(sa.select(st.groups.c.name, st.groups.c.kind)).all())
        return {"group": groups, "member": members, "kind": kinds}

    def history(self) -> scoring.History:
        """The history as a level's award rule and its tables read it (ids, not names: see ``names``)."""
        return scoring.History.of(*self._frames())

    def table(self, name: str, group: str | None = None) -> pd.DataFrame:
        """A level's own table of what was recorded, by the name the level gives it (``levels.tables()``
        lists them: the five levels give "attendance", "conflicts", "open_conflicts" and "ventures");
        with ``group``, only that group's rows."""
        out = levels.table(name)(self)
        if group is not None:
            out = out[out["group"] == self.group_name(group)].reset_index(drop=True)
        return out

    def points(self) -> pd.DataFrame:
        """One row per award: date, group, member, level, points, event_id, reason."""
        events, parts = self._frames()
        awards = scoring.points(events, parts, levels.all_levels())
        names = self.names()
        awards.insert(1, "group", awards.pop("group_id").map(names["group"]))
        awards.insert(2, "member", awards.pop("member_id").map(names["member"]))
        return awards

    def totals(self, group: str | None = None) -> pd.DataFrame:
        """Points per member (rows) and level (columns), with a total; for one group or all."""
        awards = self.points()
        if group is not None:
            awards = awards[awards["group"] == self.group_name(group)]
        table = awards.pivot_table(index="member", columns="level", values="points", aggfunc="sum", fill_value=0)
        table = table.reindex(columns=levels.numbers(), fill_value=0)
        table.columns = [f"level {c}" for c in table.columns]
        table["total"] = table.sum(axis=1)
        return table.sort_values(["total"], ascending=False, kind="stable")

    def trust_over_time(self, by: str = "member") -> pd.DataFrame:
        """Cumulative points by date per (group, member), or per group with ``by="group"``."""
        if by not in ("member", "group"):
            raise LedgerError(f'Trust over time is counted "by member" or "by group", not “{shown(by)}”.')
        events, parts = self._frames()
        daily = scoring.trust_over_time(scoring.points(events, parts, levels.all_levels()), by=by)
        names = self.names()
        daily.insert(1, "group", daily.pop("group_id").map(names["group"]))
        if by == "member":
            daily.insert(2, "member", daily.pop("member_id").map(names["member"]))
        return daily.reset_index(drop=True)

    def groups(self) -> pd.DataFrame:
        """One row per group: group, kind, members (today), size."""
        names = self.names()
        # Today's rosters from the cached frames at once, as State.roster counts them (each member's
        # latest live membership change): one roster query per group took a minute at 10k groups.
        changes = scoring.membership_changes(*self._frames())
        latest = changes.drop_duplicates(["group_id", "member_id"], keep="last")
        latest = latest[latest["in_group"]]
        in_group = latest["member_id"].map(names["member"]).groupby(latest["group_id"].to_numpy()).agg(list)
        # Not listed: congregations (see ``congregation.Congregation``: their pool are not members) and
        # crews whose creation was voided with the formation round that made them.
        events = self._frames()[0]
        created = events.loc[events["kind"] == "group_created", "group_id"]
        undone = set(created) - set(scoring.live(events).query("kind == 'group_created'")["group_id"])
        rows = []
        for gid, gname in sorted(names["group"].items(), key=lambda kv: kv[1].casefold()):
            if gid in undone or names["kind"][gname] == "congregation":
                continue
            roster = sorted(in_group.get(gid, []), key=str.casefold)
            rows.append({"group": gname, "kind": names["kind"][gname], "members": roster, "size": len(roster)})
        return pd.DataFrame(rows, columns=["group", "kind", "members", "size"])

    def member_name(self, name: str) -> str | None:
        """How the ledger spells a person (a member, or someone of a pool), matched as names are
        compared ("ama" finds "Ama"); None for someone it does not know."""
        with self._store.read() as con:
            row = State(con).member(name)
        return row.name if row is not None else None

    def members(self, group: str, on: dt.date | str | None = None) -> list[str]:
        """The members of a group today, or on a given date."""
        with self._store.read() as con:
            state = State(con)
            g = state.group(group)
            return list(state.roster(g.id, clean_date(on) if on is not None else None).values())

    def memberships(self) -> pd.DataFrame:
        """Every join and departure: group, member, date, change (joined/left), event_id."""
        events, parts = self._frames()
        changes = scoring.membership_changes(events, parts)
        names = self.names()
        founding = changes["date"] == scoring._BEGINNING
        return pd.DataFrame({
            "group": changes["group_id"].map(names["group"]),
            "member": changes["member_id"].map(names["member"]),
            "date": changes["date"].where(~founding),
            "change": np.where(founding, "founded", np.where(changes["in_group"], "joined", "left")),
            "event_id": changes["event_id"],
        }).reset_index(drop=True)

    def events(self, include_private: bool = False, texts: bool = True) -> pd.DataFrame:
        """Every event, voided ones flagged (voided, voided_by) rather than hidden.

        ``data`` holds each event's facts by name (a venture's ``name`` and ``form``, a meeting's
        ``process``: each kind's rule names them), ``texts`` its free texts by name (a conflict's
        ``description``, a void's ``reason``). Private texts (money and conflict notes, private
        agreements) are None unless ``include_private`` is True. ``texts=False`` leaves out every
        text column (recorded_at, members, data, texts): what happened and when, from the rows
        scoring already holds, without a second read (for charting a long history).
        """
        _yes_or_no(include_private, "include_private")
        _yes_or_no(texts, "texts")
        events, parts = self._frames()
        names = self.names()
        if texts:
            with self._store.read() as con:
                events = st.read_table(con, st.events, EVENT_COLUMNS).rename(columns={"on_date": "date"})
            who = st.names_per_event(parts["event_id"].to_numpy(), parts["member_id"].to_numpy(), names["member"])
        void_rows = events[events["kind"] == st.VOID]
        voided_by = pd.Series(void_rows["id"].to_numpy(), index=void_rows["ref_id"].astype("int64").to_numpy())
        out = pd.DataFrame({
            "id": events["id"],
            "date": events["date"],
            **({"recorded_at": events["recorded_at"]} if texts else {}),
            "kind": events["kind"].astype("str"),  # plain text for crews' own code (categories don't add up)
            "level": events["kind"].map(levels.level_of_kind()).astype("Int64"),
            "group": events["group_id"].map(names["group"]),
            **({"members": events["id"].map(who).astype("object").fillna("")} if texts else {}),
            "outcome": events["outcome"].astype("str"),
            **({"data": events["data"].map(lambda d: d or {})} if texts else {}),
            "ref_id": events["ref_id"].astype("Int64"),
            "voided": events["id"].isin(voided_by.index),
            "voided_by": events["id"].map(voided_by).astype("Int64"),
            "private": events["private"].astype(bool),
        })
        if texts:
            hidden = events["private"].astype(bool) & ~include_private
            out["texts"] = events["texts"].where(~hidden, None)
        return out

    def participants(self, include_private: bool = False) -> pd.DataFrame:
        """Who took part in each event and how: event_id, member, role, data (what their part says,
        by name: an offer's ``offer_kind``, an addressed ask's ``ask`` link, a placed person's ``crew``;
        {} when nothing), and with ``include_private`` texts (an offer's ``note``, an ask's ``text``)."""
        _yes_or_no(include_private, "include_private")
        if include_private:
            with self._store.read() as con:
                parts = st.read_table(con, st.participants, {**SCORED_PARTICIPANT_COLUMNS, "texts": st.NAMED})
        else:  # the very rows scoring reads, already cached
            parts = self._frames()[1]
        # a copy: the cached rows stay as they are
        parts = parts.assign(role=parts["role"].astype("str"), data=parts["data"].map(lambda d: d or {}))
        parts.insert(1, "member", parts.pop("member_id").map(self.names()["member"]))
        return parts

    def ties(self) -> pd.DataFrame:
        """Every tie docs/rules.md counts between two members: date, group, event_id, kind, source, target.

        See ``scoring.ties``; undirected ties name the pair in alphabetical order.
        """
        events, parts = self._frames()
        names = self.names()
        # Members coded in the order of their names, so "source < target" reads alphabetically.
        ordered = sorted(names["member"], key=lambda i: names["member"][i])
        code = pd.Series(np.arange(len(ordered)), index=ordered, dtype=np.int64)
        coded = pd.DataFrame({"event_id": parts["event_id"], "member_id": code.reindex(parts["member_id"]).to_numpy(),
                              "role": parts["role"]})
        t = scoring.ties(events, coded, levels.all_levels())
        del coded
        everyone = np.array([names["member"][i] for i in ordered], dtype=object)
        return pd.DataFrame({
            "date": t.pop("date"), "group": t.pop("group_id").map(names["group"]).astype("str"),  # text with no ties too
            "event_id": t.pop("event_id"),
            "kind": t.pop("kind").astype("str"), "source": everyone[t.pop("source").to_numpy()],
            "target": everyone[t.pop("target").to_numpy()],
        })

    def hosting(self, group: str) -> pd.DataFrame:
        """How often each current member has hosted, least first: member, times, last."""
        gname = self.group_name(group)
        roster = self.members(gname)
        ev = self.events()
        ids = ev.loc[(ev["kind"] == "hosting") & ~ev["voided"] & (ev["group"] == gname), ["id", "date"]]
        parts = self.participants().merge(ids, left_on="event_id", right_on="id")
        counts = parts.groupby("member").agg(times=("event_id", "count"), last=("date", "max"))
        table = counts.reindex(roster).fillna({"times": 0}).astype({"times": "int64"})
        table = table.rename_axis("member").reset_index()
        return table.sort_values(["times", "last", "member"], na_position="first", kind="stable").reset_index(drop=True)

    def check_ins(self, group: str, on: dt.date | str | None = None) -> list[str]:
        """Who checked in from their phone for ``group`` on a day (default today), first come first."""
        with self._store.read() as con:
            state = State(con)
            g = state.group(group)
            day = clean_date(dt.date.today() if on is None else on)
            found = sorted(state.live("check_in", g.id, on_date=day.isoformat()), key=lambda row: row.id)
            return [p.name for row in found for p in state.parts(row.id)]

    def proposals(self, group: str, on: dt.date | str | None = None, member: str | None = None) -> pd.DataFrame:
        """Offers and asks sent from phones for ``group`` on a day (default today), oldest first: id,
        member, what (offer or ask), offer_kind, text, sent (the time, HH:MM), answer ("waiting",
        "accepted" or "declined"). Voided ones are left out; ``member`` keeps only theirs."""
        with self._store.read() as con:
            state = State(con)
            g = state.group(group)
            day = clean_date(dt.date.today() if on is None else on)
            rows = []
            for row in sorted(state.live("proposal", g.id, on_date=day.isoformat()), key=lambda r: r.id):
                who = state.parts(row.id)[0].name
                if member is None or name_key(who) == name_key(member):
                    sent = dt.datetime.fromisoformat(row.recorded_at).astimezone().strftime("%H:%M")
                    rows.append({"id": row.id, "member": who, "what": row.data["what"],
                                 "offer_kind": row.data.get("offer_kind"), "text": (row.texts or {}).get("text"),
                                 "sent": sent,
                                 "answer": rules.answer(state, row.id, g.id) or "waiting"})
        # Object columns that keep None (pandas would make a missing note NaN, which reads as text).
        return pd.DataFrame(rows, columns=["id", "member", "what", "offer_kind", "text", "sent", "answer"], dtype=object)

    def suggest_hosts(self, group: str) -> dict[str, str]:
        """Today's facilitator, timekeeper and note-taker: those who have hosted least."""
        order = self.hosting(group)["member"].tolist()
        return dict(zip(rules.HOST_ROLES, order))

    def agreements(self, group: str, include_private: bool = False) -> str | None:
        """The group's latest recorded agreements, or None (also when they are private and not asked for)."""
        _yes_or_no(include_private, "include_private")
        ev = self.events(include_private=include_private)
        rows = ev[(ev["kind"] == "agreements") & ~ev["voided"] & (ev["group"] == self.group_name(group))]
        texts = None if rows.empty else rows.sort_values(["date", "id"]).iloc[-1]["texts"]
        return None if texts is None else texts["text"]

    def revision(self) -> tuple[int, int]:
        """(highest event id, number of events): it changes whenever anyone writes to the ledger, so
        two equal revisions mean nothing was written in between.

        Every change (renames and forgetting included) adds an event and none is ever removed. The
        count is there because on a server database a write that started first can commit a lower
        id after a higher one is already visible.
        """
        with self._store.read() as con:
            return _revision(con)

    def backup(self, out: str | os.PathLike | None = None):
        """A consistent copy of the ledger file (safe while pages are writing); returns its path."""
        return self._store.backup(out)

    def group_name(self, group: str) -> str:
        """How the ledger spells a group, matched as names are compared ("kestrels" finds "Kestrels");
        ``LedgerError`` naming the known groups when there is none of that name."""
        with self._store.read() as con:
            return State(con).group(group).name


# --- rows ------------------------------------------------------------------------------------

# What scoring reads (no free texts: they would cost memory at every score), and what events() shows.
SCORED_EVENT_COLUMNS = {"id": st.ID, "kind": st.WORD, "group_id": st.REF, "on_date": st.DAY,
                        "ref_id": st.REF, "outcome": st.WORD, "private": st.FLAG}
SCORED_PARTICIPANT_COLUMNS = {"event_id": st.ID, "member_id": st.ID, "role": st.WORD,
                              "data": st.NAMED}
EVENT_COLUMNS = {"id": st.ID, "recorded_at": st.TEXT, "kind": st.WORD, "group_id": st.REF,
                 "on_date": st.DAY, "ref_id": st.REF, "outcome": st.WORD, "data": st.NAMED,
                 "texts": st.NAMED, "private": st.FLAG}


def _event(value: object) -> Event:
    if not isinstance(value, Event):
        raise LedgerError(f"Only an event (Listening, Money, Meeting, …) can be previewed or recorded; "
                          f"“{shown(value)}” cannot be.")
    return value


def _yes_or_no(value: object, what: str) -> None:
    # "no" is a true string: taken as a yes, it would show private texts to someone who said no.
    if not isinstance(value, (bool, np.bool_)):
        raise LedgerError(f"Say {what}=True or {what}=False, not “{shown(value)}”.")


def _revision(con: sa.Connection) -> tuple[int, int]:
    top, count = con.execute(sa.select(sa.func.max(st.events.c.id), sa.func.count(st.events.c.id))).one()
    return (top or 0, count)


def _like(frame: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """``frame`` with ``rows`` added, every column keeping its dtype (categories grow as needed)."""
    extra = pd.DataFrame(rows, columns=frame.columns)
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            words = frame[col].cat.categories.union(pd.Index(extra[col].dropna().unique(), dtype=object), sort=False)
            frame = frame.assign(**{col: frame[col].cat.set_categories(words)})
            extra[col] = pd.Categorical(extra[col], categories=words)
        else:
            extra[col] = extra[col].astype(frame[col].dtype)
    return pd.concat([frame, extra], ignore_index=True)


def _entry_rows(con: sa.Connection, entry: Entry) -> tuple[dict, list[dict]]:
    """The rows an entry would add, with placeholder ids, for previews."""
    gid = con.execute(sa.select(st.groups.c.id).where(st.groups.c.name == entry.group)).scalar()
    row = {"id": -1, "kind": entry.kind, "group_id": gid, "date": pd.Timestamp(entry.on), "ref_id": entry.ref_id,
           "outcome": entry.outcome, "private": bool(entry.private)}
    state = State(con)
    parts = [{"event_id": -1, "member_id": state.member(p.member).id, "role": p.role, "data": p.data or None}
             for p in entry.parts]
    return row, parts


def refuse_replay(con: sa.Connection, key: str | None) -> None:
    """Inside a write: ``AlreadyRecorded`` when an event holds ``key`` already (the request was sent
    before). Read under the write lock, so no other write can slip in between this and the insert."""
    if key is not None:
        first = con.execute(sa.select(st.events.c.id).where(st.events.c.once_key == key)).scalar()
        if first is not None:
            raise AlreadyRecorded(first)


class Batch:
    """The writes of one ``Ledger.batch``: one transaction, under the ledger's write lock."""

    def __init__(self, con: sa.Connection, key: str | None):
        self._con = con
        self._key = key  # given to the first event added, then spent
        self._state = None
        self._guarded: dict[int, tuple[dict, Entry | None, str | None]] = {}

    @property
    def state(self) -> State:
        """The ledger as this batch has left it so far, for validation (a new one after each add)."""
        if self._state is None:
            self._state = State(self._con)
        return self._state

    def record(self, event: Event) -> int:
        """Validate ``event`` against the ledger as the batch left it and add it; its new id."""
        return self.write(_event(event).entry)

    def write(self, rule, *args, **kwargs) -> int:
        """Add the entry ``rule(state, *args, **kwargs)`` makes, with what it settles.

        A change to the past (a void, a dated join or departure) is checked against the whole
        history it leaves, when the batch ends."""
        entry = rule(self.state, *args, **kwargs)
        group_id = rules.reaches_back(self.state, entry)
        if group_id is not None:
            self.check_history(group_id, entry)
        event_id = self.add(entry)
        # What the event settles (a money round's offers and asks from phones) lands with it: never a
        # round without its answers, nor answers into a round that is not there.
        for proposal_id in entry.settles:
            self.add(rules.settle(self.state, proposal_id, entry.on, rules.ACCEPTED, event_id))
        return event_id

    def check_history(self, group_id: int, entry: Entry | None = None, lead: str | None = None) -> None:
        """Replay the group's whole history when the batch ends: a problem the batch brought into it
        (``rules.history_problems``) refuses all of it. ``entry`` and ``lead`` word the refusal."""
        if group_id not in self._guarded:
            self._guarded[group_id] = (rules.history_problems(self._con, group_id), entry, lead)

    def check(self) -> None:
        for group_id, (before, entry, lead) in self._guarded.items():
            rules.refuse_new_problems(self._con, group_id, before, entry, lead=lead)

    def add(self, entry: Entry) -> int:
        """Write an entry a rule has validated; the new event's id."""
        if entry.new_group_kind:
            group_id = self.new_group(entry.group, entry.new_group_kind)
        elif entry.group is not None:
            group_id = self._con.execute(sa.select(st.groups.c.id).where(st.groups.c.name == entry.group)).scalar_one()
        else:
            group_id = None
        if entry.rename:
            what, row_id, new = entry.rename
            table = st.groups if what == "group" else st.members
            self._con.execute(sa.update(table).where(table.c.id == row_id).values(name=new, name_key=name_key(new)))
            if entry.kind == "forgotten":
                _erase_texts(self._con, row_id)
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
        m = st.members.c
        keys = {name_key(p.member): p.member for p in entry.parts}
        ids = dict(self._con.execute(sa.select(m.name_key, m.id).where(m.name_key.in_(list(keys)))).all()) if keys else {}
        for key, name in keys.items():
            if key not in ids:
                ids[key] = self.new_member(name)
        return self.copy_event(
            {"uid": uuid.uuid4().hex, "once_key": self._key, "kind": entry.kind, "group_id": group_id,
             "on_date": entry.on.isoformat(), "recorded_at": now, "ref_id": entry.ref_id, "outcome": entry.outcome,
             "data": entry.data or None, "texts": entry.texts or None, "private": entry.private},
            [{"member_id": ids[name_key(p.member)], "role": p.role, "data": p.data or None, "texts": p.texts or None}
             for p in entry.parts])

    def copy_event(self, row: dict, parts: list[dict]) -> int:
        """Write an event's row as it is (a copy from another ledger, its ids already this ledger's)
        and its participants' rows; the new event's id. The batch's key goes to the first event."""
        if self._key is not None:
            row, self._key = {**row, "once_key": self._key}, None
        event_id = self._con.execute(sa.insert(st.events).values(**row)).inserted_primary_key[0]
        if parts:
            self._con.execute(sa.insert(st.participants), [{**p, "event_id": event_id} for p in parts])
        self._state = None
        return event_id

    def new_group(self, name: str, kind: str) -> int:
        return self._con.execute(sa.insert(st.groups).values(
            name=name, name_key=name_key(name), kind=kind)).inserted_primary_key[0]

    def new_member(self, name: str) -> int:
        return self._con.execute(sa.insert(st.members).values(name=name, name_key=name_key(name))).inserted_primary_key[0]


def _locked(store: st.Store) -> tuple[ExitStack, sa.Connection]:
    """A write transaction with the lock taken, and what closes it (``LedgerBusy`` if it cannot be had)."""
    work = ExitStack()
    try:
        con = work.enter_context(store.write())
    except BaseException:
        work.close()
        raise
    return work, con


def _erase_texts(con: sa.Connection, member_id: int) -> None:
    """Forgetting a member: the texts of their own parts, and every private text of the events they
    took part in, the event's own and its people's (an offer note in their money round speaks about
    them too), go.

    A conflict's closing names no parties itself, so its note goes with the opening it refers to.
    """
    p, e = st.participants, st.events
    theirs = sa.select(p.c.event_id).where(p.c.member_id == member_id)
    private = sa.select(e.c.id).where(e.c.id.in_(theirs), e.c.private.is_(True))
    con.execute(sa.update(p).where((p.c.member_id == member_id) | p.c.event_id.in_(private)).values(texts=None))
    con.execute(sa.update(e).where(e.c.id.in_(theirs) | e.c.ref_id.in_(theirs), e.c.private.is_(True))
                .values(texts=None))
