"""Copying a crew's ledger into the congregation's shared one and back loses nothing and adds
nothing the second time."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger, LedgerError, demo, migrate
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.listening import Listening


@pytest.fixture(scope="module")
def crew_file(tmp_path_factory):
    """The demo congregation, plus a correction and a forgotten member, as one laptop's file."""
    path = tmp_path_factory.mktemp("crew") / "crew.sqlite"
    with Ledger.open(path) as ledger:
        demo.build(ledger)
        wrong = ledger.record(Venture("Otters", "2026-05-01", name="Otter Bikes", form="co-op", owners=["Mina", "Pia"]))
        ledger.void(wrong, reason="not incorporated yet", on="2026-05-02")
        ledger.forget_member("Quinn")
    return str(path)


def content(location: str) -> dict[str, tuple]:
    """Everything a ledger holds, by event uid, with names instead of row ids."""
    store = st.Store(location)
    try:
        with store.read() as con:
            groups = dict(con.execute(sa.select(st.groups.c.id, st.groups.c.name)).all())
            kinds = dict(con.execute(sa.select(st.groups.c.id, st.groups.c.kind)).all())
            members = dict(con.execute(sa.select(st.members.c.id, st.members.c.name)).all())
            events = con.execute(sa.select(st.events).order_by(st.events.c.id)).all()
            parts = con.execute(sa.select(st.participants).order_by(st.participants.c.id)).all()
    finally:
        store.dispose()
    uid_of = {e.id: e.uid for e in events}
    who: dict[int, list] = {}
    for p in parts:
        who.setdefault(p.event_id, []).append((members[p.member_id], p.role, p.data, p.texts))
    return {e.uid: (e.kind, groups.get(e.group_id), kinds.get(e.group_id), e.on_date, e.recorded_at,
                    uid_of.get(e.ref_id), e.outcome, e.data, e.texts, bool(e.private), who.get(e.id, []))
            for e in events}


def counts(location: str) -> dict[str, int]:
    store = st.Store(location)
    try:
        with store.read() as con:
            return {t.name: con.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    for t in (st.groups, st.members, st.events, st.participants)}
    finally:
        store.dispose()


def test_copy_there_and_back_twice(crew_file, ledger_location, tmp_path):
    # The target already holds another crew, so every id shifts and must be translated.
    with Ledger.open(ledger_location) as shared:
        shared.add_group("Larks", ["Uma", "Vic", "Ama"], on="2025-02-01")
        shared.record(Listening("Larks", "2025-02-02", present=["Uma", "Vic", "Ama"]))
        larks = shared.totals("Larks")
    expected = content(crew_file)

    first = migrate.copy(crew_file, ledger_location)
    assert (first.events_added, first.events_already_there) == (len(expected), 0)
    assert first.groups_added == 7 and first.members_added == 19  # of 20: Ama was already a member
    merged = content(ledger_location)
    assert {uid: merged[uid] for uid in expected} == expected
    with Ledger.open(crew_file) as crew, Ledger.open(ledger_location) as shared:
        for group in ["Kestrels", "Herons", "Otters", "Wrens", "Ama+Bo"]:
            pd.testing.assert_frame_equal(shared.totals(group), crew.totals(group))
        pd.testing.assert_frame_equal(shared.totals("Larks"), larks)
        assert shared.events().query("kind == 'venture' and voided")["data"].str["name"].tolist() == ["Otter Bikes"]

    before = counts(ledger_location)
    again = migrate.copy(crew_file, ledger_location)
    assert (again.events_added, again.events_already_there, again.groups_added, again.members_added) == (
        0, len(expected), 0, 0)
    assert counts(ledger_location) == before

    back = str(tmp_path / "back.sqlite")
    for _ in range(2):
        migrate.copy(ledger_location, back)
        assert content(back) == merged
    with Ledger.open(back) as copy, Ledger.open(ledger_location) as shared:
        pd.testing.assert_frame_equal(copy.points().drop(columns="event_id"), shared.points().drop(columns="event_id"))


def test_events_recorded_after_a_rename_still_land_on_the_same_people(crew_file, ledger_location):
    migrate.copy(crew_file, ledger_location)
    with Ledger.open(ledger_location) as shared:
        shared.rename_member("Bo", "Bo Lindqvist")
        shared.rename_group("Kestrels", "Kestrels North")
    with Ledger.open(crew_file) as crew:
        crew.record(Listening("Kestrels", "2026-10-20", present=["Ama", "Bo"]))
    try:
        report = migrate.copy(crew_file, ledger_location)
        assert (report.events_added, report.groups_added, report.members_added) == (1, 0, 0)
        with Ledger.open(ledger_location) as shared:
            awards = shared.points()
            last = awards[(awards["date"] == pd.Timestamp("2026-10-20")) & (awards["level"] == 1)]
            assert sorted(last["member"]) == ["Ama", "Bo Lindqvist"]
            assert set(last["group"]) == {"Kestrels North"}
    finally:
        with Ledger.open(crew_file) as crew:  # the module's file stays as the other tests expect it
            crew.void(crew.events()["id"].max(), reason="test event")


