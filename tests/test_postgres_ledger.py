"""The shared congregation ledger on PostgreSQL behaves like a crew's SQLite file: same numbers,
same frames, same refusals, and the same guarantees when several pages write at once."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger, LedgerError, demo
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.errors import LedgerFileError
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.listening import Listening


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory, pg_server):
    """The demo congregation written once to SQLite and once to PostgreSQL."""
    sqlite = Ledger.open(tmp_path_factory.mktemp("pair") / "demo.sqlite")
    url = pg_server.new_database()
    pg = Ledger.open(url)
    for ledger in (sqlite, pg):
        demo.build(ledger)
        # Renaming and forgetting update rows in place, which a server may store in a new order.
        ledger.rename_group("Wrens", "Marsh Wrens")
        ledger.forget_member("Caz")
    yield sqlite, pg
    sqlite.close()
    pg.close()
    pg_server.drop_database(url)


@pytest.mark.parametrize("read", [
    lambda l: l.points(),
    lambda l: l.totals(),
    lambda l: l.totals("Kestrels"),
    lambda l: l.trust_over_time(),
    lambda l: l.trust_over_time(by="group"),
    lambda l: l.table("attendance"),
    lambda l: l.memberships(),
    lambda l: l.events(include_private=True).drop(columns="recorded_at"),
    lambda l: l.events().drop(columns="recorded_at"),
    lambda l: l.events(texts=False),
    lambda l: l.participants(include_private=True),
    lambda l: l.groups(),
    lambda l: l.hosting("Herons"),
    lambda l: l.table("open_conflicts"),
    lambda l: l.table("conflicts"),
    lambda l: l.ties(),
    lambda l: l.table("ventures"),
    lambda l: l.preview(Listening("Otters", "2026-10-02", present=["Lior", "Mina", "Noor"])),
], ids=["points", "totals", "totals-crew", "trust", "trust-group", "attendance", "memberships", "events-private",
        "events", "events-no-texts", "participants", "groups", "hosting", "open-conflicts", "conflicts", "ties",
        "ventures", "preview"])
def test_same_frames_on_both_backends(demo_pair, read):
    sqlite, pg = demo_pair
    expected = read(sqlite)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(read(pg), expected)


def test_same_refusals_on_both_backends(demo_pair):
    messages = []
    for ledger in demo_pair:
        with pytest.raises(LedgerError) as refused:
            ledger.record(Listening("Nowhere", "2026-01-01", present=["Ama", "Bo"]))
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert "Known groups: Ama+Bo, Fen+Gus, Herons, Kestrels, Marsh Wrens, Mina+Noor and Otters." in messages[0]


def test_a_read_sees_one_snapshot(ledger_location):
    # A page reads events and then participants; a write landing in between must not show up in half.
    with Ledger.open(ledger_location) as writer, Ledger.open(ledger_location) as reader:
        writer.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2025-01-01")
        with reader.store.read() as con:
            before = con.execute(sa.select(sa.func.count()).select_from(st.events)).scalar()
            writer.record(Listening("Kestrels", "2025-02-01", present=["Ama", "Bo"]))
            during = con.execute(sa.select(sa.func.count()).select_from(st.events)).scalar()
            parts = con.execute(sa.select(sa.func.count()).select_from(st.participants)).scalar()
        assert (before, during, parts) == (1, 1, 3)
        assert len(reader.events()) == 2  # a new read sees the write


def test_pages_writing_at_once(ledger_location):
    """Eight pages record at the same moment: all land once; of four closing one conflict, one wins."""
    with Ledger.open(ledger_location) as setup:
        setup.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], on="2025-01-01")
        conflict = setup.record(ConflictOpened("Kestrels", "2025-02-01", parties=["Ama", "Bo"]))
    start = threading.Barrier(12)
    outcomes = []

    def page(record):
        with Ledger.open(ledger_location) as ledger:
            start.wait()
            try:
                outcomes.append(("ok", record(ledger)))
            except LedgerError as exc:
                outcomes.append(("refused", str(exc)))

    records = [lambda l, d=d: l.record(Listening("Kestrels", f"2025-03-{d:02d}", present=["Ama", "Caz"]))
               for d in range(1, 9)]
    records += [lambda l: l.record(ConflictClosed(conflict, "2025-03-10", outcome="resolved"))] * 4
    threads = [threading.Thread(target=page, args=(r,)) for r in records]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    refused = [text for kind, text in outcomes if kind == "refused"]
    assert len(outcomes) == 12 and len(refused) == 3, outcomes
    assert all("already closed" in text for text in refused)
    with Ledger.open(ledger_location) as check:
        ev = check.events()
        assert (ev["kind"] == "listening").sum() == 8
        assert (ev["kind"] == "conflict_closed").sum() == 1
        assert check.totals().loc["Ama", "level 4"] == 10


# --- PostgreSQL only --------------------------------------------------------------------------


def test_an_empty_database_becomes_a_ledger(pg_database):
    url = pg_database(with_schema=False)
    with Ledger.open(url) as ledger:
        ledger.add_group("Herons", ["Fen", "Gus", "Hana"], on="2025-01-01")
    with Ledger.open(url) as again:
        assert again.groups()["group"].tolist() == ["Herons"]


def test_a_foreign_database_is_left_untouched(pg_database):
    url = pg_database(with_schema=False)
    engine = sa.create_engine(url)
    with engine.begin() as con:
        con.exec_driver_sql("CREATE TABLE events (id int, what text)")
    with pytest.raises(LedgerFileError, match="not a Reciprocity ledger"):
        Ledger.open(url)
    with engine.connect() as con:
        assert sa.inspect(con).get_table_names() == ["events"]
    engine.dispose()


def test_a_newer_schema_is_refused(pg_database):
    url = pg_database()
    engine = sa.create_engine(url)
    with engine.begin() as con:
        con.execute(sa.update(st.meta).where(st.meta.c.key == "schema_version").values(value="99"))
    engine.dispose()
    with pytest.raises(LedgerFileError, match="newer version"):
        Ledger.open(url)


def test_an_unreachable_server_is_a_clear_message_without_the_password(pg_server):
    url = f"postgresql://host:s3cret@127.0.0.1:{pg_server.port}/no_such_database"
    with pytest.raises(LedgerFileError) as refused:
        Ledger.open(url)
    assert "Cannot reach the ledger" in str(refused.value)
    assert "s3cret" not in str(refused.value)


def test_backup_points_to_pg_dump(pg_database):
    with Ledger.open(pg_database()) as ledger:
        with pytest.raises(LedgerError, match="pg_dump"):
            ledger.backup()
