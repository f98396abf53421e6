"""What happens when things break under the ledger: a page killed mid-write, a full disk, a
read-only disk. Every acknowledged answer survives, nothing is half-written, and the page gets
words (LedgerFileError), not a traceback."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger, LedgerError, LedgerFileError
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money

CREW = ["Ama", "Bo", "Caz", "Dev"]

# Records money rounds (4 participants each) in a loop, printing each id once recorded.
RECORDER = '''
import datetime as dt
import sys

from microsolidarity_widgets import Ledger
from microsolidarity_widgets.levels.money import Money

ledger = Ledger.open(sys.argv[1])
for j in range(10**6):
    day = dt.date(2000, 1, 1) + dt.timedelta(days=j)
    event_id = ledger.record(Money("Kestrels", day, speaker="Ama", offers=[("Bo", "perspective", "note %d" % j)],
                                   asks=["ask %d" % j], respectful=["Bo"], note="round %d " % j + "x" * (j % 3000)))
    print(event_id, flush=True)
'''


def integrity(path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def half_written(ledger: Ledger) -> list[int]:
    """Money rounds missing any of their four participants, two participant notes or own note."""
    parts = ledger.participants(include_private=True)
    ev = ledger.events(include_private=True)
    money = ev[ev["kind"] == "money"]
    sizes = parts.groupby("event_id").size().reindex(money["id"], fill_value=0)
    notes = parts.dropna(subset=["texts"]).groupby("event_id").size().reindex(money["id"], fill_value=0)
    return sorted(set(sizes[sizes != 4].index) | set(notes[notes != 2].index) | set(money.loc[money["texts"].isna(), "id"]))


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [3, 150])
def test_a_page_killed_mid_write_loses_nothing_it_acknowledged(tmp_path, kill_after):
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        ledger.add_group("Kestrels", CREW, on="1999-01-01")
    child = subprocess.Popen([sys.executable, "-c", RECORDER, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    acked = []
    try:
        while len(acked) < kill_after:
            line = child.stdout.readline()
            assert line, child.stderr.read()
            acked.append(int(line))
    finally:
        os.kill(child.pid, signal.SIGKILL)  # no clean-up, no atexit: as a crash or a power cut
        child.wait()
    acked += [int(x) for x in child.stdout.read().split()]  # ids printed before the kill landed
    assert child.returncode == -signal.SIGKILL

    assert integrity(path) == "ok"
    with Ledger.open(path) as ledger:
        ev = ledger.events(include_private=True)
        money = ev[ev["kind"] == "money"]
        assert set(acked) <= set(money["id"])
        assert len(money) - len(acked) in (0, 1)  # at most the write that was in flight, whole
        assert half_written(ledger) == []
        # The ledger goes on as if nothing happened.
        ledger.record(Listening("Kestrels", "2026-01-01", present=["Ama", "Bo"]))
        assert ledger.totals().loc["Ama", "level 1"] == 1


def _mount_tmpfs(where, size: str) -> None:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small disk needs root; the max_page_count test covers the same path")
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


def _umount(where) -> None:
    for _ in range(20):
        if subprocess.run(["umount", str(where)], capture_output=True).returncode == 0:
            return
        time.sleep(0.1)  # a connection closing in the background may hold it for a moment
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path):
    where = tmp_path / "small-disk"
    _mount_tmpfs(where, "640k")
    yield where
    _umount(where)


def fill_until_full(ledger: Ledger) -> tuple[int, LedgerFileError]:
    recorded = 0
    for j in range(10_000):
        try:
            ledger.record(Money("Kestrels", f"2001-01-{1 + j % 28:02d}", speaker="Ama",  # shaped as RECORDER's
                                offers=[("Bo", "other", "o" * 2000)], asks=["a" * 1000], respectful=["Bo"],
                                note=f"{j} " + "n" * 4000))
        except LedgerFileError as exc:
            return recorded, exc
        recorded += 1
    pytest.fail("the disk never filled up")


def test_a_full_disk_is_reported_in_words_and_nothing_is_partial(small_disk):
    path = small_disk / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        ledger.add_group("Kestrels", CREW, on="2000-01-01")
        recorded, exc = fill_until_full(ledger)
        assert f"The disk holding {path} is full, so nothing was recorded" in str(exc)
        assert recorded > 3
        assert len(ledger.events()) == recorded + 1 and half_written(ledger) == []
        # Another try fails the same way, and still leaves nothing behind.
        with pytest.raises(LedgerFileError, match="is full"):
            ledger.record(Listening("Kestrels", "2001-02-01", present=["Ama", "Bo"]))
        assert len(ledger.events()) == recorded + 1
    assert integrity(path) == "ok"


def test_a_ledger_closed_on_a_full_disk_reopens_with_everything_acknowledged(small_disk, tmp_path):
    """The disk fills before SQLite can copy its log back into the file: the file is then shorter
    than its header says, and the committed pages live in -wal. That pair is a healthy ledger; the
    workbook must read it (and back it up) rather than call it damaged."""
    path = small_disk / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        ledger.add_group("Kestrels", CREW, on="2000-01-01")
        recorded, _ = fill_until_full(ledger)
        acknowledged = ledger.events(include_private=True)
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > path.stat().st_size  # the situation of the report: the pages are in the log
    with Ledger.open(path) as ledger:
        assert ledger.events(include_private=True).equals(acknowledged)
        assert len(acknowledged) == recorded + 1 and half_written(ledger) == []
        copy = ledger.backup(tmp_path / "rescued.sqlite")
    assert integrity(copy) == "ok"
    with Ledger.open(copy) as rescued:
        assert rescued.events(include_private=True).equals(acknowledged)
    # Once there is room again, the ledger simply goes on.
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
    with Ledger.open(path) as ledger:
        ledger.record(Listening("Kestrels", "2001-02-01", present=["Ama", "Bo"]))
        assert len(ledger.events()) == recorded + 2
    assert integrity(path) == "ok"


def test_a_full_ledger_by_page_limit_is_reported_and_recovers(tmp_path):
    """The same path without root: SQLite's max_page_count makes the file 'full'."""
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        ledger.add_group("Kestrels", CREW, on="2000-01-01")
        with ledger.store.read() as con:
            pages = con.exec_driver_sql("PRAGMA page_count").scalar()
        limit = {"pages": pages + 6}
        sa.event.listen(ledger.store.engine, "connect",
                        lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count = {limit['pages']}"))
        ledger.store.engine.dispose()  # new connections get the limit
        recorded, exc = fill_until_full(ledger)
        assert "is full, so nothing was recorded" in str(exc) and str(path) in str(exc)
        assert len(ledger.events()) == recorded + 1 and half_written(ledger) == []
        limit["pages"] = 10**6  # space freed
        ledger.store.engine.dispose()
        ledger.record(Listening("Kestrels", "2001-02-01", present=["Ama", "Bo"]))
        assert len(ledger.events()) == recorded + 2
    assert integrity(path) == "ok"


def test_a_read_only_ledger_is_refused_in_words_and_left_untouched(tmp_path):
    where = tmp_path / "ro"
    if os.geteuid() == 0:
        _mount_tmpfs(where, "2m")
    else:
        where.mkdir()
    try:
        path = where / "ledger.sqlite"
        with Ledger.open(path) as ledger:
            ledger.add_group("Kestrels", CREW, on="2000-01-01")
            ledger.record(Listening("Kestrels", "2001-01-01", present=["Ama", "Bo"]))
        before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in where.iterdir()}
        if os.geteuid() == 0:  # root writes through file modes, so make the disk itself read-only
            subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        else:
            path.chmod(0o444)
            where.chmod(0o555)
        with pytest.raises(LedgerFileError) as err:
            Ledger.open(path)
        message = str(err.value)
        assert f"The ledger {path} is read-only" in message and "nothing can be recorded" in message
        assert "untouched" in message
        assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in where.iterdir()} == before
    finally:
        if os.geteuid() == 0:
            _umount(where)
        else:
            where.chmod(0o755)


def test_a_missing_folder_that_cannot_be_made_is_reported(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(LedgerError, match="Cannot create the folder for"):
        Ledger.open(blocker / "ledger.sqlite")