def test_a_name_that_is_a_crew_here_and_a_partnership_there_is_refused(crew_file, ledger_location):
    with Ledger.open(ledger_location) as shared:
        shared.add_group("Kestrels", ["Ama", "Bo"], kind="partnership", on="2025-01-01")
    before = counts(ledger_location)
    with pytest.raises(LedgerError, match="Kestrels.*crew.*partnership.*Nothing was copied"):
        migrate.copy(crew_file, ledger_location)
    assert counts(ledger_location) == before


def test_copy_refuses_a_missing_source_and_itself(tmp_path, crew_file):
    with pytest.raises(LedgerError, match="There is no ledger"):
        migrate.copy(tmp_path / "nowhere.sqlite", tmp_path / "target.sqlite")
    assert not (tmp_path / "target.sqlite").exists()
    with pytest.raises(LedgerError, match="same ledger"):
        migrate.copy(crew_file, crew_file)


def test_copy_command(crew_file, tmp_path):
    target = tmp_path / "copy.sqlite"
    run = subprocess.run([sys.executable, "-m", "microsolidarity_widgets.cli", "copy", crew_file, str(target)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert f"{len(content(crew_file))} new events" in run.stdout
    missing = subprocess.run([sys.executable, "-m", "microsolidarity_widgets.cli", "copy",
                              str(tmp_path / "none.sqlite"), str(target)], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1
    assert "There is no ledger" in missing.stderr and "Traceback" not in missing.stderr


def test_two_crews_of_one_name_are_not_merged(tmp_path, ledger_location):
    """Each ledger has its own crew of eight called Kestrels: copying must not make one of sixteen."""
    mine = tmp_path / "mine.sqlite"
    with Ledger.open(mine) as ledger:
        ledger.add_group("Kestrels", [f"A{i}" for i in range(8)], on="2025-01-01")
        ledger.record(Listening("Kestrels", "2025-02-01", present=["A0", "A1"]))
    with Ledger.open(ledger_location) as shared:
        shared.add_group("kestrels", [f"B{i}" for i in range(8)], on="2025-03-01")
    before = counts(ledger_location)
    with pytest.raises(LedgerError) as err:
        migrate.copy(mine, ledger_location)
    assert "“Kestrels” names two different groups: a crew started on 2025-01-01" in str(err.value)
    assert "a crew started on 2025-03-01" in str(err.value) and "Nothing was copied" in str(err.value)
    assert counts(ledger_location) == before
    with Ledger.open(ledger_location) as shared:
        assert len(shared.members("Kestrels")) == 8


def test_copied_events_obey_the_rules_or_nothing_is_copied(tmp_path, ledger_location):
    """The same crew on two laptops: each side adds a member; together they would be nine."""
    shared_file = tmp_path / "shared.sqlite"
    with Ledger.open(shared_file) as ledger:
        ledger.add_group("Kestrels", [f"A{i}" for i in range(7)], on="2025-01-01")
    migrate.copy(shared_file, ledger_location)
    with Ledger.open(shared_file) as ledger:
        ledger.add_member("Kestrels", "Yan", on="2025-02-01")
        ledger.record(Listening("Kestrels", "2025-02-02", present=["A0", "Yan"]))
    with Ledger.open(ledger_location) as other:
        other.add_member("Kestrels", "Zoe", on="2025-02-01")
    before = counts(ledger_location)
    with pytest.raises(LedgerError) as err:
        migrate.copy(shared_file, ledger_location)
    assert str(err.value).startswith("Nothing was copied: in ")
    assert "Kestrels would have 9 members on 2025-02-01, and a crew has at most 8" in str(err.value)
    assert counts(ledger_location) == before  # not the listening round either: all or nothing


def test_a_failed_copy_into_a_new_file_leaves_no_file(tmp_path):
    src = tmp_path / "src.sqlite"
    with Ledger.open(src) as ledger:
        ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2025-01-01")
    st_con = sa.create_engine(f"sqlite:///{src}")
    with st_con.begin() as con:  # a name from before today's rules (an invisible mark inside)
        con.execute(sa.update(st.members).where(st.members.c.name == "Bo").values(name="B\u200fo", name_key="b\u200fo"))
    st_con.dispose()
    target = tmp_path / "new.sqlite"
    with pytest.raises(LedgerError, match="invisible character.*Nothing was copied"):
        migrate.copy(src, target)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("new.sqlite")]


def test_copy_never_creates_its_source(tmp_path):
    with pytest.raises(LedgerError, match="There is no ledger at"):
        migrate.copy(tmp_path / "typo" / "src.sqlite", tmp_path / "dst.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
