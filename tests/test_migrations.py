"""Opening a ledger written by an older version: a backup first, then one migration transaction,
and every event and score as before.

SCHEMA_1 below is exactly what version 1 of the workbook wrote (copied from its sqlite_master), so
these tests keep proving that files from the field still open. Its rows are those of data/schema3.sqlite
(see test_named_fields.py): schemas 1 to 3 kept the same tables.
"""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger, LedgerError
from microsolidarity_widgets import storage as st
from pg import SCHEMA_3_COLUMNS

SAMPLE = Path(__file__).parent / "data" / "schema3.sqlite"

SCHEMA_1 = """
CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL,
	value VARCHAR(255) NOT NULL,
	PRIMARY KEY ("key")
);
CREATE TABLE groups (
	id INTEGER NOT NULL,
	name VARCHAR(80) NOT NULL,
	name_key VARCHAR(80) NOT NULL,
	kind VARCHAR(16) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name_key)
);
CREATE TABLE members (
	id INTEGER NOT NULL,
	name VARCHAR(80) NOT NULL,
	name_key VARCHAR(80) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name_key)
);
CREATE TABLE events (
	id INTEGER NOT NULL,
	uid VARCHAR(32) NOT NULL,
	kind VARCHAR(24) NOT NULL,
	group_id INTEGER,
	on_date VARCHAR(10) NOT NULL,
	recorded_at VARCHAR(32) NOT NULL,
	ref_id INTEGER,
	outcome VARCHAR(24),
	title VARCHAR(200),
	detail VARCHAR(200),
	note TEXT,
	private BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (uid),
	FOREIGN KEY(group_id) REFERENCES groups (id),
	FOREIGN KEY(ref_id) REFERENCES events (id)
);
CREATE INDEX ix_events_group_kind ON events (group_id, kind);
CREATE INDEX ix_events_ref ON events (ref_id);
CREATE TABLE participants (
	id INTEGER NOT NULL,
	event_id INTEGER NOT NULL,
	member_id INTEGER NOT NULL,
	role VARCHAR(16) NOT NULL,
	detail VARCHAR(200),
	note TEXT,
	PRIMARY KEY (id),
	FOREIGN KEY(event_id) REFERENCES events (id),
	FOREIGN KEY(member_id) REFERENCES members (id)
);
CREATE INDEX ix_participants_event ON participants (event_id);
CREATE INDEX ix_participants_member ON participants (member_id);
INSERT INTO meta VALUES ('application', 'microsolidarity-ledger'), ('schema_version', '1');
"""

TABLES = ("groups", "members", "events", "participants")


def ddl(path) -> dict[str, str]:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    con.close()
    return {name: " ".join(sql.replace("(", " ( ").replace(")", " ) ").replace(",", " , ").split()) for name, sql in rows}


def rows(path) -> dict[str, list]:
    con = sqlite3.connect(path)
    out = {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}
    con.close()
    return out


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The sample ledger's rows (the events a schema-1 file will hold), and how today's code reads
    them once upgraded from schema 3."""
    path = tmp_path_factory.mktemp("source") / "schema3.sqlite"
    shutil.copy(SAMPLE, path)
    with Ledger.open(path) as ledger:
        expected = {"points": ledger.points(), "events": ledger.events(include_private=True),
                    "participants": ledger.participants(include_private=True)}
    return SAMPLE, expected


def make_schema_1(path, source_path=None):
    """A version-1 ledger file: SCHEMA_1, filled with the source's rows when given."""
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_1)
    if source_path is not None:
        con.execute("ATTACH DATABASE ? AS src", (str(source_path),))
        for table in TABLES:
            con.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
        con.commit()
        con.execute("DETACH DATABASE src")
    con.execute("PRAGMA journal_mode = WAL")  # as version 1 left its files
    con.close()


