"""Copy one ledger into another: a crew's SQLite file into the congregation's shared PostgreSQL
ledger, or back, or one crew's file into another's.

    microsolidarity copy crew.sqlite postgresql://host/congregation

Nothing is lost (private texts, voids, dates and recording times travel as they are) and running
the copy twice adds nothing the second time: events are known by their ``uid``, and an event whose
one-time key (``once_key``) the target holds already is that same request, recorded there before. Groups and members
are matched by name (as ``name_key`` compares names); row ids differ between ledgers, so every
reference (an event's group, a void's target, a participant's member) is translated on the way.
The whole copy is one write transaction on the target: it lands completely or not at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from . import storage as st
from .errors import LedgerError
from .ledger import Batch, Ledger
from .values import clean_name, name_key


@dataclass
class CopyReport:
    source: str
    target: str
    groups_added: int = 0
    members_added: int = 0
    events_added: int = 0
    events_already_there: int = 0

    def __str__(self) -> str:
        return (f"Copied {self.source} into {self.target}: {self.events_added} new events "
                f"({self.events_already_there} were already there), {self.groups_added} new groups, "
                f"{self.members_added} new members.")


def _rows(con: sa.Connection, table: sa.Table) -> list[sa.Row]:
    return con.execute(sa.select(table).order_by(table.c.id)).all()


def _snapshot(con: sa.Connection) -> dict[str, list[sa.Row]]:
    return {t.name: _rows(con, t) for t in (st.groups, st.members, st.events, st.participants)}


def _parts_by_event(parts: list[sa.Row]) -> dict[int, list[sa.Row]]:
    out: dict[int, list[sa.Row]] = {}
    for p in parts:
        out.setdefault(p.event_id, []).append(p)
    return out


def copy(source: str | os.PathLike, target: str | os.PathLike) -> CopyReport:
    """Add every event of ``source`` that ``target`` lacks; returns what was added."""
    source, target = st.check_location(source), st.check_location(target)
    src = st.Store(source, read_only=True)  # a copy only reads its source: never created, never changed
    try:
        made = None if st.is_url(target) else Path(target).expanduser()
        made = made if made is not None and not made.exists() else None
        if src.path is not None and made is None and not st.is_url(target) and \
                src.path.resolve() == Path(target).expanduser().resolve():
            raise LedgerError("The source and the target are the same ledger.")
        with src.read() as con:
            have = _snapshot(con)
        dst = Ledger.open(target)
        try:
            report = CopyReport(src.name, dst.store.name)
            with dst.batch() as batch:
                _copy_into(batch, have, _snapshot(batch.state.con), report)
            return report
        except BaseException:
            dst.close()
            if made is not None:  # a target made for this copy goes with it: no empty ledger left behind
                for suffix in ("", "-wal", "-shm"):
                    Path(str(made) + suffix).unlink(missing_ok=True)
            raise
        finally:
            dst.close()
    finally:
        src.dispose()


def _copy_into(batch: Batch, src: dict, dst: dict, report: CopyReport) -> None:
    src_parts, dst_parts = _parts_by_event(src["participants"]), _parts_by_event(dst["participants"])
    by_uid = {e.uid: e for e in dst["events"]}
    by_key = {e.once_key: e for e in dst["events"] if e.once_key is not None}

    def already(e: sa.Row) -> sa.Row | None:
        """The target's copy of a source event: the same event, or the same request recorded there too
        (a form sent to both ledgers lands once, as it would sent twice to one)."""
        return by_uid.get(e.uid) or (by_key.get(e.once_key) if e.once_key is not None else None)

    event_ids: dict[int, int] = {}
    group_ids: dict[int, int] = {}
    member_ids: dict[int, int] = {}

    # Events copied before tie rows together even after a rename on either side; the
    # participants of one event are copied in order, so they pair up one to one.
    for e in src["events"]:
        there = already(e)
        if there is None:
            continue
        event_ids[e.id] = there.id
        if e.group_id is not None and there.group_id is not None:
            group_ids.setdefault(e.group_id, there.group_id)
        for mine, theirs in zip(src_parts.get(e.id, []), dst_parts.get(there.id, [])):
            member_ids.setdefault(mine.member_id, theirs.member_id)

    # A group is the one its founding event made: a group of the same name founded apart in the
    # other ledger is another group, and merging the two would make a crew nobody formed.
    dst_groups = {g.name_key: g for g in dst["groups"]}
    founded = {}
    for ledger, where in ((src, report.source), (dst, report.target)):
        for e in ledger["events"]:
            if e.kind == "group_created":
                founded[(where, e.group_id)] = e.on_date
    for g in src["groups"]:
        if g.id in group_ids:
            continue
        name = _clean(g.name, "group name")
        same = dst_groups.get(name_key(name))
        if same is not None:
            raise LedgerError(
                f"“{g.name}” names two different groups: a {g.kind} started on "
                f"{founded.get((report.source, g.id), '?')} in {report.source} and a {same.kind} started on "
                f"{founded.get((report.target, same.id), '?')} in {report.target}. Rename one of them "
                "(rename_group) and copy again. Nothing was copied.")
        group_ids[g.id] = batch.new_group(name, g.kind)
        report.groups_added += 1

    dst_members = {m.name_key: m.id for m in dst["members"]}
    for m in src["members"]:
        if m.id in member_ids:
            continue
        name = _clean(m.name, "member name")
        if name_key(name) in dst_members:
            member_ids[m.id] = dst_members[name_key(name)]
        else:
            member_ids[m.id] = batch.new_member(name)
            report.members_added += 1

    # Copied events obey the rules recorded ones do: every group they reach is replayed whole, and
    # a problem the copy would bring in refuses all of it (the transaction rolls back).
    group_of = {e.id: e.group_id for e in src["events"]}
    reached = {group_ids[gid] for e in src["events"] if already(e) is None
               for gid in (e.group_id, group_of.get(e.ref_id)) if gid is not None}
    for gid in sorted(reached):  # before a single event is copied (a group the copy makes has no history yet)
        batch.check_history(gid, lead=f"Nothing was copied: in {report.target}, after the copy, ")

    # In id order, so a void's target is always copied before the void itself.
    for e in src["events"]:
        if already(e) is not None:
            report.events_already_there += 1
            continue
        row = e._asdict()
        row.pop("id")
        row["group_id"] = group_ids[e.group_id] if e.group_id is not None else None
        row["ref_id"] = event_ids[e.ref_id] if e.ref_id is not None else None
        parts = [dict(p._asdict(), member_id=member_ids[p.member_id]) for p in src_parts.get(e.id, [])]
        for p in parts:
            p.pop("id")
            p.pop("event_id")
        event_ids[e.id] = batch.copy_event(row, parts)
        report.events_added += 1


def _clean(name: str, what: str) -> str:
    """A name from the other ledger, held to today's rules (it may be older than them)."""
    try:
        return clean_name(name, what)
    except LedgerError as exc:
        raise LedgerError(f"{exc} Nothing was copied; rename it in the source first.") from None
