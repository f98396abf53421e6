"""Files that are not a healthy ledger of this version: each is refused with words that name the
file, and the file (and its folder) come out byte for byte as they went in."""

import os
import sqlite3

import pytest

from microsolidarity_widgets import Ledger, LedgerFileError
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.levels.listening import Listening


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> bytes:
    """The bytes of a small, cleanly closed ledger."""
    path = tmp_path_factory.mktemp("healthy") / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], on="2026-01-01")
        for day in range(2, 28):
            ledger.record(Listening("Kestrels", f"2026-01-{day:02d}", present=["Ama", "Bo", "Caz"]))
    return path.read_bytes()


def _sqlite(path, *sql):
    con = sqlite3.connect(path)
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()


def truncated_half(path, good):
    path.write_bytes(good[: len(good) // 2])


def truncated_beside_a_log_that_lacks_the_pages(path, good):
    # A -wal beside a short file is judged by SQLite (it may hold the missing pages after a full
    # disk); one that does not hold them leaves the file as damaged as it is.
    path.write_bytes(good[: len(good) // 2])
    path.with_name(path.name + "-wal").write_bytes(bytes(4096))


def truncated_at_a_page(path, good):
    path.write_bytes(good[: 4096 * 2])


def truncated_inside_the_header(path, good):
    path.write_bytes(good[:50])


def zeroed_after_first_page(path, good):
    path.write_bytes(good[:4096] + bytes(len(good) - 4096))


def sqlite_magic_then_noise(path, good):
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)


def a_text_file(path, good):
    path.write_text("name,points\nAma,116\n" * 50)


def a_spreadsheet_renamed(path, good):
    path.write_bytes(b"PK\x03\x04" + bytes(3000))


def another_apps_empty_tables(path, good):
    _sqlite(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")


def another_app_with_our_table_names(path, good):
    _sqlite(path, "CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT)", "CREATE TABLE members (id INTEGER)")


def another_apps_blank_database(path, good):
    _sqlite(path, "PRAGMA application_id = 1234", "PRAGMA user_version = 3")


def a_ledger_of_a_newer_schema(path, good):
    path.write_bytes(good)
    _sqlite(path, f"UPDATE meta SET value = '{st.SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")


def a_ledger_of_another_application(path, good):
    path.write_bytes(good)
    _sqlite(path, "UPDATE meta SET value = 'someone-else' WHERE key = 'application'")


def a_ledger_without_a_version(path, good):
    path.write_bytes(good)
    _sqlite(path, "DELETE FROM meta WHERE key = 'schema_version'")


CASES = {
    truncated_half: "looks truncated or damaged",
    truncated_beside_a_log_that_lacks_the_pages: "looks truncated or damaged",
    truncated_at_a_page: "looks truncated or damaged",
    truncated_inside_the_header: "looks truncated or damaged",
    zeroed_after_first_page: "cannot be read as a ledger",
    sqlite_magic_then_noise: "looks truncated or damaged",
    a_text_file: "not a SQLite database",
    a_spreadsheet_renamed: "not a SQLite database",
    another_apps_empty_tables: "is a SQLite database but not a Reciprocity ledger",
    another_app_with_our_table_names: "is a SQLite database but not a Reciprocity ledger",
    another_apps_blank_database: "an empty database of another program",
    a_ledger_of_a_newer_schema: "written by a newer version of the workbook",
    a_ledger_of_another_application: "is not a Reciprocity ledger",
    a_ledger_without_a_version: "has no readable schema version",
}


def folder_state(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("make", CASES, ids=[f.__name__ for f in CASES])
def test_refused_by_name_and_left_untouched(tmp_path, healthy, make):
    path = tmp_path / "crew ledger.sqlite"
    make(path, healthy)
    before = folder_state(tmp_path)
    with pytest.raises(LedgerFileError) as err:
        Ledger.open(path)
    message = str(err.value)
    assert str(path) in message
    assert CASES[make] in message
    assert "untouched" in message
    assert "Traceback" not in message and "sqlite3." not in message
    # No -wal/-shm left beside it either, and the file's bytes and time stamp are as they were.
    assert folder_state(tmp_path) == before


def test_a_folder_is_not_a_ledger(tmp_path):
    with pytest.raises(LedgerFileError, match="is a folder"):
        Ledger.open(tmp_path)


def test_an_empty_file_becomes_a_ledger(tmp_path):
    """Zero bytes hold nothing to protect (``touch ledger.sqlite``): it is set up as a new ledger."""
    path = tmp_path / "ledger.sqlite"
    path.touch()
    with Ledger.open(path) as ledger:
        ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2026-01-01")
    assert st.check_sqlite_file(path) == st.SCHEMA_VERSION


def test_damage_found_only_while_reading_is_reported_in_words(tmp_path, healthy):
    """A page damaged past the header check still reaches the caller as a LedgerFileError."""
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(healthy)
    con = sqlite3.connect(path)
    roots = [r for (r,) in con.execute("SELECT rootpage FROM sqlite_master WHERE name IN ('events', 'participants')")]
    con.close()
    damaged = bytearray(healthy)
    for root in roots:  # scribble over the first page of each table
        damaged[(root - 1) * 4096: root * 4096] = b"\xff" * 4096
    path.write_bytes(bytes(damaged))
    with Ledger.open(path) as ledger:  # the header and the schema are intact
        for read in (ledger.points, ledger.participants,
                     lambda: ledger.record(Listening("Kestrels", "2026-02-01", present=["Ama", "Bo"]))):
            with pytest.raises(LedgerFileError) as err:
                read()
            assert str(path) in str(err.value)
            assert "is damaged" in str(err.value) and "Restore it from a backup" in str(err.value)


def test_the_check_itself_never_writes(tmp_path, healthy):
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(healthy)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert st.check_sqlite_file(path) == st.SCHEMA_VERSION
    assert path.read_bytes() == healthy and path.stat().st_mtime_ns == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite"]