def test_the_schema_1_fixture_plus_the_migrations_is_todays_schema(tmp_path):
    """Change the schema without a migration (and a new SCHEMA_VERSION) and this fails."""
    old, new = tmp_path / "old.sqlite", tmp_path / "new.sqlite"
    make_schema_1(old)
    Ledger.open(old).close()
    Ledger.open(new).close()
    assert st.SCHEMA_VERSION == 5 and sorted(st.MIGRATIONS) == [1, 2, 3, 4]
    assert ddl(old) == ddl(new)


def test_opening_a_schema_1_file_backs_it_up_then_migrates(tmp_path, source):
    source_path, expected = source
    path = tmp_path / "ledger.sqlite"
    make_schema_1(path, source_path)
    before = rows(path)
    assert st.check_sqlite_file(path) == 1

    with Ledger.open(path) as ledger:
        version, backup = ledger.store.migrated_from
        pd.testing.assert_frame_equal(ledger.points(), expected["points"])
        pd.testing.assert_frame_equal(ledger.events(include_private=True).drop(columns="recorded_at"),
                                      expected["events"].drop(columns="recorded_at"))
        pd.testing.assert_frame_equal(ledger.participants(include_private=True), expected["participants"])
        # Still a working ledger after the upgrade.
        crew = ledger.groups()["group"].iloc[0]
        ledger.record_agreements(crew, "2026-01-01", "Phones away during rounds.")

    assert version == 1 and backup.parent == tmp_path and "schema1" in backup.name
    assert st.check_sqlite_file(backup) == 1            # the backup is the old file, readable by version 1
    assert rows(backup) == before                        # every row, unchanged
    assert "ix_events_kind_ref" not in ddl(backup)
    assert st.check_sqlite_file(path) == st.SCHEMA_VERSION
    assert "ix_events_kind_ref" in ddl(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    plan = " ".join(r[-1] for r in con.execute(
        "EXPLAIN QUERY PLAN SELECT ref_id FROM events WHERE kind = 'void' AND ref_id IS NOT NULL"))
    con.close()
    assert "ix_events_kind_ref" in plan                  # the reason for schema 2: no table scan

    with Ledger.open(path) as again:                     # opening it again migrates nothing
        assert again.store.migrated_from is None
    assert len(list(tmp_path.glob("*schema1*"))) == 1


def test_a_failing_migration_leaves_the_old_file_and_its_backup(tmp_path, source, monkeypatch):
    path = tmp_path / "ledger.sqlite"
    make_schema_1(path, source[0])
    before = rows(path)

    def broken(con):
        st.MIGRATIONS[1].__wrapped__(con)  # the real step runs, then something goes wrong
        raise LedgerError("the migration stopped half way")

    broken.__wrapped__ = st.MIGRATIONS[1]
    monkeypatch.setitem(st.MIGRATIONS, 1, broken)
    with pytest.raises(LedgerError, match="half way"):
        Ledger.open(path)
    assert st.check_sqlite_file(path) == 1
    assert "ix_events_kind_ref" not in ddl(path)         # rolled back whole, index included
    assert rows(path) == before
    assert [rows(b) for b in tmp_path.glob("*schema1*")] == [before]


OPEN = "import sys; from microsolidarity_widgets import Ledger; l = Ledger.open(sys.argv[1]); print(len(l.events()))"


def test_pages_opening_the_old_file_at_once_migrate_it_once(tmp_path, source):
    path = tmp_path / "ledger.sqlite"
    make_schema_1(path, source[0])
    procs = [subprocess.Popen([sys.executable, "-c", OPEN, str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-2000:] for o in outs]
    assert len({o[0] for o in outs}) == 1
    assert len(list(tmp_path.glob("*schema1*"))) == 1
    assert st.check_sqlite_file(path) == st.SCHEMA_VERSION


def test_a_server_ledger_of_schema_1_migrates_in_one_transaction(pg_database):
    url = pg_database()
    engine = sa.create_engine(url)
    with engine.begin() as con:
        con.exec_driver_sql("DROP INDEX ix_events_kind_ref")
        for statement in SCHEMA_3_COLUMNS:
            con.exec_driver_sql(statement)
        con.execute(sa.update(st.meta).where(st.meta.c.key == "schema_version").values(value="1"))
    engine.dispose()
    with Ledger.open(url) as ledger:
        assert ledger.store.migrated_from == (1, None)
        ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2026-01-01")
    engine = sa.create_engine(url)
    with engine.connect() as con:
        assert "ix_events_kind_ref" in {ix["name"] for ix in sa.inspect(con).get_indexes("events")}
        assert con.execute(sa.select(st.meta.c.value).where(st.meta.c.key == "schema_version")).scalar() == "5"
    engine.dispose()


def test_a_schema_2_file_is_backed_up_and_upgraded_and_a_schema_2_workbook_refuses_it(tmp_path, source, monkeypatch):
    """Schema 3 adds congregations (no table changes): a schema-2 ledger opens, keeps every row and can
    hold a congregation; a workbook that reads only up to 2 refuses the upgraded file instead of listing
    its congregation as a crew."""
    from microsolidarity_widgets.congregation import Congregation

    path = tmp_path / "ledger.sqlite"
    make_schema_1(path, source[0])
    con = sqlite3.connect(path)  # what schema 2 added to schema 1
    con.execute("CREATE INDEX ix_events_kind_ref ON events (kind, ref_id)")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    before = rows(path)
    with Ledger.open(path) as ledger:
        assert ledger.store.migrated_from[0] == 2 and "schema2" in ledger.store.migrated_from[1].name
        Congregation.create(ledger, "Porto circle", region="Porto", on="2026-01-01")
    assert rows(next(tmp_path.glob("*schema2*"))) == before
    assert st.check_sqlite_file(path) == st.SCHEMA_VERSION
    monkeypatch.setattr(st, "SCHEMA_VERSION", 2)
    with pytest.raises(LedgerError, match="newer version"):
        st.check_sqlite_file(path)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_schema_4_ledger_gains_one_time_keys(backend, tmp_path, pg_database):
    """Schema 5 adds each event's one-time key, unique: an upgraded ledger refuses a replay as a new one
    does, and its older events (none of which has a key) stay as they were."""
    from microsolidarity_widgets import AlreadyRecorded
    from microsolidarity_widgets.rules import CheckIn
    from microsolidarity_widgets.values import new_once_key
    from pg import SCHEMA_4_COLUMNS

    location = str(tmp_path / "ledger.sqlite") if backend == "sqlite" else pg_database()
    with Ledger.open(location) as ledger:
        ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2026-01-01")
        ledger.record(CheckIn("Kestrels", "2026-01-02", "Ama"))
    engine = sa.create_engine(location if backend == "postgresql" else f"sqlite:///{location}")
    with engine.begin() as con:  # back to what schema 4 made
        if backend == "sqlite":
            con.exec_driver_sql("DROP INDEX ux_events_once_key")
        for statement in SCHEMA_4_COLUMNS:
            con.exec_driver_sql(statement)
        con.execute(sa.update(st.meta).where(st.meta.c.key == "schema_version").values(value="4"))
    engine.dispose()
    key = new_once_key()
    with Ledger.open(location) as ledger:
        assert ledger.store.migrated_from[0] == 4
        ledger.record(CheckIn("Kestrels", "2026-01-02", "Bo"), key=key)
        with pytest.raises(AlreadyRecorded):
            ledger.record(CheckIn("Kestrels", "2026-01-02", "Bo"), key=key)
        assert ledger.check_ins("Kestrels", "2026-01-02") == ["Ama", "Bo"]
    engine = sa.create_engine(location if backend == "postgresql" else f"sqlite:///{location}")
    with engine.connect() as con:
        unique = {ix["name"]: ix["unique"] for ix in sa.inspect(con).get_indexes("events")}
        assert unique.get("ux_events_once_key") in (True, 1)
    engine.dispose()
